/**
 * RFC 6275 messages (section 6.1) and options (section 6.2).
 */
import { u16 } from '../bytes.js';
import { registerMhMessage, registerMhOption } from '../context.js';
import { defineFields, FT } from '../fields.js';
import type { Tree } from '../tree.js';
import { mip6Fields } from './header.js';

/** BA status values (RFC 6275 6.1.8, RFC 3963, RFC 5142 and later registrations). */
export const BA_STATUS: Record<number, string> = {
  0: 'Binding Update accepted', 1: 'Accepted but prefix discovery necessary',
  128: 'Reason unspecified', 129: 'Administratively prohibited', 130: 'Insufficient resources',
  131: 'Home registration not supported', 132: 'Not home subnet', 133: 'Not home agent for this mobile node',
  134: 'Duplicate Address Detection failed', 135: 'Sequence number out of window', 136: 'Expired home nonce index',
  137: 'Expired care-of nonce index', 138: 'Expired nonces', 139: 'Registration type change disallowed',
  140: 'Mobile Router Operation not permitted', 141: 'Invalid Prefix', 142: 'Not Authorized for Prefix',
  143: 'Forwarding Setup failed',
};

export const buFields = defineFields('mip6.bu', {
  seqnr: { name: 'Sequence number', type: FT.UInt },
  a_flag: { name: 'Acknowledge (A) flag', type: FT.Bool, mask: 0x8000, bits: 16 },
  h_flag: { name: 'Home Registration (H) flag', type: FT.Bool, mask: 0x4000, bits: 16 },
  l_flag: { name: 'Link-Local Compatibility (L) flag', type: FT.Bool, mask: 0x2000, bits: 16 },
  k_flag: { name: 'Key Management Compatibility (K) flag', type: FT.Bool, mask: 0x1000, bits: 16 },
  m_flag: { name: 'MAP Registration (M) flag', type: FT.Bool, mask: 0x0800, bits: 16 },
  r_flag: { name: 'Mobile Router (R) flag', type: FT.Bool, mask: 0x0400, bits: 16 },
  p_flag: { name: 'Proxy Registration (P) flag', type: FT.Bool, mask: 0x0200, bits: 16 },
  f_flag: { name: 'Forcing UDP encapsulation (F) flag', type: FT.Bool, mask: 0x0100, bits: 16 },
  t_flag: { name: 'TLV-header format (T) flag', type: FT.Bool, mask: 0x0080, bits: 16 },
  b_flag: { name: 'Bulk-Binding-Update (B) flag', type: FT.Bool, mask: 0x0040, bits: 16 },
  reserved: { name: 'Reserved', type: FT.UInt, hex: 4, mask: 0x003f, bits: 16 },
  lifetime: { name: 'Lifetime', type: FT.UInt, scale: 4, unit: 's', blurb: 'units of 4 seconds' },
});

export const baFields = defineFields('mip6.ba', {
  status: { name: 'Status', type: FT.UInt, vals: BA_STATUS },
  k_flag: { name: 'Key Management Compatibility (K) flag', type: FT.Bool, mask: 0x80, bits: 8 },
  r_flag: { name: 'Mobile Router (R) flag', type: FT.Bool, mask: 0x40, bits: 8 },
  p_flag: { name: 'Proxy Registration (P) flag', type: FT.Bool, mask: 0x20, bits: 8 },
  t_flag: { name: 'TLV-header format (T) flag', type: FT.Bool, mask: 0x10, bits: 8 },
  b_flag: { name: 'Bulk-Binding-Update (B) flag', type: FT.Bool, mask: 0x08, bits: 8 },
  reserved: { name: 'Reserved', type: FT.UInt, hex: 2, mask: 0x07, bits: 8 },
  seqnr: { name: 'Sequence number', type: FT.UInt },
  lifetime: { name: 'Lifetime', type: FT.UInt, scale: 4, unit: 's', blurb: 'units of 4 seconds' },
});

export const braFields = defineFields('mip6.bra', {
  interval: { name: 'Refresh interval', type: FT.UInt, scale: 4, unit: 's', blurb: 'units of 4 seconds' },
});

const BU_FLAGS = [buFields.a_flag, buFields.h_flag, buFields.l_flag, buFields.k_flag, buFields.m_flag, buFields.r_flag, buFields.p_flag, buFields.f_flag, buFields.t_flag, buFields.b_flag] as const;
const BU_FLAG_LETTERS = 'AHLKMRPFTB';

function buInfo(tree: Tree, item: number): string {
  const seq = tree.firstWithin(buFields.seqnr, item);
  const life = tree.firstWithin(buFields.lifetime, item);
  let flags = '';
  for (let i = 0; i < BU_FLAGS.length; i++) {
    const f = tree.firstWithin(BU_FLAGS[i]!, item);
    if (f >= 0 && tree.value[f]) flags += BU_FLAG_LETTERS[i];
  }
  const lifetime = life >= 0 ? tree.value[life]! * 4 : 0;
  return `Binding Update seq ${seq >= 0 ? tree.value[seq] : '?'}${flags ? ` ${flags}` : ''} lifetime ${lifetime} s${lifetime === 0 ? ' (de-registration)' : ''}`;
}

registerMhMessage({
  key: 'bindingUpdate', name: 'Binding Update', short: 'BU', minHeaderLen: 1,
  options: ['bindingRefreshAdvice', 'alternateCareOfAddress', 'nonceIndices', 'bindingAuthorizationData', 'mobileNetworkPrefix', 'mobileNodeIdentifier', 'vendorSpecific'],
  info: buInfo,
  body(ctx, buf, mh, end, item) {
    const tree = ctx.tree;
    const b = tree.buffers[buf]!;
    if (end - mh < 12) return mh + 12;
    tree.add(item, buFields.seqnr, buf, mh + 6, 2, u16(b, mh + 6));
    const flags = u16(b, mh + 8);
    for (const f of BU_FLAGS) tree.add(item, f, buf, mh + 8, 2, (flags & f.mask!) !== 0 ? 1 : 0);
    const r = tree.add(item, buFields.reserved, buf, mh + 8, 2, flags & 0x3f);
    if (flags & 0x3f) tree.note(r, 'warning', 'mip6.reserved', 'BU reserved bits are not zero');
    tree.add(item, buFields.lifetime, buf, mh + 10, 2, u16(b, mh + 10));
    return mh + 12;
  },
});

function baInfo(tree: Tree, item: number): string {
  const st = tree.firstWithin(baFields.status, item);
  const seq = tree.firstWithin(baFields.seqnr, item);
  const life = tree.firstWithin(baFields.lifetime, item);
  const status = st >= 0 ? tree.value[st]! : -1;
  return `Binding Acknowledgement seq ${seq >= 0 ? tree.value[seq] : '?'} status ${status} (${BA_STATUS[status] ?? (status < 128 ? 'accepted' : 'rejected')}) lifetime ${life >= 0 ? tree.value[life]! * 4 : '?'} s`;
}

registerMhMessage({
  key: 'bindingAck', name: 'Binding Acknowledgement', short: 'BA', minHeaderLen: 1,
  options: ['bindingRefreshAdvice', 'bindingAuthorizationData', 'mobileNetworkPrefix', 'mobileNodeIdentifier', 'vendorSpecific'],
  info: baInfo,
  body(ctx, buf, mh, end, item) {
    const tree = ctx.tree;
    const b = tree.buffers[buf]!;
    if (end - mh < 12) return mh + 12;
    tree.add(item, baFields.status, buf, mh + 6, 1, b[mh + 6]!);
    const flags = b[mh + 7]!;
    for (const f of [baFields.k_flag, baFields.r_flag, baFields.p_flag, baFields.t_flag, baFields.b_flag]) tree.add(item, f, buf, mh + 7, 1, (flags & f.mask!) !== 0 ? 1 : 0);
    const r = tree.add(item, baFields.reserved, buf, mh + 7, 1, flags & 0x07);
    if (flags & 0x07) tree.note(r, 'warning', 'mip6.reserved', 'BA reserved bits are not zero');
    tree.add(item, baFields.seqnr, buf, mh + 8, 2, u16(b, mh + 8));
    tree.add(item, baFields.lifetime, buf, mh + 10, 2, u16(b, mh + 10));
    return mh + 12;
  },
});

registerMhOption({
  key: 'bindingRefreshAdvice', name: 'Binding Refresh Advice', align: [2, 0], length: 2, minLength: 2,
  body(ctx, buf, off, _len, item) {
    const b = ctx.tree.buffers[buf]!;
    ctx.tree.add(item, braFields.interval, buf, off, 2, u16(b, off));
  },
});

