/**
 * Heartbeat (RFC 5847 3.3, MH type 13): liveness check between a MAG and an LMA,
 * also seen between home agents.
 */
import { u16, u32 } from '../bytes.js';
import { registerMhMessage } from '../context.js';
import { defineFields, FT } from '../fields.js';
import type { Tree } from '../tree.js';

export const hbFields = defineFields('mip6.hb', {
  reserved: { name: 'Reserved', type: FT.UInt, hex: 4, mask: 0xfffc, bits: 16 },
  u_flag: { name: 'Unsolicited (U) flag', type: FT.Bool, mask: 0x0002, bits: 16 },
  r_flag: { name: 'Response (R) flag', type: FT.Bool, mask: 0x0001, bits: 16 },
  seqnr: { name: 'Sequence number', type: FT.UInt },
});

function heartbeatInfo(tree: Tree, item: number): string {
  const u = tree.firstWithin(hbFields.u_flag, item);
  const r = tree.firstWithin(hbFields.r_flag, item);
  const seq = tree.firstWithin(hbFields.seqnr, item);
  if (seq < 0) return 'Heartbeat';
  const kind = tree.value[r]! ? (tree.value[u]! ? 'Unsolicited Heartbeat Response' : 'Heartbeat Response') : 'Heartbeat Request';
  return `${kind} seq ${tree.value[seq]}`;
}

registerMhMessage({
  key: 'heartbeat', name: 'Heartbeat', short: 'HB',
  // RFC 5847 3.3: 6 bytes of message data after the common header, so at least one more 8-octet unit.
  minHeaderLen: 1,
  // RFC 5847 3.3: only Restart Counter (not in this profile) is valid; RFC 5094 allows a vendor option anywhere.
  options: ['vendorSpecific'],
  info: heartbeatInfo,
  body(ctx, buf, mh, end, item) {
    const tree = ctx.tree;
    const b = tree.buffers[buf]!;
    if (end - mh < 12) return mh + 12;
    const w = u16(b, mh + 6);
    const res = tree.add(item, hbFields.reserved, buf, mh + 6, 2, w & 0xfffc);
    // RFC 5847 3.3: Reserved set to 0 and ignored by the receiver.
    if (w & 0xfffc) tree.note(res, 'warning', 'mip6.reserved', 'Heartbeat reserved bits are not zero');
    const u = tree.add(item, hbFields.u_flag, buf, mh + 6, 2, (w & 0x0002) !== 0 ? 1 : 0);
    tree.add(item, hbFields.r_flag, buf, mh + 6, 2, w & 0x0001);
    // RFC 5847 3.3: U marks an unsolicited response, so it has no meaning in a request.
    if ((w & 0x0003) === 0x0002) tree.note(u, 'warning', 'mip6.hb.flags', 'U (unsolicited) is set in a Heartbeat Request (R clear)');
    tree.add(item, hbFields.seqnr, buf, mh + 8, 4, u32(b, mh + 8));
    return mh + 12;
  },
});
