/**
 * The Mobility Header common part (RFC 6275 6.1.1), its checksum, dispatch to the
 * message by MH Type (numbers from the profile), and the mobility option walker
 * (RFC 6275 6.2) with length, alignment and "allowed in this message" checks.
 */
import { u16 } from '../bytes.js';
import { ipv6UpperChecksum } from '../checksum.js';
import type { DissectContext, MhMessageDef } from '../context.js';
import { registerIpProtocol } from '../context.js';
import { defineAlias, defineFields, FT } from '../fields.js';
import type { Tree } from '../tree.js';
import type { MhTypeKey } from '../../profile/defaults.js';

/** MH Type number → name; filled from the active profile by setMhNames(). */
export const MH_TYPE_NAMES: Record<number, string> = {};
/** Mobility option number → name; filled from the active profile. */
export const MH_OPTION_NAMES: Record<number, string> = {};
export const CHECKSUM_STATUS: Record<number, string> = { 0: 'bad', 1: 'good', 2: 'unverified' };

export const mip6Fields = defineFields('mip6', {
  _root: { abbrev: 'mip6', name: 'Mobile IPv6', type: FT.Protocol },
  proto: { name: 'Payload protocol', type: FT.UInt, blurb: 'must be 59 (RFC 6275 6.1.1)' },
  hlen: { name: 'Header length', type: FT.UInt, blurb: '8-octet units, not counting the first 8' },
  mhtype: { name: 'Mobility Header Type', type: FT.UInt, vals: MH_TYPE_NAMES },
  reserved: { name: 'Reserved', type: FT.UInt, hex: 2 },
  csum: { name: 'Checksum', type: FT.UInt, hex: 4 },
  'csum.status': { abbrev: 'mip6.csum.status', name: 'Checksum Status', type: FT.Choice, vals: CHECKSUM_STATUS },
  'csum.calculated': { abbrev: 'mip6.csum.calculated', name: 'Calculated Checksum', type: FT.UInt, hex: 4 },
  data: { name: 'Message Data', type: FT.Bytes, blurb: 'message body not dissected (unknown or experimental type)' },
  trailing: { name: 'Trailing bytes', type: FT.Bytes, blurb: 'IPv6 payload after the Mobility Header' },
  // Mobility options (RFC 6275 6.2).
  mobility_opt: { name: 'Mobility Options', type: FT.Protocol },
  opt: { name: 'Option', type: FT.Protocol, vals: MH_OPTION_NAMES },
  'opt.type': { abbrev: 'mip6.opt.type', name: 'Type', type: FT.UInt, vals: MH_OPTION_NAMES },
  'opt.len': { abbrev: 'mip6.opt.len', name: 'Length', type: FT.UInt },
  'opt.data': { abbrev: 'mip6.opt.data', name: 'Option data', type: FT.Bytes },
  pad1: { name: 'Pad1', type: FT.Protocol },
  padn: { name: 'PadN', type: FT.Bytes },
});
// Wireshark names the protocol mipv6 (its fields mip6.*).
defineAlias('mipv6', mip6Fields._root);

/** Give the number-keyed name tables the active profile's numbers. */
export function setMhNames(ctx: DissectContext): void {
  for (const k of Object.keys(MH_TYPE_NAMES)) delete MH_TYPE_NAMES[+k];
  for (const k of Object.keys(MH_OPTION_NAMES)) delete MH_OPTION_NAMES[+k];
  for (let n = 0; n < 256; n++) {
    const m = ctx.mhByType[n];
    if (m) MH_TYPE_NAMES[n] = m.name;
    const o = ctx.optByType[n];
    if (o) MH_OPTION_NAMES[n] = o.name;
  }
  // Pad1 and PadN are RFC 6275 6.2.2's own numbers, which mobilityOptions() takes as padding whatever the profile says.
  MH_OPTION_NAMES[0] = 'Pad1';
  MH_OPTION_NAMES[1] = 'PadN';
}

function unknownInfo(tree: Tree, item: number): string {
  const t = tree.firstWithin(mip6Fields.mhtype, item);
  return `Mobility Header type ${t >= 0 ? tree.value[t] : '?'} (not dissected)`;
}

/** Dissect a Mobility Header at buffers[buf][off..end). */
export function dissectMobilityHeader(ctx: DissectContext, buf: number, off: number, end: number, parent: number): void {
  const tree = ctx.tree;
  const b = tree.buffers[buf]!;
  tree.protocol = 'MIPv6';
  const avail = end - off;
  if (avail < 6) {
    const r = tree.add(parent, mip6Fields._root, buf, off, avail);
    tree.note(r, 'error', 'mip6.length', `Mobility Header truncated: ${avail} bytes, the common header needs 6`);
    return;
  }
  const proto = b[off]!;
  const hlen = b[off + 1]!;
  const type = b[off + 2]!;
  const declared = (hlen + 1) * 8;
  const mhEnd = off + Math.min(declared, avail);
  const root = tree.add(parent, mip6Fields._root, buf, off, mhEnd - off);
  const protoItem = tree.add(root, mip6Fields.proto, buf, off, 1, proto);
  const hlenItem = tree.add(root, mip6Fields.hlen, buf, off + 1, 1, hlen);
  tree.add(root, mip6Fields.mhtype, buf, off + 2, 1, type);
  const reserved = tree.add(root, mip6Fields.reserved, buf, off + 3, 1, b[off + 3]!);
  const csum = u16(b, off + 4);
  const csumItem = tree.add(root, mip6Fields.csum, buf, off + 4, 2, csum);

  // RFC 6275 6.1.1 / 9.2: Payload Proto must be 59.
  if (proto !== 59) tree.note(protoItem, 'error', 'mip6.proto', `Payload Proto ${proto}, must be 59 (IPPROTO_NONE)`);
  if (b[off + 3] !== 0) tree.note(reserved, 'warning', 'mip6.reserved', `Reserved byte is 0x${b[off + 3]!.toString(16)}, must be zero`);
  if (declared > avail) {
    tree.note(hlenItem, 'error', 'mip6.length', `Header Len ${hlen} (${declared} bytes) runs past the packet (${avail} bytes)`);
  }

  // RFC 6275 6.1.1: checksum over the pseudo-header with the home address and the final destination.
  if (declared <= avail && ctx.pseudoSrcOff >= 0 && ctx.pseudoDstOff >= 0) {
    const want = ipv6UpperChecksum(
      tree.buffers[ctx.pseudoSrcBuf]!, ctx.pseudoSrcOff, tree.buffers[ctx.pseudoDstBuf]!, ctx.pseudoDstOff,
      135, b, off, declared, off + 4,
    );
    const good = want === csum || (want === 0xffff && csum === 0) || (want === 0 && csum === 0xffff);
    tree.addGenerated(csumItem, mip6Fields['csum.status'], good ? 1 : 0);
    if (!good) {
      tree.addGenerated(csumItem, mip6Fields['csum.calculated'], want);
      tree.note(csumItem, 'error', 'mip6.checksum', `bad checksum 0x${csum.toString(16).padStart(4, '0')}, should be 0x${want.toString(16).padStart(4, '0')}`);
    }
  } else {
    tree.addGenerated(csumItem, mip6Fields['csum.status'], 2);
  }

  const def = ctx.mhByType[type];
  tree.infoItem = root;
  if (!def) {
    tree.info = unknownInfo;
    if (mhEnd > off + 6) tree.add(root, mip6Fields.data, buf, off + 6, mhEnd - off - 6);
    tree.note(root, 'note', 'mip6.type.unknown', `Mobility Header type ${type} is not known to the active profile (RFC 6275 9.2: answered by Binding Error status 2)`);
  } else {
    tree.info = def.info;
    if (def.minHeaderLen >= 0 && hlen < def.minHeaderLen) {
      tree.note(hlenItem, 'error', 'mip6.length.min', `Header Len ${hlen} is below the minimum ${def.minHeaderLen} for ${def.name} (RFC 6275 9.2)`);
    }
    const optStart = def.body(ctx, buf, off, mhEnd, root);
    if (optStart < mhEnd) mobilityOptions(ctx, buf, off, optStart, mhEnd, root, def);
    else if (optStart > mhEnd) tree.note(root, 'error', 'mip6.length', `${def.name} needs ${optStart - off} bytes, the header has ${mhEnd - off}`);
  }
  if (declared < avail) tree.add(parent, mip6Fields.trailing, buf, off + declared, avail - declared);
}

/**
 * Walk mobility options in [start, end) of the MH at `mh` (RFC 6275 6.2.1):
 * unknown options are shown raw and skipped, never dropped.
 */
export function mobilityOptions(ctx: DissectContext, buf: number, mh: number, start: number, end: number, parent: number, msg: MhMessageDef | null): void {
  const tree = ctx.tree;
  const b = tree.buffers[buf]!;
  const all = tree.add(parent, mip6Fields.mobility_opt, buf, start, end - start);
  let o = start;
  let authItem = -1;
  let afterAuth = false;
  const messageKey: MhTypeKey | null = msg ? msg.key : null;
  while (o < end) {
    const t = b[o]!;
    if (t === 0) { // Pad1 (RFC 6275 6.2.2): a single byte
      tree.add(all, mip6Fields.pad1, buf, o, 1);
      o++;
      continue;
    }
    if (o + 2 > end) {
      const it = tree.add(all, mip6Fields['opt.data'], buf, o, end - o);
      tree.note(it, 'error', 'mip6.option.length', 'option truncated: no Length byte');
      return;
    }
    const len = b[o + 1]!;
    const item = tree.add(all, mip6Fields.opt, buf, o, Math.min(2 + len, end - o), t);
    tree.add(item, mip6Fields['opt.type'], buf, o, 1, t);
    tree.add(item, mip6Fields['opt.len'], buf, o + 1, 1, len);
    if (o + 2 + len > end) {
      tree.add(item, mip6Fields['opt.data'], buf, o + 2, end - o - 2);
      tree.note(item, 'error', 'mip6.option.length', `option ${MH_OPTION_NAMES[t] ?? t} of length ${len} runs past the Mobility Header`);
      return;
    }
    if (t === 1) { // PadN
      if (len > 0) tree.add(item, mip6Fields.padn, buf, o + 2, len);
      o += 2 + len;
      continue;
    }
    if (authItem >= 0) afterAuth = true;
    const def = ctx.optByType[t];
    if (!def) {
      if (len > 0) tree.add(item, mip6Fields['opt.data'], buf, o + 2, len);
      tree.note(item, 'note', 'mip6.option.unknown', `unknown mobility option type ${t}, skipped (RFC 6275 6.2.1)`);
    } else {
      if (def.align) {
        const [n, k] = def.align;
        if ((o - mh) % n !== k) tree.note(item, 'error', 'mip6.option.align', `${def.name} at offset ${o - mh} does not meet its ${n}n+${k} alignment (RFC 6275 6.2.1)`);
      }
      if (def.length !== null && len !== def.length) {
        tree.note(item, 'error', 'mip6.option.length', `${def.name} length ${len}, must be ${def.length}`);
      } else if (len < def.minLength) {
        tree.note(item, 'error', 'mip6.option.length', `${def.name} length ${len}, must be at least ${def.minLength}`);
      }
      if (msg && msg.options && !msg.options.includes(def.key)) {
        tree.note(item, 'error', 'mip6.option.context', `${def.name} is not allowed in ${msg.name}`);
      }
      if (def.key === 'bindingAuthorizationData') authItem = item;
      // Dissect only what is there; a wrong length still shows its bytes.
      if (def.length === null || len >= def.length) def.body(ctx, buf, o + 2, len, item, messageKey);
      else if (len > 0) tree.add(item, mip6Fields['opt.data'], buf, o + 2, len);
    }
    o += 2 + len;
  }
  // RFC 6275 6.2.7: Binding Authorization Data must be the last option (padding aside).
  if (authItem >= 0 && afterAuth) tree.note(authItem, 'error', 'mip6.option.order', 'Binding Authorization Data is not the last option (RFC 6275 6.2.7)');
}

registerIpProtocol(135, dissectMobilityHeader);
