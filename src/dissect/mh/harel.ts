/**
 * draft-ietf-mip6-hareliability-01 messages (section 6.1): State Synchronization,
 * Home Agent Control and Home Agent Hello, with the MH types the profile gives them.
 *
 * Minimum Header Len comes from the figures (SPEC-NOTES 4): the prose says Hello
 * → 2 and Control → 1, but the figures' 16 and 8 bytes give 1 and 0. A message that
 * matches its figure is never reported.
 */
import { u16 } from '../bytes.js';
import type { DissectContext, MhMessageDef } from '../context.js';
import { registerMhMessage } from '../context.js';
import { defineFields, FT } from '../fields.js';
import { FieldSet, type Tree } from '../tree.js';
import type { MhTypeKey } from '../../profile/defaults.js';
import { mip6Fields, mobilityOptions } from './header.js';
import { registerIpAddressCodes } from './options.js';

export const STATE_SYNC_TYPES: Record<number, string> = { 0: 'Request', 1: 'Reply' };
export const HA_CONTROL_TYPES: Record<number, string> = {
  0: 'SwitchOver Request', 1: 'SwitchOver Reply', 2: 'SwitchBack Request', 3: 'SwitchBack Reply',
};
/** hareliability-01 6.1.2: Status of a SwitchOver/SwitchBack Reply. */
export const HA_CONTROL_STATUS: Record<number, string> = {
  0: 'Success', 128: 'Reason unspecified', 129: 'Administratively prohibited',
  130: 'Not active home agent', 131: 'Not standby home agent', 132: 'Not in same redundant home agent set',
};

export const syncFields = defineFields('mip6.harel.sync', {
  type: { name: 'Type', type: FT.UInt, vals: STATE_SYNC_TYPES },
  reserved: { name: 'Reserved', type: FT.UInt, hex: 2 },
  id: { name: 'Identifier', type: FT.UInt, blurb: 'matches a Reply to its Request; 0 in an unsolicited Reply' },
});

export const ctrlFields = defineFields('mip6.harel.ctrl', {
  type: { name: 'Type', type: FT.UInt, vals: HA_CONTROL_TYPES },
  status: { name: 'Status', type: FT.UInt, vals: HA_CONTROL_STATUS, blurb: 'only meaningful in the Replies' },
});

export const helloFields = defineFields('mip6.harel.hello', {
  seq: { name: 'Sequence Number', type: FT.UInt },
  pref: { name: 'Home Agent Preference', type: FT.UInt },
  lifetime: { name: 'Home Agent Lifetime', type: FT.UInt, unit: 's', blurb: 'as in the Home Agent Information option (RFC 6275 7.4); 0 removes the sender' },
  interval: { name: 'Hello Interval', type: FT.UInt },
  group: { name: 'Group Identifier', type: FT.UInt, blurb: 'identifies the redundant home agent set' },
  a_flag: { name: 'Active (A) flag', type: FT.Bool, mask: 0x80, bits: 8 },
  r_flag: { name: 'Reply requested (R) flag', type: FT.Bool, mask: 0x40, bits: 8 },
  reserved: { name: 'Reserved', type: FT.UInt, hex: 2, mask: 0x3f, bits: 8 },
});

/** hareliability-01 6.2.1: the IP Address option's codes in this draft's messages. */
export const HARELIABILITY_IP_CODES = { 4: 'Home Agent Address', 5: 'Home Address' } as const;
for (const key of ['stateSynchronization', 'homeAgentControl', 'homeAgentHello'] as const) {
  registerIpAddressCodes(key, HARELIABILITY_IP_CODES);
}

/** Value of the first `def` inside `item`, or -1. */
function num(tree: Tree, def: typeof syncFields.id, item: number): number {
  const i = tree.firstWithin(def, item);
  return i < 0 ? -1 : tree.value[i]!;
}

/**
 * Walk the options, then return the "Mobility Options" item (-1 when none). The
 * messages below walk their own options so they can check what the walk found.
 */
function walkOptions(ctx: DissectContext, buf: number, mh: number, start: number, end: number, item: number, def: MhMessageDef): number {
  if (start >= end) return -1;
  const first = ctx.tree.count;
  mobilityOptions(ctx, buf, mh, start, end, item, def);
  return first < ctx.tree.count ? first : -1;
}

/** Whether the walk under `area` holds an option of `key` (for ipAddress: with that Option-Code). */
function hasOption(ctx: DissectContext, buf: number, area: number, key: string, ipCode = -1): boolean {
  if (area < 0) return false;
  const tree = ctx.tree;
  const b = tree.buffers[buf]!;
  for (let i = area + 1; i < tree.count; i++) {
    if (tree.parent[i] !== area || tree.field[i] !== mip6Fields.opt.id) continue;
    if (ctx.optByType[tree.value[i]!]?.key !== key) continue;
    if (ipCode < 0 || (tree.length[i]! >= 3 && b[tree.start[i]! + 2] === ipCode)) return true;
  }
  return false;
}

// ---- State Synchronization (6.1.1) ------------------------------------------

function syncInfo(tree: Tree, item: number): string {
  const t = num(tree, syncFields.type, item);
  const id = num(tree, syncFields.id, item);
  if (t < 0) return 'State Sync';
  const kind = STATE_SYNC_TYPES[t] ?? `type ${t}`;
  return `State Sync ${kind} id ${id}${t === 1 && id === 0 ? ' (unsolicited)' : ''}`;
}

const stateSynchronization: MhMessageDef = {
  key: 'stateSynchronization', name: 'State Synchronization', short: 'StateSync',
  // Figure 6: Type, Reserved, Identifier = 4 bytes after the common 6; at least one option
  // is mandatory, so 16 bytes → Header Len 1.
  minHeaderLen: 1,
  options: ['ipAddress', 'mobileNetworkPrefix', 'vendorSpecific', 'bindingCacheInformation', 'aaaInformation'],
  info: syncInfo,
  body(ctx, buf, mh, end, item) {
    const tree = ctx.tree;
    const b = tree.buffers[buf]!;
    if (end - mh < 10) return mh + 10;
    const type = b[mh + 6]!;
    const ti = tree.add(item, syncFields.type, buf, mh + 6, 1, type);
    if (type > 1) tree.note(ti, 'warning', 'mip6.harel.sync.type', `State Synchronization Type ${type} is not defined (0 Request, 1 Reply; hareliability-01 6.1.1)`);
    const r = tree.add(item, syncFields.reserved, buf, mh + 7, 1, b[mh + 7]!);
    if (b[mh + 7] !== 0) tree.note(r, 'warning', 'mip6.reserved', 'State Synchronization reserved byte is not zero (hareliability-01 6.1.1)');
    const id = u16(b, mh + 8);
    const ii = tree.add(item, syncFields.id, buf, mh + 8, 2, id);
    // hareliability-01 6.1.1: the identifier "should never be set to 0"; an unsolicited Reply carries 0 (SPEC-NOTES 7).
    if (type === 0 && id === 0) tree.note(ii, 'warning', 'mip6.harel.sync.id', 'State Synchronization Request with Identifier 0 (hareliability-01 6.1.1)');
    const area = walkOptions(ctx, buf, mh, mh + 10, end, item, stateSynchronization);
    // hareliability-01 6.1.1: one of these options is mandatory in each kind.
    if (type === 0 && !hasOption(ctx, buf, area, 'ipAddress', 5) && !hasOption(ctx, buf, area, 'mobileNetworkPrefix') && !hasOption(ctx, buf, area, 'vendorSpecific')) {
      tree.note(item, 'warning', 'mip6.harel.sync.options', 'State Synchronization Request without an IP Address (Home Address), Mobile Network Prefix or Vendor Specific option (hareliability-01 6.1.1)');
    } else if (type === 1 && !hasOption(ctx, buf, area, 'bindingCacheInformation') && !hasOption(ctx, buf, area, 'aaaInformation') && !hasOption(ctx, buf, area, 'vendorSpecific')) {
      tree.note(item, 'warning', 'mip6.harel.sync.options', 'State Synchronization Reply without a Binding Cache Information, AAA Information or Vendor Specific option (hareliability-01 6.1.1)');
    }
    return end;
  },
};
registerMhMessage(stateSynchronization);

// ---- Home Agent Control (6.1.2) ---------------------------------------------

function ctrlInfo(tree: Tree, item: number): string {
  const t = num(tree, ctrlFields.type, item);
  if (t < 0) return 'HA Control';
  const s = num(tree, ctrlFields.status, item);
  const kind = HA_CONTROL_TYPES[t] ?? `type ${t}`;
  // Status is only valid in the Replies (types 1 and 3).
  return t === 1 || t === 3 ? `HA Control ${kind} status ${s} (${HA_CONTROL_STATUS[s] ?? 'unknown'})` : `HA Control ${kind}`;
}

registerMhMessage({
  key: 'homeAgentControl', name: 'Home Agent Control', short: 'HAControl',
  // Figure 7: Type and Status fill the common header's 8 bytes → Header Len 0.
  minHeaderLen: 0,
  // 6.1.2: "No options are defined in this specification"; RFC 5094 allows a vendor option anywhere.
  options: ['vendorSpecific'],
  info: ctrlInfo,
  body(ctx, buf, mh, end, item) {
    const tree = ctx.tree;
    const b = tree.buffers[buf]!;
    if (end - mh < 8) return mh + 8;
    const type = b[mh + 6]!;
    const status = b[mh + 7]!;
    const ti = tree.add(item, ctrlFields.type, buf, mh + 6, 1, type);
    const si = tree.add(item, ctrlFields.status, buf, mh + 7, 1, status);
    if (type > 3) tree.note(ti, 'warning', 'mip6.harel.ctrl.type', `Home Agent Control Type ${type} is not defined (hareliability-01 6.1.2)`);
    else if ((type === 0 || type === 2) && status !== 0) {
      tree.note(si, 'note', 'mip6.harel.ctrl.status', `Status ${status} in a Request; it is only valid in a Reply (hareliability-01 6.1.2)`);
    } else if (HA_CONTROL_STATUS[status] === undefined) {
      tree.note(si, 'warning', 'mip6.harel.ctrl.status', `Home Agent Control Status ${status} is not defined (hareliability-01 6.1.2)`);
    }
    return mh + 8;
  },
});

// ---- Home Agent Hello (6.1.3) -----------------------------------------------

/** The fields helloInfo reads, found in one pass. */
const HELLO_INFO = new FieldSet([helloFields.seq, helloFields.a_flag, helloFields.r_flag, helloFields.lifetime, helloFields.group, helloFields.pref]);

/** num() for an item found by firstsWithin. */
function valueAt(tree: Tree, i: number): number {
  return i < 0 ? -1 : tree.value[i]!;
}

function helloInfo(tree: Tree, item: number): string {
  const at = tree.firstsWithin(item, HELLO_INFO);
  const seq = valueAt(tree, at[0]!);
  if (seq < 0) return 'HA Hello';
  const a = valueAt(tree, at[1]!);
  const r = valueAt(tree, at[2]!);
  const life = valueAt(tree, at[3]!);
  return `HA Hello seq ${seq} group ${valueAt(tree, at[4]!)} ${a === 1 ? 'ACTIVE' : 'STANDBY'} pref ${valueAt(tree, at[5]!)}`
    + (r === 1 ? ', reply requested' : '') + (life === 0 ? ', lifetime 0' : '');
}

registerMhMessage({
  key: 'homeAgentHello', name: 'Home Agent Hello', short: 'HAHello',
  // Figure 8: 16 bytes → Header Len 1 (the prose's 2 is wrong, SPEC-NOTES 4).
  minHeaderLen: 1,
  // 6.1.3: "No valid options are defined"; RFC 5094 allows a vendor option anywhere.
  options: ['vendorSpecific'],
  info: helloInfo,
  body(ctx, buf, mh, end, item) {
    const tree = ctx.tree;
    const b = tree.buffers[buf]!;
    if (end - mh < 16) return mh + 16;
    tree.add(item, helloFields.seq, buf, mh + 6, 2, u16(b, mh + 6));
    tree.add(item, helloFields.pref, buf, mh + 8, 2, u16(b, mh + 8));
    tree.add(item, helloFields.lifetime, buf, mh + 10, 2, u16(b, mh + 10));
    tree.add(item, helloFields.interval, buf, mh + 12, 2, u16(b, mh + 12));
    tree.add(item, helloFields.group, buf, mh + 14, 1, b[mh + 14]!);
    const flags = b[mh + 15]!;
    tree.add(item, helloFields.a_flag, buf, mh + 15, 1, (flags & 0x80) !== 0 ? 1 : 0);
    tree.add(item, helloFields.r_flag, buf, mh + 15, 1, (flags & 0x40) !== 0 ? 1 : 0);
    const r = tree.add(item, helloFields.reserved, buf, mh + 15, 1, flags & 0x3f);
    // 6.1.3: the 6 reserved bits must be zero when sent and ignored on receipt.
    if (flags & 0x3f) tree.note(r, 'warning', 'mip6.reserved', 'Home Agent Hello reserved bits are not zero (hareliability-01 6.1.3)');
    return mh + 16;
  },
});

/** The message keys this module dissects (for tests and `mip6scope profile`). */
export const HARELIABILITY_MESSAGES: readonly MhTypeKey[] = ['stateSynchronization', 'homeAgentControl', 'homeAgentHello'];
