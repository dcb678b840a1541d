/**
 * Binding Revocation (RFC 5846 5, MH type 16): one MH type, two messages told
 * apart by the B.R. Type byte, Indication (1) and Acknowledgement (2).
 */
import { u16 } from '../bytes.js';
import { registerMhMessage } from '../context.js';
import { defineFields, FT } from '../fields.js';
import type { Tree } from '../tree.js';
import { mip6Fields } from './header.js';

export const BR_TYPE: Record<number, string> = {
  0: 'Reserved', 1: 'Binding Revocation Indication', 2: 'Binding Revocation Acknowledgement',
};

/** RFC 5846 5.1: per-MN triggers below 128, global ones from 128; 250-255 for testing. */
export const BR_TRIGGER: Record<number, string> = {
  0: 'Unspecified', 1: 'Administrative Reason', 2: 'Inter-MAG Handover - same Access Type',
  3: 'Inter-MAG Handover - different Access Type', 4: 'Inter-MAG Handover - Unknown',
  5: 'User-Initiated Session(s) Termination', 6: 'Access Network Session(s) Termination',
  7: 'Possible Out-of-Sync BCE State', 128: 'Per-Peer Policy', 129: 'Revoking Mobility Node Local Policy',
  250: 'Reserved for testing', 251: 'Reserved for testing', 252: 'Reserved for testing',
  253: 'Reserved for testing', 254: 'Reserved for testing', 255: 'Reserved for testing',
};

/** RFC 5846 5.2: below 128 the indication was processed, from 128 it was rejected. */
export const BR_STATUS: Record<number, string> = {
  0: 'success', 1: 'partial success',
  128: 'Binding Does NOT Exist', 129: 'IPv4 Home Address Option Required', 130: 'Global Revocation NOT Authorized',
  131: 'Revoked Mobile Nodes Identity Required', 132: 'Revocation Failed - MN is Attached',
  133: 'Revocation Trigger NOT Supported', 134: 'Revocation Function NOT Supported',
  135: 'Proxy Binding Revocation NOT Supported',
};

// Wireshark's names: bri_i* in an indication, bri_a* in an acknowledgement.
export const brFields = defineFields('mip6', {
  type: { abbrev: 'mip6.bri_br.type', name: 'B.R. Type', type: FT.UInt, vals: BR_TYPE },
  trigger: { abbrev: 'mip6.bri_r.trigger', name: 'R. Trigger', type: FT.UInt, vals: BR_TRIGGER },
  status: { abbrev: 'mip6.bri_status', name: 'Status', type: FT.UInt, vals: BR_STATUS },
  seqnr: { abbrev: 'mip6.bri_seqnr', name: 'Sequence Number', type: FT.UInt },
  ip: { abbrev: 'mip6.bri_ip', name: 'Proxy Binding (P) Flag', type: FT.Bool, mask: 0x8000, bits: 16 },
  iv: { abbrev: 'mip6.bri_iv', name: 'IPv4 HoA Binding Only (V) Flag', type: FT.Bool, mask: 0x4000, bits: 16 },
  ig: { abbrev: 'mip6.bri_ig', name: 'Global (G) Flag', type: FT.Bool, mask: 0x2000, bits: 16 },
  ap: { abbrev: 'mip6.bri_ap', name: 'Proxy Binding (P) Flag', type: FT.Bool, mask: 0x8000, bits: 16 },
  av: { abbrev: 'mip6.bri_av', name: 'IPv4 HoA Binding Only (V) Flag', type: FT.Bool, mask: 0x4000, bits: 16 },
  ag: { abbrev: 'mip6.bri_ag', name: 'Global (G) Flag', type: FT.Bool, mask: 0x2000, bits: 16 },
  res: { abbrev: 'mip6.bri_res', name: 'Reserved', type: FT.UInt, hex: 4, mask: 0x1fff, bits: 16 },
});

function revocationInfo(tree: Tree, item: number): string {
  const t = tree.firstWithin(brFields.type, item);
  if (t < 0) return 'Binding Revocation';
  const type = tree.value[t]!;
  const seq = tree.firstWithin(brFields.seqnr, item);
  if (type === 1) {
    const tr = tree.firstWithin(brFields.trigger, item);
    const trigger = tree.value[tr]!;
    return `Binding Revocation Indication seq ${tree.value[seq]} trigger ${trigger} (${BR_TRIGGER[trigger] ?? 'unassigned'})`;
  }
  if (type === 2) {
    const st = tree.firstWithin(brFields.status, item);
    const status = tree.value[st]!;
    return `Binding Revocation Acknowledgement seq ${tree.value[seq]} status ${status} (${BR_STATUS[status] ?? (status < 128 ? 'processed' : 'rejected')})`;
  }
  return `Binding Revocation, B.R. Type ${type} (unassigned)`;
}

registerMhMessage({
  key: 'bindingRevocation', name: 'Binding Revocation', short: 'BR',
  // RFC 5846 5.1/5.2: without options, 4 bytes of padding make Header Len 1.
  minHeaderLen: 1,
  // RFC 5846 5.1: MN Identifier and Alternate CoA in an indication (the others it lists are not in this profile).
  options: ['mobileNodeIdentifier', 'alternateCareOfAddress', 'vendorSpecific'],
  info: revocationInfo,
  body(ctx, buf, mh, end, item) {
    const tree = ctx.tree;
    const b = tree.buffers[buf]!;
    if (end - mh < 12) return mh + 12;
    const type = b[mh + 6]!;
    const t = tree.add(item, brFields.type, buf, mh + 6, 1, type);
    if (type !== 1 && type !== 2) {
      // RFC 5846 5: the layout after B.R. Type depends on it; an unassigned type is shown raw.
      tree.note(t, 'error', 'mip6.br.type', `B.R. Type ${type} is not assigned (RFC 5846 5: 1 indication, 2 acknowledgement)`);
      if (end > mh + 7) tree.add(item, mip6Fields.data, buf, mh + 7, end - mh - 7);
      return end;
    }
    const indication = type === 1;
    tree.add(item, indication ? brFields.trigger : brFields.status, buf, mh + 7, 1, b[mh + 7]!);
    tree.add(item, brFields.seqnr, buf, mh + 8, 2, u16(b, mh + 8));
    const flags = u16(b, mh + 10);
    tree.add(item, indication ? brFields.ip : brFields.ap, buf, mh + 10, 2, (flags & 0x8000) !== 0 ? 1 : 0);
    tree.add(item, indication ? brFields.iv : brFields.av, buf, mh + 10, 2, (flags & 0x4000) !== 0 ? 1 : 0);
    tree.add(item, indication ? brFields.ig : brFields.ag, buf, mh + 10, 2, (flags & 0x2000) !== 0 ? 1 : 0);
    const r = tree.add(item, brFields.res, buf, mh + 10, 2, flags & 0x1fff);
    // RFC 5846 5.1/5.2: Reserved MUST be initialized to zero.
    if (flags & 0x1fff) tree.note(r, 'warning', 'mip6.reserved', 'Binding Revocation reserved bits are not zero');
    return mh + 12;
  },
});
