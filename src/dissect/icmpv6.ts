/**
 * ICMPv6 (RFC 4443) with the messages Mobile IPv6 home agents exchange:
 * Dynamic Home Agent Address Discovery and Mobile Prefix Solicitation/
 * Advertisement (RFC 6275 6.5-6.8), Router Advertisement (RFC 4861 4.2) with
 * the H flag (RFC 6275 7.1) and the VHAR A/B flags (SPEC-NOTES 5), the ND
 * options they carry (RFC 4861 4.6, RFC 6275 7.3-7.4), error messages with the
 * invoking packet, and echo. Other types go to dissectors registered by number
 * (the VHAR messages 161-167), else they are shown raw.
 */
import { u16, u32 } from './bytes.js';
import { ipv6UpperChecksum } from './checksum.js';
import type { DissectContext } from './context.js';
import { registerIpProtocol } from './context.js';
import { defineFields, FT } from './fields.js';
import { ipv6ToString } from './format.js';
import { CHECKSUM_STATUS } from './mh/header.js';
import type { InfoFormatter, Tree } from './tree.js';

export const ICMPV6_TYPES: Record<number, string> = {
  1: 'Destination Unreachable', 2: 'Packet Too Big', 3: 'Time Exceeded', 4: 'Parameter Problem',
  128: 'Echo (ping) request', 129: 'Echo (ping) reply', 133: 'Router Solicitation', 134: 'Router Advertisement',
  135: 'Neighbor Solicitation', 136: 'Neighbor Advertisement', 137: 'Redirect',
  144: 'Home Agent Address Discovery Request', 145: 'Home Agent Address Discovery Reply',
  146: 'Mobile Prefix Solicitation', 147: 'Mobile Prefix Advertisement',
};

const PARAM_PROBLEM_CODES: Record<number, string> = {
  0: 'Erroneous header field encountered', 1: 'Unrecognized Next Header type encountered',
  2: 'Unrecognized IPv6 option encountered', 3: 'IPv6 First Fragment has incomplete IPv6 Header Chain',
};

export const ND_OPTIONS: Record<number, string> = {
  1: 'Source link-layer address', 2: 'Target link-layer address', 3: 'Prefix information', 4: 'Redirected header',
  5: 'MTU', 7: 'Advertisement Interval', 8: 'Home Agent Information',
};

export const icmpv6Fields = defineFields('icmpv6', {
  _root: { abbrev: 'icmpv6', name: 'Internet Control Message Protocol v6', type: FT.Protocol },
  type: { name: 'Type', type: FT.UInt, vals: ICMPV6_TYPES },
  code: { name: 'Code', type: FT.UInt },
  checksum: { name: 'Checksum', type: FT.UInt, hex: 4 },
  'checksum.status': { abbrev: 'icmpv6.checksum.status', name: 'Checksum Status', type: FT.Choice, vals: CHECKSUM_STATUS },
  'checksum.calculated': { abbrev: 'icmpv6.checksum.calculated', name: 'Calculated Checksum', type: FT.UInt, hex: 4 },
  reserved: { name: 'Reserved', type: FT.Bytes },
  data: { name: 'Data', type: FT.Bytes },
  mtu: { name: 'MTU', type: FT.UInt },
  pointer: { name: 'Pointer', type: FT.UInt },
  invoking: { abbrev: 'icmpv6.invoking_packet', name: 'Invoking packet', type: FT.Protocol },
  'echo.identifier': { abbrev: 'icmpv6.echo.identifier', name: 'Identifier', type: FT.UInt, hex: 4 },
  'echo.sequence_number': { abbrev: 'icmpv6.echo.sequence_number', name: 'Sequence', type: FT.UInt },
  // Router Advertisement (RFC 4861 4.2, RFC 6275 7.1, RFC 4191 2.2, RFC 4389 4.1; A/B: SPEC-NOTES 5).
  'nd.ra.cur_hop_limit': { abbrev: 'icmpv6.nd.ra.cur_hop_limit', name: 'Cur hop limit', type: FT.UInt },
  'nd.ra.flag': { abbrev: 'icmpv6.nd.ra.flag', name: 'Flags', type: FT.UInt, hex: 2 },
  'nd.ra.flag.m': { abbrev: 'icmpv6.nd.ra.flag.m', name: 'Managed address configuration', type: FT.Bool, mask: 0x80, bits: 8 },
  'nd.ra.flag.o': { abbrev: 'icmpv6.nd.ra.flag.o', name: 'Other configuration', type: FT.Bool, mask: 0x40, bits: 8 },
  'nd.ra.flag.h': { abbrev: 'icmpv6.nd.ra.flag.h', name: 'Home Agent', type: FT.Bool, mask: 0x20, bits: 8 },
  'nd.ra.flag.prf': { abbrev: 'icmpv6.nd.ra.flag.prf', name: 'Prf (Default Router Preference)', type: FT.UInt, mask: 0x18, bits: 8, vals: { 0: 'Medium', 1: 'High', 2: 'Reserved', 3: 'Low' } },
  'nd.ra.flag.vhar_active': { abbrev: 'icmpv6.nd.ra.flag.vhar_active', name: 'Active Home Agent (VHAR A)', type: FT.Bool, mask: 0x10, bits: 8 },
  'nd.ra.flag.vhar_backup': { abbrev: 'icmpv6.nd.ra.flag.vhar_backup', name: 'Backup Home Agent (VHAR B)', type: FT.Bool, mask: 0x08, bits: 8 },
  'nd.ra.flag.p': { abbrev: 'icmpv6.nd.ra.flag.p', name: 'Proxy', type: FT.Bool, mask: 0x04, bits: 8 },
  'nd.ra.flag.rsv': { abbrev: 'icmpv6.nd.ra.flag.rsv', name: 'Reserved', type: FT.UInt, mask: 0x03, bits: 8 },
  'nd.ra.router_lifetime': { abbrev: 'icmpv6.nd.ra.router_lifetime', name: 'Router lifetime', type: FT.UInt, unit: 's' },
  'nd.ra.reachable_time': { abbrev: 'icmpv6.nd.ra.reachable_time', name: 'Reachable time', type: FT.UInt, unit: 'ms' },
  'nd.ra.retrans_timer': { abbrev: 'icmpv6.nd.ra.retrans_timer', name: 'Retrans timer', type: FT.UInt, unit: 'ms' },
  // ND options (RFC 4861 4.6, RFC 6275 7.2-7.4).
  opt: { name: 'ICMPv6 Option', type: FT.Protocol, vals: ND_OPTIONS },
  'opt.type': { abbrev: 'icmpv6.opt.type', name: 'Type', type: FT.UInt, vals: ND_OPTIONS },
  'opt.length': { abbrev: 'icmpv6.opt.length', name: 'Length', type: FT.UInt, blurb: 'units of 8 octets' },
  'opt.reserved': { abbrev: 'icmpv6.opt.reserved', name: 'Reserved', type: FT.Bytes },
  'opt.data': { abbrev: 'icmpv6.opt.data', name: 'Option data', type: FT.Bytes },
  'opt.linkaddr': { abbrev: 'icmpv6.opt.linkaddr', name: 'Link-layer address', type: FT.Bytes },
  'opt.src_linkaddr': { abbrev: 'icmpv6.opt.src_linkaddr', name: 'Source Link-layer address', type: FT.Ether },
  'opt.target_linkaddr': { abbrev: 'icmpv6.opt.target_linkaddr', name: 'Target Link-layer address', type: FT.Ether },
  'opt.prefix.length': { abbrev: 'icmpv6.opt.prefix.length', name: 'Prefix Length', type: FT.UInt },
  'opt.prefix.flag': { abbrev: 'icmpv6.opt.prefix.flag', name: 'Flag', type: FT.UInt, hex: 2 },
  'opt.prefix.flag.l': { abbrev: 'icmpv6.opt.prefix.flag.l', name: 'On-link flag(L)', type: FT.Bool, mask: 0x80, bits: 8 },
  'opt.prefix.flag.a': { abbrev: 'icmpv6.opt.prefix.flag.a', name: 'Autonomous address-configuration flag(A)', type: FT.Bool, mask: 0x40, bits: 8 },
  'opt.prefix.flag.r': { abbrev: 'icmpv6.opt.prefix.flag.r', name: 'Router address flag(R)', type: FT.Bool, mask: 0x20, bits: 8 },
  'opt.prefix.valid_lifetime': { abbrev: 'icmpv6.opt.prefix.valid_lifetime', name: 'Valid Lifetime', type: FT.UInt, unit: 's' },
  'opt.prefix.preferred_lifetime': { abbrev: 'icmpv6.opt.prefix.preferred_lifetime', name: 'Preferred Lifetime', type: FT.UInt, unit: 's' },
  'opt.prefix': { abbrev: 'icmpv6.opt.prefix', name: 'Prefix', type: FT.IPv6 },
  'opt.mtu': { abbrev: 'icmpv6.opt.mtu', name: 'MTU', type: FT.UInt },
  'opt.advertisement_interval': { abbrev: 'icmpv6.opt.advertisement_interval', name: 'Advertisement Interval', type: FT.UInt, unit: 'ms' },
  'opt.home_agent_preference': { abbrev: 'icmpv6.opt.home_agent_preference', name: 'Home Agent Preference', type: FT.UInt },
  'opt.home_agent_lifetime': { abbrev: 'icmpv6.opt.home_agent_lifetime', name: 'Home Agent Lifetime', type: FT.UInt, unit: 's' },
  // DHAAD and Mobile Prefix messages (RFC 6275 6.5-6.8).
  'mip6.identifier': { abbrev: 'icmpv6.mip6.identifier', name: 'Identifier', type: FT.UInt },
  'mip6.home_agent_address': { abbrev: 'icmpv6.mip6.home_agent_address', name: 'Home Agent Address', type: FT.IPv6 },
  'mip6.flag': { abbrev: 'icmpv6.mip6.flag', name: 'Flags', type: FT.UInt, hex: 4 },
  'mip6.flag.m': { abbrev: 'icmpv6.mip6.flag.m', name: 'Managed address configuration', type: FT.Bool, mask: 0x8000, bits: 16 },
  'mip6.flag.o': { abbrev: 'icmpv6.mip6.flag.o', name: 'Other configuration', type: FT.Bool, mask: 0x4000, bits: 16 },
  'mip6.flag.rsv': { abbrev: 'icmpv6.mip6.flag.rsv', name: 'Reserved', type: FT.UInt, mask: 0x3fff, bits: 16 },
});

const f = icmpv6Fields;

// ---------------------------------------------------------------- Info column

function typeAt(tree: Tree, item: number): number {
  const t = tree.firstWithin(f.type, item);
  return t >= 0 ? tree.value[t]! : -1;
}

function valueWithin(tree: Tree, def: typeof f.type, item: number): string {
  const i = tree.firstWithin(def, item);
  return i >= 0 ? String(tree.value[i]) : '?';
}

function sourceText(tree: Tree): string {
  const s = tree.srcItem;
  return s >= 0 && tree.length[s] === 16 ? ipv6ToString(tree.bufferOf(s), tree.start[s]!) : '?';
}

function countWithin(tree: Tree, def: typeof f.type, item: number): number {
  let n = 0;
  for (let i = tree.firstWithin(def, item); i >= 0; i = tree.next(def, i)) if (tree.isWithin(i, item)) n++;
  return n;
}

const raInfo: InfoFormatter = (tree, item) => {
  let flags = '';
  const letter = (def: typeof f.type, l: string) => {
    const i = tree.firstWithin(def, item);
    if (i >= 0 && tree.value[i]) flags += ` ${l}`;
  };
  letter(f['nd.ra.flag.m'], 'M');
  letter(f['nd.ra.flag.o'], 'O');
  letter(f['nd.ra.flag.h'], 'H');
  letter(f['nd.ra.flag.vhar_active'], 'A');
  letter(f['nd.ra.flag.vhar_backup'], 'B');
  return `Router Advertisement${flags} from ${sourceText(tree)}`;
};

const dhaadRequestInfo: InfoFormatter = (tree, item) => `DHAAD Request id ${valueWithin(tree, f['mip6.identifier'], item)}`;
const dhaadReplyInfo: InfoFormatter = (tree, item) => {
  const n = countWithin(tree, f['mip6.home_agent_address'], item);
  return `DHAAD Reply id ${valueWithin(tree, f['mip6.identifier'], item)}: ${n} home agent${n === 1 ? '' : 's'}`;
};
const mpsInfo: InfoFormatter = (tree, item) => `Mobile Prefix Solicitation id ${valueWithin(tree, f['mip6.identifier'], item)}`;
const mpaInfo: InfoFormatter = (tree, item) => {
  const n = countWithin(tree, f['opt.prefix'], item);
  return `Mobile Prefix Advertisement id ${valueWithin(tree, f['mip6.identifier'], item)}: ${n} prefix${n === 1 ? '' : 'es'}`;
};
const echoInfo: InfoFormatter = (tree, item) => {
  const id = tree.firstWithin(f['echo.identifier'], item);
  return `${ICMPV6_TYPES[typeAt(tree, item)]} id=0x${id >= 0 ? tree.value[id]!.toString(16).padStart(4, '0') : '?'}, seq=${valueWithin(tree, f['echo.sequence_number'], item)}`;
};
const errorInfo: InfoFormatter = (tree, item) => {
  const t = typeAt(tree, item);
  const c = valueWithin(tree, f.code, item);
  if (t === 4) return `Parameter Problem (${PARAM_PROBLEM_CODES[+c] ?? `code ${c}`}) pointer ${valueWithin(tree, f.pointer, item)}`;
  return `${ICMPV6_TYPES[t] ?? `ICMPv6 type ${t}`} (code ${c})`;
};
const genericInfo: InfoFormatter = (tree, item) => {
  const t = typeAt(tree, item);
  return ICMPV6_TYPES[t] ?? `ICMPv6 type ${t}`;
};

// ---------------------------------------------------------------- dissection

/** Dissect an ICMPv6 message at buffers[buf][off..end). */
export function dissectIcmpv6(ctx: DissectContext, buf: number, off: number, end: number, parent: number): void {
  const tree = ctx.tree;
  const b = tree.buffers[buf]!;
  tree.protocol = 'ICMPv6';
  const len = end - off;
  const root = tree.add(parent, f._root, buf, off, len);
  if (len < 4) {
    tree.note(root, 'error', 'icmpv6.short', `ICMPv6 message truncated: ${len} bytes, the header needs 4 (RFC 4443 2.1)`);
    return;
  }
  const type = b[off]!;
  const code = b[off + 1]!;
  tree.add(root, f.type, buf, off, 1, type);
  tree.add(root, f.code, buf, off + 1, 1, code);
  const csum = u16(b, off + 2);
  const csItem = tree.add(root, f.checksum, buf, off + 2, 2, csum);
  // RFC 4443 2.3: the checksum covers the pseudo-header (RFC 8200 8.1, with the
  // home address and final destination under MIPv6) and the whole message.
  if (ctx.ipVersion === 6 && ctx.pseudoSrcOff >= 0 && ctx.pseudoDstOff >= 0) {
    const want = ipv6UpperChecksum(
      tree.buffers[ctx.pseudoSrcBuf]!, ctx.pseudoSrcOff, tree.buffers[ctx.pseudoDstBuf]!, ctx.pseudoDstOff,
      58, b, off, len, off + 2,
    );
    const good = want === csum;
    tree.addGenerated(csItem, f['checksum.status'], good ? 1 : 0);
    if (!good) {
      tree.addGenerated(csItem, f['checksum.calculated'], want);
      tree.note(csItem, 'error', 'icmpv6.checksum', `bad checksum 0x${csum.toString(16).padStart(4, '0')}, should be 0x${want.toString(16).padStart(4, '0')}`);
    }
  } else {
    tree.addGenerated(csItem, f['checksum.status'], 2);
  }
  tree.infoItem = root;
  tree.info = genericInfo;

  switch (type) {
    case 1: case 2: case 3: case 4:
      errorMessage(ctx, type, buf, off, end, root);
      return;
    case 128: case 129:
      if (len < 8) { short(ctx, root, type, 8, len); return; }
      tree.add(root, f['echo.identifier'], buf, off + 4, 2, u16(b, off + 4));
      tree.add(root, f['echo.sequence_number'], buf, off + 6, 2, u16(b, off + 6));
      if (len > 8) tree.add(root, f.data, buf, off + 8, len - 8);
      tree.info = echoInfo;
      return;
    case 134:
      routerAdvertisement(ctx, buf, off, end, root);
      return;
    case 144: case 145: case 146:
      dhaadOrMps(ctx, type, buf, off, end, root);
      return;
    case 147:
      mobilePrefixAdvertisement(ctx, buf, off, end, root);
      return;
    default: {
      const d = ctx.icmpv6[type];
      if (d) { d(ctx, buf, off, end, root); return; }
      if (len > 4) tree.add(root, f.data, buf, off + 4, len - 4);
    }
  }
}

function short(ctx: DissectContext, root: number, type: number, need: number, have: number): void {
  ctx.tree.note(root, 'error', 'icmpv6.short', `${ICMPV6_TYPES[type] ?? `type ${type}`} truncated: ${have} bytes, needs ${need}`);
}

/**
 * Error messages (RFC 4443 3.1-3.4): a 32-bit field (unused, MTU or pointer),
 * then as much of the invoking packet as fits, which is dissected as IPv6 in a
 * subtree. Everything that packet sets (columns, addressing) is put back after.
 */
function errorMessage(ctx: DissectContext, type: number, buf: number, off: number, end: number, root: number): void {
  const tree = ctx.tree;
  const b = tree.buffers[buf]!;
  tree.info = errorInfo;
  if (end - off < 8) { short(ctx, root, type, 8, end - off); return; }
  if (type === 2) tree.add(root, f.mtu, buf, off + 4, 4, u32(b, off + 4));
  else if (type === 4) {
    const ptr = u32(b, off + 4);
    const p = tree.add(root, f.pointer, buf, off + 4, 4, ptr);
    // RFC 4443 3.4: the pointer is an offset into the invoking packet.
    if (ptr >= end - off - 8 && end - off > 8) tree.note(p, 'note', 'icmpv6.pointer', `pointer ${ptr} is beyond the ${end - off - 8} bytes of the invoking packet carried`);
  } else tree.add(root, f.reserved, buf, off + 4, 4);
  if (end - off <= 8) return;
  const inv = tree.add(root, f.invoking, buf, off + 8, end - off - 8);
  const v6 = ctx.ipProto[41];
  if (!v6 || b[off + 8]! >> 4 !== 6) {
    tree.add(inv, f.data, buf, off + 8, end - off - 8);
    return;
  }
  const save = saveState(ctx);
  v6(ctx, buf, off + 8, end, inv);
  restoreState(ctx, save);
}

/** The per-packet state an embedded packet overwrites. Fixed-size scratch objects, reused, since errors do not nest deeply. */
interface SavedState {
  protocol: string; srcItem: number; dstItem: number; info: InfoFormatter | null; infoItem: number;
  ipSrcBuf: number; ipSrcOff: number; ipDstBuf: number; ipDstOff: number;
  pseudoSrcBuf: number; pseudoSrcOff: number; pseudoDstBuf: number; pseudoDstOff: number;
  homeAddrBuf: number; homeAddrOff: number; ipVersion: number; depth: number; inEsp: boolean;
  lastIpv6Src: number; lastIpv6Dst: number;
}
const saved: SavedState[] = [];
let savedDepth = 0;

function saveState(ctx: DissectContext): number {
  const t = ctx.tree;
  let s = saved[savedDepth];
  if (!s) {
    s = {
      protocol: '', srcItem: 0, dstItem: 0, info: null, infoItem: 0, ipSrcBuf: 0, ipSrcOff: 0, ipDstBuf: 0, ipDstOff: 0,
      pseudoSrcBuf: 0, pseudoSrcOff: 0, pseudoDstBuf: 0, pseudoDstOff: 0, homeAddrBuf: 0, homeAddrOff: 0, ipVersion: 6, depth: 0, inEsp: false,
      lastIpv6Src: -1, lastIpv6Dst: -1,
    };
    saved[savedDepth] = s;
  }
  s.protocol = t.protocol; s.srcItem = t.srcItem; s.dstItem = t.dstItem; s.info = t.info; s.infoItem = t.infoItem;
  s.ipSrcBuf = ctx.ipSrcBuf; s.ipSrcOff = ctx.ipSrcOff; s.ipDstBuf = ctx.ipDstBuf; s.ipDstOff = ctx.ipDstOff;
  s.pseudoSrcBuf = ctx.pseudoSrcBuf; s.pseudoSrcOff = ctx.pseudoSrcOff; s.pseudoDstBuf = ctx.pseudoDstBuf; s.pseudoDstOff = ctx.pseudoDstOff;
  s.homeAddrBuf = ctx.homeAddrBuf; s.homeAddrOff = ctx.homeAddrOff; s.ipVersion = ctx.ipVersion; s.depth = ctx.depth; s.inEsp = ctx.inEsp;
  s.lastIpv6Src = t.lastIpv6Src; s.lastIpv6Dst = t.lastIpv6Dst;
  return savedDepth++;
}

function restoreState(ctx: DissectContext, level: number): void {
  const s = saved[level]!;
  savedDepth = level;
  const t = ctx.tree;
  t.protocol = s.protocol; t.srcItem = s.srcItem; t.dstItem = s.dstItem; t.info = s.info; t.infoItem = s.infoItem;
  ctx.ipSrcBuf = s.ipSrcBuf; ctx.ipSrcOff = s.ipSrcOff; ctx.ipDstBuf = s.ipDstBuf; ctx.ipDstOff = s.ipDstOff;
  ctx.pseudoSrcBuf = s.pseudoSrcBuf; ctx.pseudoSrcOff = s.pseudoSrcOff; ctx.pseudoDstBuf = s.pseudoDstBuf; ctx.pseudoDstOff = s.pseudoDstOff;
  ctx.homeAddrBuf = s.homeAddrBuf; ctx.homeAddrOff = s.homeAddrOff; ctx.ipVersion = s.ipVersion; ctx.depth = s.depth; ctx.inEsp = s.inEsp;
  // The packet's own addresses, not the invoking packet's (the analyzer reads these).
  t.lastIpv6Src = s.lastIpv6Src; t.lastIpv6Dst = s.lastIpv6Dst;
}

/** Router Advertisement (RFC 4861 4.2): 16 bytes, then ND options. */
function routerAdvertisement(ctx: DissectContext, buf: number, off: number, end: number, root: number): void {
  const tree = ctx.tree;
  const b = tree.buffers[buf]!;
  tree.info = raInfo;
  if (end - off < 16) { short(ctx, root, 134, 16, end - off); return; }
  const flags = b[off + 5]!;
  const h = (flags & 0x20) !== 0;
  tree.add(root, f['nd.ra.cur_hop_limit'], buf, off + 4, 1, b[off + 4]!);
  const fi = tree.add(root, f['nd.ra.flag'], buf, off + 5, 1, flags);
  tree.add(fi, f['nd.ra.flag.m'], buf, off + 5, 1, (flags >> 7) & 1);
  tree.add(fi, f['nd.ra.flag.o'], buf, off + 5, 1, (flags >> 6) & 1);
  tree.add(fi, f['nd.ra.flag.h'], buf, off + 5, 1, h ? 1 : 0);
  if (h && ctx.profile.vhar) {
    // SPEC-NOTES 5: under VHAR, bits 0x10/0x08 of an RA with H set are the
    // Active/Backup HA flags, not the RFC 4191 preference they overlap.
    tree.add(fi, f['nd.ra.flag.vhar_active'], buf, off + 5, 1, (flags >> 4) & 1);
    tree.add(fi, f['nd.ra.flag.vhar_backup'], buf, off + 5, 1, (flags >> 3) & 1);
  } else {
    tree.add(fi, f['nd.ra.flag.prf'], buf, off + 5, 1, (flags >> 3) & 3);
  }
  tree.add(fi, f['nd.ra.flag.p'], buf, off + 5, 1, (flags >> 2) & 1);
  tree.add(fi, f['nd.ra.flag.rsv'], buf, off + 5, 1, flags & 3);
  tree.add(root, f['nd.ra.router_lifetime'], buf, off + 6, 2, u16(b, off + 6));
  tree.add(root, f['nd.ra.reachable_time'], buf, off + 8, 4, u32(b, off + 8));
  tree.add(root, f['nd.ra.retrans_timer'], buf, off + 12, 4, u32(b, off + 12));
  ndOptions(ctx, 134, h, buf, off + 16, end, root);
}

/** DHAAD Request/Reply (RFC 6275 6.5, 6.6) and Mobile Prefix Solicitation (6.7): Identifier, Reserved, addresses. */
function dhaadOrMps(ctx: DissectContext, type: number, buf: number, off: number, end: number, root: number): void {
  const tree = ctx.tree;
  const b = tree.buffers[buf]!;
  tree.info = type === 144 ? dhaadRequestInfo : type === 145 ? dhaadReplyInfo : mpsInfo;
  if (end - off < 8) { short(ctx, root, type, 8, end - off); return; }
  tree.add(root, f['mip6.identifier'], buf, off + 4, 2, u16(b, off + 4));
  tree.add(root, f.reserved, buf, off + 6, 2);
  // RFC 6275 6.5, 6.6: Code and Reserved are set to 0 by the sender.
  if (b[off + 1] !== 0) tree.note(root, 'warning', 'icmpv6.code', `Code ${b[off + 1]}, must be 0 (RFC 6275 6.${type - 139})`);
  let o = off + 8;
  if (type === 145) {
    // The home agent addresses, most preferred first (RFC 6275 6.6).
    for (; o + 16 <= end; o += 16) tree.add(root, f['mip6.home_agent_address'], buf, o, 16);
    if (o === off + 8) tree.note(root, 'warning', 'icmpv6.dhaad.empty', 'DHAAD Reply lists no home agent');
    if (o < end) {
      const d = tree.add(root, f.data, buf, o, end - o);
      tree.note(d, 'error', 'icmpv6.dhaad.length', `${end - o} bytes after the home agent addresses: not a whole address`);
    }
    return;
  }
  if (type === 146) {
    // RFC 6275 6.7: options may follow; none are defined.
    if (o < end) ndOptions(ctx, type, false, buf, o, end, root);
    return;
  }
  if (o < end) tree.add(root, f.data, buf, o, end - o);
}

/** Mobile Prefix Advertisement (RFC 6275 6.8): Identifier, M/O flags, then Prefix Information options. */
function mobilePrefixAdvertisement(ctx: DissectContext, buf: number, off: number, end: number, root: number): void {
  const tree = ctx.tree;
  const b = tree.buffers[buf]!;
  tree.info = mpaInfo;
  if (end - off < 8) { short(ctx, root, 147, 8, end - off); return; }
  tree.add(root, f['mip6.identifier'], buf, off + 4, 2, u16(b, off + 4));
  const flags = u16(b, off + 6);
  const fi = tree.add(root, f['mip6.flag'], buf, off + 6, 2, flags);
  tree.add(fi, f['mip6.flag.m'], buf, off + 6, 2, (flags >> 15) & 1);
  tree.add(fi, f['mip6.flag.o'], buf, off + 6, 2, (flags >> 14) & 1);
  tree.add(fi, f['mip6.flag.rsv'], buf, off + 6, 2, flags & 0x3fff);
  ndOptions(ctx, 147, false, buf, off + 8, end, root);
  // RFC 6275 6.8: each message contains one or more Prefix Information options.
  if (tree.firstWithin(f['opt.prefix'], root) < 0) tree.note(root, 'warning', 'icmpv6.mpa.prefix', 'Mobile Prefix Advertisement without a Prefix Information option (RFC 6275 6.8)');
}

/** ND options (RFC 4861 4.6): type, length in 8-octet units (0 is invalid and stops the walk). */
function ndOptions(ctx: DissectContext, msgType: number, hFlag: boolean, buf: number, start: number, end: number, parent: number): void {
  const tree = ctx.tree;
  const b = tree.buffers[buf]!;
  let o = start;
  while (o < end) {
    if (end - o < 2) {
      const d = tree.add(parent, f['opt.data'], buf, o, end - o);
      tree.note(d, 'error', 'icmpv6.opt.length', 'option truncated: no Length byte');
      return;
    }
    const t = b[o]!;
    const units = b[o + 1]!;
    const len = units * 8;
    const item = tree.add(parent, f.opt, buf, o, Math.min(Math.max(len, 2), end - o), t);
    tree.add(item, f['opt.type'], buf, o, 1, t);
    tree.add(item, f['opt.length'], buf, o + 1, 1, units);
    if (units === 0) {
      // RFC 4861 4.6: nodes MUST silently discard a packet with a zero-length option.
      tree.note(item, 'error', 'icmpv6.opt.length', 'option length 0 (RFC 4861 4.6: the packet must be discarded)');
      return;
    }
    if (o + len > end) {
      tree.add(item, f['opt.data'], buf, o + 2, end - o - 2);
      tree.note(item, 'error', 'icmpv6.opt.length', `option of ${len} bytes runs past the message`);
      return;
    }
    const d = o + 2;
    switch (t) {
      case 1: case 2:
        if (len === 8) tree.add(item, t === 1 ? f['opt.src_linkaddr'] : f['opt.target_linkaddr'], buf, d, 6);
        else tree.add(item, f['opt.linkaddr'], buf, d, len - 2);
        break;
      case 3:
        if (len !== 32) { badLength(ctx, item, 'Prefix Information', 4, units); tree.add(item, f['opt.data'], buf, d, len - 2); break; }
        prefixInformation(ctx, buf, o, item);
        break;
      case 5:
        if (len !== 8) { badLength(ctx, item, 'MTU', 1, units); tree.add(item, f['opt.data'], buf, d, len - 2); break; }
        tree.add(item, f['opt.reserved'], buf, d, 2);
        tree.add(item, f['opt.mtu'], buf, o + 4, 4, u32(b, o + 4));
        break;
      case 7:
        // RFC 6275 7.3: length 1; the interval in milliseconds.
        if (len !== 8) { badLength(ctx, item, 'Advertisement Interval', 1, units); tree.add(item, f['opt.data'], buf, d, len - 2); break; }
        tree.add(item, f['opt.reserved'], buf, d, 2);
        tree.add(item, f['opt.advertisement_interval'], buf, o + 4, 4, u32(b, o + 4));
        if (msgType !== 134) tree.note(item, 'note', 'icmpv6.opt.context', 'Advertisement Interval outside a Router Advertisement is ignored (RFC 6275 7.3)');
        break;
      case 8: {
        // RFC 6275 7.4: length 1; preference and lifetime; only in an RA with H set.
        if (len !== 8) { badLength(ctx, item, 'Home Agent Information', 1, units); tree.add(item, f['opt.data'], buf, d, len - 2); break; }
        tree.add(item, f['opt.reserved'], buf, d, 2);
        tree.add(item, f['opt.home_agent_preference'], buf, o + 4, 2, u16(b, o + 4));
        const lt = u16(b, o + 6);
        const ltItem = tree.add(item, f['opt.home_agent_lifetime'], buf, o + 6, 2, lt);
        if (lt === 0) tree.note(ltItem, 'error', 'icmpv6.hai.lifetime', 'Home Agent Lifetime 0 MUST NOT be used (RFC 6275 7.4)');
        if (msgType !== 134) tree.note(item, 'note', 'icmpv6.opt.context', 'Home Agent Information outside a Router Advertisement is ignored (RFC 6275 7.4)');
        else if (!hFlag) tree.note(item, 'error', 'icmpv6.hai.h_flag', 'Home Agent Information option in a Router Advertisement without the H flag (RFC 6275 7.4)');
        break;
      }
      default:
        tree.add(item, f['opt.data'], buf, d, len - 2);
    }
    o += len;
  }
}

function badLength(ctx: DissectContext, item: number, name: string, want: number, got: number): void {
  ctx.tree.note(item, 'error', 'icmpv6.opt.length', `${name} option length ${got}, must be ${want}`);
}

/** Prefix Information option (RFC 4861 4.6.2; R flag RFC 6275 7.2) at o, 32 bytes. */
function prefixInformation(ctx: DissectContext, buf: number, o: number, item: number): void {
  const tree = ctx.tree;
  const b = tree.buffers[buf]!;
  const plen = b[o + 2]!;
  const flags = b[o + 3]!;
  const pl = tree.add(item, f['opt.prefix.length'], buf, o + 2, 1, plen);
  if (plen > 128) tree.note(pl, 'error', 'icmpv6.opt.prefix', `Prefix Length ${plen} exceeds 128`);
  const fi = tree.add(item, f['opt.prefix.flag'], buf, o + 3, 1, flags);
  tree.add(fi, f['opt.prefix.flag.l'], buf, o + 3, 1, (flags >> 7) & 1);
  tree.add(fi, f['opt.prefix.flag.a'], buf, o + 3, 1, (flags >> 6) & 1);
  tree.add(fi, f['opt.prefix.flag.r'], buf, o + 3, 1, (flags >> 5) & 1);
  const valid = u32(b, o + 4);
  const preferred = u32(b, o + 8);
  tree.add(item, f['opt.prefix.valid_lifetime'], buf, o + 4, 4, valid);
  const pi = tree.add(item, f['opt.prefix.preferred_lifetime'], buf, o + 8, 4, preferred);
  // RFC 4862 5.5.3 (c): a preferred lifetime above the valid lifetime is ignored by hosts.
  if (preferred > valid) tree.note(pi, 'warning', 'icmpv6.opt.prefix', 'Preferred Lifetime exceeds Valid Lifetime');
  tree.add(item, f['opt.reserved'], buf, o + 12, 4);
  tree.add(item, f['opt.prefix'], buf, o + 16, 16);
}

registerIpProtocol(58, dissectIcmpv6);
