/**
 * ICMP for IPv4 (RFC 792), minimal: type, code, checksum, and echo identifier
 * and sequence, enough to show the packets inside IPv4 ESP tunnels.
 */
import { u16 } from './bytes.js';
import { checksumOk } from './checksum.js';
import type { DissectContext } from './context.js';
import { registerIpProtocol } from './context.js';
import { defineFields, FT } from './fields.js';
import { ipv6Fields } from './ipv6.js';
import { CHECKSUM_STATUS } from './mh/header.js';
import type { Tree } from './tree.js';

export const ICMP_TYPES: Record<number, string> = {
  0: 'Echo (ping) reply', 3: 'Destination unreachable', 5: 'Redirect', 8: 'Echo (ping) request', 11: 'Time-to-live exceeded', 12: 'Parameter problem',
};

export const icmpFields = defineFields('icmp', {
  _root: { abbrev: 'icmp', name: 'Internet Control Message Protocol', type: FT.Protocol },
  type: { name: 'Type', type: FT.UInt, vals: ICMP_TYPES },
  code: { name: 'Code', type: FT.UInt },
  checksum: { name: 'Checksum', type: FT.UInt, hex: 4 },
  'checksum.status': { abbrev: 'icmp.checksum.status', name: 'Checksum Status', type: FT.Choice, vals: CHECKSUM_STATUS },
  ident: { name: 'Identifier (BE)', type: FT.UInt },
  seq: { name: 'Sequence Number (BE)', type: FT.UInt },
});

/** Info in the words tcpdump uses, so its .out files can be compared line by line. */
function icmpInfo(tree: Tree, item: number): string {
  const t = tree.value[tree.firstWithin(icmpFields.type, item)]!;
  const id = tree.firstWithin(icmpFields.ident, item);
  const seq = tree.firstWithin(icmpFields.seq, item);
  if ((t === 0 || t === 8) && id >= 0 && seq >= 0) {
    return `ICMP echo ${t === 8 ? 'request' : 'reply'}, id ${tree.value[id]}, seq ${tree.value[seq]}`;
  }
  return `ICMP ${ICMP_TYPES[t] ?? `type ${t}`}`;
}

export function dissectIcmp(ctx: DissectContext, buf: number, off: number, end: number, parent: number): void {
  const tree = ctx.tree;
  const b = tree.buffers[buf]!;
  tree.protocol = 'ICMP';
  if (end - off < 4) {
    const r = tree.add(parent, icmpFields._root, buf, off, end - off);
    tree.note(r, 'error', 'icmp.short', `ICMP truncated: ${end - off} bytes`);
    return;
  }
  const type = b[off]!;
  const root = tree.add(parent, icmpFields._root, buf, off, end - off);
  tree.add(root, icmpFields.type, buf, off, 1, type);
  tree.add(root, icmpFields.code, buf, off + 1, 1, b[off + 1]!);
  const cs = tree.add(root, icmpFields.checksum, buf, off + 2, 2, u16(b, off + 2));
  // RFC 792: the checksum covers the whole ICMP message, no pseudo-header.
  const good = checksumOk(b, off, end - off);
  tree.addGenerated(cs, icmpFields['checksum.status'], good ? 1 : 0);
  if (!good) tree.note(cs, 'error', 'icmp.checksum', 'bad ICMP checksum');
  tree.info = icmpInfo;
  tree.infoItem = root;
  let o = off + 4;
  if ((type === 0 || type === 8) && end - off >= 8) {
    tree.add(root, icmpFields.ident, buf, off + 4, 2, u16(b, off + 4));
    tree.add(root, icmpFields.seq, buf, off + 6, 2, u16(b, off + 6));
    o = off + 8;
  }
  if (end > o) tree.add(root, ipv6Fields.data, buf, o, end - o);
}

registerIpProtocol(1, dissectIcmp);
