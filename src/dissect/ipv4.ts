/**
 * IPv4 (RFC 791), only as far as mip6scope needs it: the outer header of ESP
 * captures over IPv4 (RFC 4303, RFC 3948) and IPv4 inside IPv6 or ESP tunnels.
 * Sets the addressing state so ESP finds its SA by the IPv4 addresses.
 */
import { u16 } from './bytes.js';
import { checksumOk } from './checksum.js';
import type { DissectContext } from './context.js';
import { registerIpProtocol } from './context.js';
import { defineFields, FT } from './fields.js';
import { CHECKSUM_STATUS } from './mh/header.js';
import { IP_PROTOCOLS, ipv6Fields, upperLayer } from './ipv6.js';

export const ipv4Fields = defineFields('ip', {
  _root: { abbrev: 'ip', name: 'Internet Protocol Version 4', type: FT.Protocol },
  version: { name: 'Version', type: FT.UInt },
  hdr_len: { name: 'Header Length', type: FT.UInt, unit: 'bytes' },
  dsfield: { name: 'Differentiated Services Field', type: FT.UInt, hex: 2 },
  len: { name: 'Total Length', type: FT.UInt },
  id: { name: 'Identification', type: FT.UInt, hex: 4 },
  flags: { name: 'Flags', type: FT.UInt, hex: 2, mask: 0xe0, bits: 8 },
  frag_offset: { name: 'Fragment Offset', type: FT.UInt, unit: 'bytes' },
  ttl: { name: 'Time to Live', type: FT.UInt },
  proto: { name: 'Protocol', type: FT.UInt, vals: IP_PROTOCOLS },
  checksum: { name: 'Header Checksum', type: FT.UInt, hex: 4 },
  'checksum.status': { abbrev: 'ip.checksum.status', name: 'Header checksum status', type: FT.Choice, vals: CHECKSUM_STATUS },
  src: { name: 'Source Address', type: FT.IPv4 },
  dst: { name: 'Destination Address', type: FT.IPv4 },
  addr: { name: 'Source or Destination Address', type: FT.IPv4, blurb: 'matches either end (hidden)' },
});

/** Dissect an IPv4 header at buffers[buf][off..end) and hand its payload on by Protocol. */
export function dissectIpv4(ctx: DissectContext, buf: number, off: number, end: number, parent: number): void {
  const tree = ctx.tree;
  const b = tree.buffers[buf]!;
  tree.protocol = 'IPv4';
  if (end - off < 20) {
    const r = tree.add(parent, ipv4Fields._root, buf, off, end - off);
    tree.note(r, 'error', 'ip.short', `IPv4 header truncated: ${end - off} of 20 bytes`);
    return;
  }
  const version = b[off]! >> 4;
  const ihl = (b[off]! & 15) * 4;
  const total = u16(b, off + 2);
  const proto = b[off + 9]!;
  const hlen = Math.max(20, Math.min(ihl, end - off));
  const root = tree.add(parent, ipv4Fields._root, buf, off, hlen);
  const vItem = tree.add(root, ipv4Fields.version, buf, off, 1, version);
  const hItem = tree.add(root, ipv4Fields.hdr_len, buf, off, 1, ihl);
  tree.add(root, ipv4Fields.dsfield, buf, off + 1, 1, b[off + 1]!);
  const lItem = tree.add(root, ipv4Fields.len, buf, off + 2, 2, total);
  tree.add(root, ipv4Fields.id, buf, off + 4, 2, u16(b, off + 4));
  const fo = u16(b, off + 6);
  tree.add(root, ipv4Fields.flags, buf, off + 6, 1, fo >> 13);
  tree.add(root, ipv4Fields.frag_offset, buf, off + 6, 2, (fo & 0x1fff) * 8);
  tree.add(root, ipv4Fields.ttl, buf, off + 8, 1, b[off + 8]!);
  tree.add(root, ipv4Fields.proto, buf, off + 9, 1, proto);
  const csItem = tree.add(root, ipv4Fields.checksum, buf, off + 10, 2, u16(b, off + 10));
  const src = tree.add(root, ipv4Fields.src, buf, off + 12, 4);
  const dst = tree.add(root, ipv4Fields.dst, buf, off + 16, 4);
  const a1 = tree.add(root, ipv4Fields.addr, buf, off + 12, 4);
  const a2 = tree.add(root, ipv4Fields.addr, buf, off + 16, 4);
  if (a1 >= 0) tree.flags[a1] |= 2;
  if (a2 >= 0) tree.flags[a2] |= 2;
  tree.srcItem = src;
  tree.dstItem = dst;
  if (version !== 4) tree.note(vItem, 'error', 'ip.version', `version ${version}, expected 4`);
  if (ihl < 20 || ihl > end - off) {
    tree.note(hItem, 'error', 'ip.hdr_len', `Header Length ${ihl} bytes is ${ihl < 20 ? 'below the 20-byte minimum' : 'past the captured data'} (RFC 791 3.1)`);
    return;
  }
  // RFC 791 3.1: the header checksum covers the header only and sums to all ones.
  const good = checksumOk(b, off, ihl);
  tree.addGenerated(csItem, ipv4Fields['checksum.status'], good ? 1 : 0);
  if (!good) tree.note(csItem, 'error', 'ip.checksum', 'bad IPv4 header checksum');

  ctx.ipVersion = 4;
  ctx.ipSrcBuf = ctx.pseudoSrcBuf = buf;
  ctx.ipSrcOff = ctx.pseudoSrcOff = off + 12;
  ctx.ipDstBuf = ctx.pseudoDstBuf = buf;
  ctx.ipDstOff = ctx.pseudoDstOff = off + 16;
  ctx.homeAddrOff = -1;
  ctx.depth++;

  let stop = off + total;
  if (total < ihl) {
    tree.note(lItem, 'error', 'ip.len', `Total Length ${total} is shorter than the header (${ihl})`);
    return;
  }
  if (stop > end) {
    tree.note(lItem, 'warning', 'ip.len', `Total Length ${total} runs past the captured data (${end - off} bytes)`);
    stop = end;
  }
  if ((fo & 0x3fff) !== 0) {
    // IPv4 reassembly is out of scope. A first fragment still starts with the
    // upper-layer header, so it is dissected as far as it goes; later ones are raw.
    tree.note(root, 'note', 'ip.fragment', 'IPv4 fragment: not reassembled');
    if ((fo & 0x1fff) !== 0) {
      if (stop > off + ihl) tree.add(parent, ipv6Fields.data, buf, off + ihl, stop - off - ihl);
      return;
    }
  }
  upperLayer(ctx, proto, buf, off + ihl, stop, parent);
}

registerIpProtocol(4, dissectIpv4);
