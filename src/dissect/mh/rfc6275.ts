/**
 * RFC 6275 messages (section 6.1) and options (section 6.2).
 */
import { u16 } from '../bytes.js';
import { registerMhMessage, registerMhOption } from '../context.js';
import { defineFields, FT, type FieldDef } from '../fields.js';
import { FieldSet, type Tree } from '../tree.js';
import { ipv6ToString, toHex } from '../format.js';
import type { MhTypeKey } from '../../profile/defaults.js';
import { MH_TYPE_NAMES, mip6Fields } from './header.js';
import { BA_STATUS } from './ba-status.js';

export const buFields = defineFields('mip6.bu', {
  seqnr: { name: 'Sequence number', type: FT.UInt },
  a_flag: { name: 'Acknowledge (A) flag', type: FT.Bool, mask: 0x8000, bits: 16 },
  h_flag: { name: 'Home Registration (H) flag', type: FT.Bool, mask: 0x4000, bits: 16 },
  l_flag: { name: 'Link-Local Compatibility (L) flag', type: FT.Bool, mask: 0x2000, bits: 16 },
  k_flag: { name: 'Key Management Compatibility (K) flag', type: FT.Bool, mask: 0x1000, bits: 16 },
  m_flag: { name: 'MAP Registration (M) flag', type: FT.Bool, mask: 0x0800, bits: 16 },
  // Wireshark files the RFC 3963 flags under mip6.nemo.
  r_flag: { abbrev: 'mip6.nemo.bu.r_flag', name: 'Mobile Router (R) flag', type: FT.Bool, mask: 0x0400, bits: 16 },
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
  r_flag: { abbrev: 'mip6.nemo.ba.r_flag', name: 'Mobile Router (R) flag', type: FT.Bool, mask: 0x40, bits: 8 },
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
const BA_FLAGS = [baFields.k_flag, baFields.r_flag, baFields.p_flag, baFields.t_flag, baFields.b_flag] as const;
/** The flags' masks, for Tree.addFlags. */
const BU_MASKS: readonly number[] = BU_FLAGS.map((f) => f.mask!);
const BA_MASKS: readonly number[] = BA_FLAGS.map((f) => f.mask!);

/** The fields buInfo reads: sequence number, lifetime, then the flags in BU_FLAGS order. */
const BU_INFO = new FieldSet([buFields.seqnr, buFields.lifetime, ...BU_FLAGS]);

function buInfo(tree: Tree, item: number): string {
  const at = tree.firstsWithin(item, BU_INFO);
  const seq = at[0]!;
  const life = at[1]!;
  let flags = '';
  for (let i = 0; i < BU_FLAGS.length; i++) {
    const f = at[2 + i]!;
    if (f >= 0 && tree.value[f]) flags += BU_FLAG_LETTERS[i];
  }
  const lifetime = life >= 0 ? tree.value[life]! * 4 : 0;
  return `Binding Update seq ${seq >= 0 ? tree.value[seq] : '?'}${flags ? ` ${flags}` : ''} lifetime ${lifetime} s${lifetime === 0 ? ' (de-registration)' : ''}`;
}

registerMhMessage({
  key: 'bindingUpdate', name: 'Binding Update', short: 'BU', minHeaderLen: 1,
  options: ['alternateCareOfAddress', 'nonceIndices', 'bindingAuthorizationData', 'mobileNetworkPrefix', 'mobileNodeIdentifier', 'vendorSpecific'],
  info: buInfo,
  body(ctx, buf, mh, end, item) {
    const tree = ctx.tree;
    const b = tree.buffers[buf]!;
    if (end - mh < 12) return mh + 12;
    tree.add(item, buFields.seqnr, buf, mh + 6, 2, u16(b, mh + 6));
    const flags = u16(b, mh + 8);
    tree.addFlags(item, BU_FLAGS, BU_MASKS, buf, mh + 8, 2, flags);
    const r = tree.add(item, buFields.reserved, buf, mh + 8, 2, flags & 0x3f);
    if (flags & 0x3f) tree.note(r, 'warning', 'mip6.reserved', 'BU reserved bits are not zero');
    tree.add(item, buFields.lifetime, buf, mh + 10, 2, u16(b, mh + 10));
    return mh + 12;
  },
});

const BA_INFO = new FieldSet([baFields.status, baFields.seqnr, baFields.lifetime]);

function baInfo(tree: Tree, item: number): string {
  const at = tree.firstsWithin(item, BA_INFO);
  const st = at[0]!;
  const seq = at[1]!;
  const life = at[2]!;
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
    tree.addFlags(item, BA_FLAGS, BA_MASKS, buf, mh + 7, 1, flags);
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


// ---- Return routability and Binding Error (RFC 6275 6.1.2-6.1.6, 6.1.9) ----

/** BE status values (RFC 6275 6.1.9). */
export const BE_STATUS: Record<number, string> = {
  1: 'Unknown binding for Home Address destination option',
  2: 'Unrecognized MH Type value',
};

export const brrFields = defineFields('mip6.brr', {
  // Wireshark shows the BRR's only field, its Reserved bytes, under this name.
  reserved: { abbrev: 'mip6.binding_refresh_request', name: 'Reserved', type: FT.Bytes },
});
export const hotiFields = defineFields('mip6.hoti', {
  reserved: { name: 'Reserved', type: FT.UInt, hex: 4 },
  cookie: { name: 'Home Init Cookie', type: FT.UInt64 },
});
export const cotiFields = defineFields('mip6.coti', {
  reserved: { name: 'Reserved', type: FT.UInt, hex: 4 },
  cookie: { name: 'Care-of Init Cookie', type: FT.UInt64 },
});
export const hotFields = defineFields('mip6.hot', {
  nindex: { name: 'Home Nonce Index', type: FT.UInt },
  cookie: { name: 'Home Init Cookie', type: FT.UInt64 },
  token: { name: 'Home Keygen Token', type: FT.UInt64 },
});
export const cotFields = defineFields('mip6.cot', {
  nindex: { name: 'Care-of Nonce Index', type: FT.UInt },
  cookie: { name: 'Care-of Init Cookie', type: FT.UInt64 },
  token: { name: 'Care-of Keygen Token', type: FT.UInt64 },
});
export const beFields = defineFields('mip6.be', {
  status: { name: 'Status', type: FT.UInt, vals: BE_STATUS },
  reserved: { name: 'Reserved', type: FT.UInt, hex: 2 },
  haddr: { name: 'Home Address', type: FT.IPv6 },
});

/** Reserved fields MUST be zero when sent and are ignored on receipt (RFC 6275 6.1.2-6.1.9): a warning, not an error. */
function reserved16(tree: Tree, item: number, def: FieldDef, buf: number, at: number, what: string): void {
  const v = u16(tree.buffers[buf]!, at);
  const r = tree.add(item, def, buf, at, 2, v);
  if (v !== 0) tree.note(r, 'warning', 'mip6.reserved', `${what} reserved field is not zero`);
}

function brrInfo(): string {
  return 'Binding Refresh Request';
}

registerMhMessage({
  key: 'bindingRefreshRequest', name: 'Binding Refresh Request', short: 'BRR', minHeaderLen: 0,
  // RFC 6275 6.1.2 defines no options for it; RFC 5094 allows a vendor option anywhere.
  options: ['vendorSpecific'],
  info: brrInfo,
  body(ctx, buf, mh, end, item) {
    if (end - mh < 8) return mh + 8;
    reserved16(ctx.tree, item, brrFields.reserved, buf, mh + 6, 'BRR');
    return mh + 8;
  },
});

/** Info text for a message with one 64-bit cookie: "Home Test Init cookie 0102030405060708". */
function cookieInfo(label: string, cookie: typeof hotiFields.cookie) {
  return (tree: Tree, item: number): string => {
    const c = tree.firstWithin(cookie, item);
    return c < 0 ? label : `${label} cookie ${toHex(tree.bufferOf(c), tree.start[c]!, 8)}`;
  };
}

function registerTestInit(key: MhTypeKey, name: string, short: string, f: typeof hotiFields): void {
  registerMhMessage({
    key, name, short, minHeaderLen: 1,
    options: ['vendorSpecific'],
    info: cookieInfo(name, f.cookie),
    body(ctx, buf, mh, end, item) {
      // RFC 6275 6.1.3/6.1.4: Reserved 16, Init Cookie 64.
      if (end - mh < 16) return mh + 16;
      reserved16(ctx.tree, item, f.reserved, buf, mh + 6, short);
      ctx.tree.add(item, f.cookie, buf, mh + 8, 8);
      return mh + 16;
    },
  });
}
registerTestInit('homeTestInit', 'Home Test Init', 'HoTI', hotiFields);
registerTestInit('careOfTestInit', 'Care-of Test Init', 'CoTI', cotiFields);

function testInfo(label: string, f: typeof hotFields) {
  return (tree: Tree, item: number): string => {
    const n = tree.firstWithin(f.nindex, item);
    const c = tree.firstWithin(f.cookie, item);
    if (n < 0 || c < 0) return label;
    return `${label} nonce index ${tree.value[n]} cookie ${toHex(tree.bufferOf(c), tree.start[c]!, 8)}`;
  };
}

function registerTest(key: MhTypeKey, name: string, f: typeof hotFields): void {
  registerMhMessage({
    key, name, short: key === 'homeTest' ? 'HoT' : 'CoT', minHeaderLen: 2,
    options: ['vendorSpecific'],
    info: testInfo(name, f),
    body(ctx, buf, mh, end, item) {
      // RFC 6275 6.1.5/6.1.6: Nonce Index 16, Init Cookie 64, Keygen Token 64.
      if (end - mh < 24) return mh + 24;
      ctx.tree.add(item, f.nindex, buf, mh + 6, 2, u16(ctx.tree.buffers[buf]!, mh + 6));
      ctx.tree.add(item, f.cookie, buf, mh + 8, 8);
      ctx.tree.add(item, f.token, buf, mh + 16, 8);
      return mh + 24;
    },
  });
}
registerTest('homeTest', 'Home Test', hotFields);
registerTest('careOfTest', 'Care-of Test', cotFields);

function beInfo(tree: Tree, item: number): string {
  const st = tree.firstWithin(beFields.status, item);
  const home = tree.firstWithin(beFields.haddr, item);
  if (st < 0) return 'Binding Error';
  const status = tree.value[st]!;
  const name = BE_STATUS[status] ?? 'unknown status';
  return `Binding Error status ${status} (${name})${home >= 0 ? ` home ${ipv6ToString(tree.bufferOf(home), tree.start[home]!)}` : ''}`;
}

registerMhMessage({
  key: 'bindingError', name: 'Binding Error', short: 'BE', minHeaderLen: 2,
  options: ['vendorSpecific'],
  info: beInfo,
  body(ctx, buf, mh, end, item) {
    const tree = ctx.tree;
    const b = tree.buffers[buf]!;
    // RFC 6275 6.1.9: Status 8, Reserved 8, Home Address 128.
    if (end - mh < 24) return mh + 24;
    const st = tree.add(item, beFields.status, buf, mh + 6, 1, b[mh + 6]!);
    if (BE_STATUS[b[mh + 6]!] === undefined) tree.note(st, 'warning', 'mip6.value', `Binding Error status ${b[mh + 6]} is not defined (RFC 6275 6.1.9)`);
    const r = tree.add(item, beFields.reserved, buf, mh + 7, 1, b[mh + 7]!);
    if (b[mh + 7] !== 0) tree.note(r, 'warning', 'mip6.reserved', 'BE reserved byte is not zero');
    tree.add(item, beFields.haddr, buf, mh + 8, 16);
    return mh + 24;
  },
});

// ---- Assigned types whose bodies are shown raw ------------------------------
// They are registered so they carry their names and are not reported as unknown
// types (which RFC 6275 9.2 would answer with a Binding Error); their data, options
// included, stays one mip6.data item.

function rawInfo(tree: Tree, item: number): string {
  const t = tree.firstWithin(mip6Fields.mhtype, item);
  const d = tree.firstWithin(mip6Fields.data, item);
  const name = (t >= 0 ? MH_TYPE_NAMES[tree.value[t]!] : undefined) ?? 'Mobility Header';
  return `${name}, ${d >= 0 ? tree.length[d] : 0} bytes of message data`;
}

function registerRaw(key: MhTypeKey, name: string, short: string): void {
  registerMhMessage({
    key, name, short, minHeaderLen: -1, options: null, info: rawInfo,
    body(ctx, buf, mh, end, item) {
      if (end > mh + 6) ctx.tree.add(item, mip6Fields.data, buf, mh + 6, end - mh - 6);
      return end;
    },
  });
}

// RFC 5096 2: the Experimental message's data has no defined format.
registerRaw('experimental', 'Experimental Mobility Header', 'EXP');
// RFC 5568 6.2 (fast handovers) and later registrations.
registerRaw('fastBindingUpdate', 'Fast Binding Update', 'FBU');
registerRaw('fastBindingAck', 'Fast Binding Acknowledgment', 'FBack');
registerRaw('fastNeighborAdvertisement', 'Fast Neighbor Advertisement', 'FNA');
registerRaw('handoverInitiate', 'Handover Initiate', 'HI');
registerRaw('handoverAck', 'Handover Acknowledge', 'HAck');
registerRaw('localizedRoutingInitiation', 'Localized Routing Initiation', 'LRI');
registerRaw('localizedRoutingAck', 'Localized Routing Acknowledgment', 'LRA');
registerRaw('updateNotification', 'Update Notification', 'UPN');
registerRaw('updateNotificationAck', 'Update Notification Acknowledgement', 'UPA');
registerRaw('flowBinding', 'Flow Binding', 'FB');
registerRaw('subscriptionQuery', 'Subscription Query', 'SQ');
registerRaw('subscriptionResponse', 'Subscription Response', 'SR');
