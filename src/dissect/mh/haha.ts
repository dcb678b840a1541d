/**
 * Inter home agent (HAHA) messages of draft-wakikawa-mip6-nemo-haha-spec-00, which
 * draft-thubert-mext-global-haha-01 section 8 reuses between primary home agents:
 * HA HELLO, Binding Information Request/Update/Acknowledgment and HA Switch Request.
 * The layouts are SPEC-NOTES 4's (the project's copy of haha-spec-00 is empty).
 */
import { u16 } from '../bytes.js';
import { registerMhMessage } from '../context.js';
import { defineFields, FT } from '../fields.js';
import { ipv6ToString } from '../format.js';
import type { Tree } from '../tree.js';
import type { MhOptionKey, MhTypeKey } from '../../profile/defaults.js';
import { registerIpAddressCodes } from './options.js';
import { bceiFields } from './draft-options.js';

/** Binding Information Acknowledgment status; only success is known without the draft text. */
export const BIA_STATUS: Record<number, string> = { 0: 'Success' };

export const hahaHelloFields = defineFields('mip6.haha.hello', {
  seq: { name: 'Sequence Number', type: FT.UInt },
  pref: { name: 'Home Agent Preference', type: FT.UInt },
  lifetime: { name: 'Home Agent Lifetime', type: FT.UInt, unit: 's' },
  interval: { name: 'Hello Interval', type: FT.UInt },
  reserved: { name: 'Reserved', type: FT.UInt, hex: 2 },
  plen: { name: 'Prefix Length', type: FT.UInt },
  ha_address: { name: 'Home Agent Address', type: FT.IPv6 },
});

export const birFields = defineFields('mip6.haha.bir', {
  id: { name: 'Identifier', type: FT.UInt },
});
export const biuFields = defineFields('mip6.haha.biu', {
  id: { name: 'Identifier', type: FT.UInt, blurb: 'echoed by the acknowledging Binding Information Acknowledgment' },
});
export const biaFields = defineFields('mip6.haha.bia', {
  id: { name: 'Identifier', type: FT.UInt },
  status: { name: 'Status', type: FT.UInt, vals: BIA_STATUS },
  reserved: { name: 'Reserved', type: FT.UInt, hex: 4 },
});
export const hsrFields = defineFields('mip6.haha.hsr', {
  reserved: { name: 'Reserved', type: FT.UInt, hex: 4 },
});

/** The IP Address option's codes in the HAHA messages (SPEC-NOTES 4), not hareliability-01's. */
export const HAHA_IP_CODES = { 3: 'Home Agent Address', 4: 'Home Address' } as const;

/**
 * Options the HAHA messages may carry. Without the draft text no per-message rule
 * can be told apart, so every HAHA message accepts the HAHA options; hareliability-01's
 * own options (only valid in State Synchronization) are still reported.
 */
const HAHA_OPTIONS: readonly MhOptionKey[] = ['ipAddress', 'bindingCacheEntryInformation', 'mobileNetworkPrefix', 'vendorSpecific'];

export const HAHA_MESSAGES: readonly MhTypeKey[] = ['hahaHello', 'bindingInformationRequest', 'bindingInformationUpdate', 'bindingInformationAck', 'haSwitchRequest'];
for (const key of HAHA_MESSAGES) registerIpAddressCodes(key, HAHA_IP_CODES);

function num(tree: Tree, def: typeof birFields.id, item: number): number {
  const i = tree.firstWithin(def, item);
  return i < 0 ? -1 : tree.value[i]!;
}

function reserved(tree: Tree, item: number, def: typeof birFields.id, buf: number, at: number, len: number, value: number, what: string): void {
  const r = tree.add(item, def, buf, at, len, value);
  if (value !== 0) tree.note(r, 'warning', 'mip6.reserved', `${what} reserved field is not zero`);
}

function hahaHelloInfo(tree: Tree, item: number): string {
  const seq = num(tree, hahaHelloFields.seq, item);
  const a = tree.firstWithin(hahaHelloFields.ha_address, item);
  if (seq < 0 || a < 0) return 'HAHA Hello';
  return `HAHA Hello seq ${seq} from ${ipv6ToString(tree.bufferOf(a), tree.start[a]!)}/${num(tree, hahaHelloFields.plen, item)} pref ${num(tree, hahaHelloFields.pref, item)}`;
}

registerMhMessage({
  key: 'hahaHello', name: 'HAHA HA HELLO', short: 'HAHAHello',
  // Seq, Preference, Lifetime, Interval, Reserved, Prefix Length, HA address: 32 bytes → Header Len 3.
  minHeaderLen: 3,
  options: HAHA_OPTIONS,
  info: hahaHelloInfo,
  body(ctx, buf, mh, end, item) {
    const tree = ctx.tree;
    const b = tree.buffers[buf]!;
    if (end - mh < 32) return mh + 32;
    tree.add(item, hahaHelloFields.seq, buf, mh + 6, 2, u16(b, mh + 6));
    tree.add(item, hahaHelloFields.pref, buf, mh + 8, 2, u16(b, mh + 8));
    tree.add(item, hahaHelloFields.lifetime, buf, mh + 10, 2, u16(b, mh + 10));
    tree.add(item, hahaHelloFields.interval, buf, mh + 12, 2, u16(b, mh + 12));
    reserved(tree, item, hahaHelloFields.reserved, buf, mh + 14, 1, b[mh + 14]!, 'HAHA HA HELLO');
    const pl = tree.add(item, hahaHelloFields.plen, buf, mh + 15, 1, b[mh + 15]!);
    if (b[mh + 15]! > 128) tree.note(pl, 'error', 'mip6.haha.hello.plen', `prefix length ${b[mh + 15]} is more than 128`);
    tree.add(item, hahaHelloFields.ha_address, buf, mh + 16, 16);
    return mh + 32;
  },
});

registerMhMessage({
  key: 'bindingInformationRequest', name: 'Binding Information Request', short: 'BIR',
  minHeaderLen: 0, // Identifier fills the first 8 bytes.
  options: HAHA_OPTIONS,
  info: (tree, item) => `Binding Information Request id ${num(tree, birFields.id, item)}`,
  body(ctx, buf, mh, end, item) {
    if (end - mh < 8) return mh + 8;
    ctx.tree.add(item, birFields.id, buf, mh + 6, 2, u16(ctx.tree.buffers[buf]!, mh + 6));
    return mh + 8;
  },
});

function countWithin(tree: Tree, def: typeof bceiFields.hoa, item: number): number {
  let n = 0;
  for (let i = tree.firstWithin(def, item); i >= 0; i = tree.next(def, i)) if (tree.isWithin(i, item)) n++;
  return n;
}

registerMhMessage({
  key: 'bindingInformationUpdate', name: 'Binding Information Update', short: 'BIU',
  minHeaderLen: 0,
  options: HAHA_OPTIONS,
  info: (tree, item) => {
    const n = countWithin(tree, bceiFields.hoa, item);
    return `Binding Information Update id ${num(tree, biuFields.id, item)}, ${n} binding${n === 1 ? '' : 's'}`;
  },
  body(ctx, buf, mh, end, item) {
    if (end - mh < 8) return mh + 8;
    ctx.tree.add(item, biuFields.id, buf, mh + 6, 2, u16(ctx.tree.buffers[buf]!, mh + 6));
    return mh + 8;
  },
});

registerMhMessage({
  key: 'bindingInformationAck', name: 'Binding Information Acknowledgment', short: 'BIA',
  minHeaderLen: 1, // Identifier, Status, Reserved: 12 bytes → Header Len 1.
  options: HAHA_OPTIONS,
  info: (tree, item) => {
    const s = num(tree, biaFields.status, item);
    return `Binding Information Ack id ${num(tree, biaFields.id, item)} status ${s} (${BIA_STATUS[s] ?? 'unknown'})`;
  },
  body(ctx, buf, mh, end, item) {
    const tree = ctx.tree;
    const b = tree.buffers[buf]!;
    if (end - mh < 12) return mh + 12;
    tree.add(item, biaFields.id, buf, mh + 6, 2, u16(b, mh + 6));
    tree.add(item, biaFields.status, buf, mh + 8, 2, u16(b, mh + 8));
    reserved(tree, item, biaFields.reserved, buf, mh + 10, 2, u16(b, mh + 10), 'Binding Information Acknowledgment');
    return mh + 12;
  },
});

registerMhMessage({
  key: 'haSwitchRequest', name: 'HA Switch Request', short: 'HASR',
  minHeaderLen: 0, // Reserved fills the first 8 bytes.
  options: HAHA_OPTIONS,
  info: () => 'HA Switch Request',
  body(ctx, buf, mh, end, item) {
    if (end - mh < 8) return mh + 8;
    reserved(ctx.tree, item, hsrFields.reserved, buf, mh + 6, 2, u16(ctx.tree.buffers[buf]!, mh + 6), 'HA Switch Request');
    return mh + 8;
  },
});
