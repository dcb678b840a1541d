/**
 * VHAR (draft-jfaizan-mipv6-vhar-02 section 6): ICMPv6 messages 161-167 between
 * the home agents of one home link, decoded only when the profile enables VHAR.
 *
 * Type 161 is now RFC 8335's Extended Echo Reply. It is taken as an MN Release
 * Request only when it has the Release Request's size (24 bytes) and both addresses
 * are link-local, as the draft requires (SPEC-NOTES 5); otherwise, and always when
 * VHAR is off, as an Extended Echo Reply.
 *
 * Record layouts are the profile's reading of the draft's loose text (SPEC-NOTES 5):
 * 39-byte binding records and 54-byte SA records, back to back; bytes that do not
 * make a whole record are shown raw.
 */
import { u16, u32 } from './bytes.js';
import type { DissectContext } from './context.js';
import { registerIcmpv6Type } from './context.js';
import { defineFields, FT } from './fields.js';
import { ipv6ToString } from './format.js';
import { icmpv6Fields } from './icmpv6.js';
import type { InfoFormatter, Tree } from './tree.js';

export const VHAR_TYPES: Record<number, string> = {
  161: 'MN Release Request', 162: 'MN Release Reply', 163: 'MN Context Update Request',
  164: 'MN Context Update Reply', 165: 'SP Synch', 166: 'SP Reply', 167: 'SeqNo Synch',
};

/** RFC 8335 3: Extended Echo Reply codes and Neighbor Cache states. */
export const EXT_ECHO_CODES: Record<number, string> = {
  0: 'No Error', 1: 'Malformed Query', 2: 'No Such Interface', 3: 'No Such Table Entry', 4: 'Multiple Interfaces Satisfy Query',
};
export const EXT_ECHO_STATES: Record<number, string> = {
  0: 'Reserved', 1: 'Incomplete', 2: 'Reachable', 3: 'Stale', 4: 'Delay', 5: 'Probe', 6: 'Failed',
};

export const BINDING_RECORD_LENGTH = 39;
export const SA_RECORD_LENGTH = 54;

export const vharFields = defineFields('icmpv6.vhar', {
  message: { name: 'VHAR message', type: FT.Choice, vals: VHAR_TYPES, blurb: 'which VHAR message the ICMPv6 type was read as' },
  identifier: { name: 'Identifier', type: FT.UInt },
  reserved: { name: 'Reserved', type: FT.UInt, hex: 4 },
  home_address: { name: 'Home Address', type: FT.IPv6 },
  // MN Context Update Request binding records (6.4).
  binding: { name: 'Binding record', type: FT.Protocol },
  'binding.hoa': { abbrev: 'icmpv6.vhar.binding.hoa', name: 'Home Address', type: FT.IPv6 },
  'binding.coa': { abbrev: 'icmpv6.vhar.binding.coa', name: 'Care-of Address', type: FT.IPv6 },
  'binding.lifetime': { abbrev: 'icmpv6.vhar.binding.lifetime', name: 'Lifetime', type: FT.UInt },
  'binding.flag': { abbrev: 'icmpv6.vhar.binding.flag', name: 'Flag', type: FT.Bool, mask: 0x80, bits: 8 },
  'binding.flag_reserved': { abbrev: 'icmpv6.vhar.binding.flag_reserved', name: 'Unused flag bits', type: FT.UInt, hex: 2, mask: 0x7f, bits: 8 },
  'binding.seq': { abbrev: 'icmpv6.vhar.binding.seq', name: 'Sequence Number', type: FT.UInt },
  'binding.usage': { abbrev: 'icmpv6.vhar.binding.usage', name: 'Usage Information', type: FT.UInt },
  // SP Synch SA records (6.6).
  num_sas: { name: 'Number of SAs', type: FT.UInt },
  sa: { name: 'SA record', type: FT.Protocol },
  'sa.outgoing': { abbrev: 'icmpv6.vhar.sa.outgoing', name: 'Direction outgoing', type: FT.Bool, mask: 0x80, bits: 8 },
  'sa.protocol': { abbrev: 'icmpv6.vhar.sa.protocol', name: 'Protocol', type: FT.UInt, mask: 0x78, bits: 8, vals: { 1: 'MH', 2: 'ICMP' } },
  'sa.interface': { abbrev: 'icmpv6.vhar.sa.interface', name: 'Interface', type: FT.UInt, mask: 0x07, bits: 8 },
  'sa.esp': { abbrev: 'icmpv6.vhar.sa.esp', name: 'IPsec protocol ESP (else AH)', type: FT.Bool, mask: 0x80, bits: 8 },
  'sa.tunnel': { abbrev: 'icmpv6.vhar.sa.tunnel', name: 'IPsec mode tunnel (else transport)', type: FT.Bool, mask: 0x40, bits: 8 },
  'sa.reserved': { abbrev: 'icmpv6.vhar.sa.reserved', name: 'Unused bits', type: FT.UInt, hex: 2, mask: 0x3f, bits: 8 },
  'sa.spi': { abbrev: 'icmpv6.vhar.sa.spi', name: 'SPI', type: FT.UInt, hex: 8 },
  'sa.src': { abbrev: 'icmpv6.vhar.sa.src', name: 'Source Address', type: FT.IPv6 },
  'sa.dst': { abbrev: 'icmpv6.vhar.sa.dst', name: 'Destination Address', type: FT.IPv6 },
  'sa.seq': { abbrev: 'icmpv6.vhar.sa.seq', name: 'Sequence Number Counter', type: FT.UInt64 },
  'sa.window': { abbrev: 'icmpv6.vhar.sa.window', name: 'Anti-replay Window', type: FT.UInt64 },
  // SeqNo Synch (6.8).
  spi: { name: 'SPI', type: FT.UInt, hex: 8 },
  sequence: { name: 'Sequence Number', type: FT.UInt64 },
  window: { name: 'Anti-replay Window', type: FT.UInt64 },
  leftover: { name: 'Bytes after the last whole record', type: FT.Bytes },
});

// RFC 8335 3; the identifier is the Echo field Wireshark also uses here.
export const extEchoFields = defineFields('icmpv6.ext.echo', {
  seq: { name: 'Sequence Number', type: FT.UInt },
  'rsp.code': { abbrev: 'icmpv6.ext.echo.rsp.code', name: 'Code', type: FT.Choice, vals: EXT_ECHO_CODES },
  'rsp.state': { abbrev: 'icmpv6.ext.echo.rsp.state', name: 'State', type: FT.UInt, mask: 0xe0, bits: 8, vals: EXT_ECHO_STATES },
  'rsp.res': { abbrev: 'icmpv6.ext.echo.rsp.res', name: 'Reserved', type: FT.UInt, mask: 0x18, bits: 8 },
  'rsp.active': { abbrev: 'icmpv6.ext.echo.rsp.active', name: 'Active', type: FT.Bool, mask: 0x04, bits: 8 },
  'rsp.ipv4': { abbrev: 'icmpv6.ext.echo.rsp.ipv4', name: 'IPv4', type: FT.Bool, mask: 0x02, bits: 8 },
  'rsp.ipv6': { abbrev: 'icmpv6.ext.echo.rsp.ipv6', name: 'IPv6', type: FT.Bool, mask: 0x01, bits: 8 },
});

const v = vharFields;

function isLinkLocal(b: Uint8Array, o: number): boolean {
  return o >= 0 && b[o] === 0xfe && (b[o + 1]! & 0xc0) === 0x80;
}

/** Whether the IPv6 header in force has link-local source and destination (the draft's 6.2-6.8 MUST). */
function bothLinkLocal(ctx: DissectContext): boolean {
  if (ctx.ipVersion !== 6 || ctx.ipSrcOff < 0 || ctx.ipDstOff < 0) return false;
  return isLinkLocal(ctx.tree.buffers[ctx.ipSrcBuf]!, ctx.ipSrcOff) && isLinkLocal(ctx.tree.buffers[ctx.ipDstBuf]!, ctx.ipDstOff);
}

function num(tree: Tree, def: typeof v.identifier, item: number): number {
  const i = tree.firstWithin(def, item);
  return i < 0 ? -1 : tree.value[i]!;
}

function countWithin(tree: Tree, def: typeof v.binding, item: number): number {
  let n = 0;
  for (let i = tree.firstWithin(def, item); i >= 0; i = tree.next(def, i)) if (tree.isWithin(i, item)) n++;
  return n;
}

function messageType(tree: Tree, item: number): number {
  const i = tree.firstWithin(v.message, item);
  return i < 0 ? -1 : tree.value[i]!;
}

const vharInfo: InfoFormatter = (tree, item) => {
  const t = messageType(tree, item);
  const name = VHAR_TYPES[t] ?? 'VHAR';
  if (t === 167) {
    const s = tree.firstWithin(v.spi, item);
    return s < 0 ? name : `${name} SPI 0x${tree.value[s]!.toString(16).padStart(8, '0')}`;
  }
  let s = `${name} id ${num(tree, v.identifier, item)}`;
  const h = tree.firstWithin(v.home_address, item);
  if (h >= 0) s += ` home ${ipv6ToString(tree.bufferOf(h), tree.start[h]!)}`;
  if (t === 163) {
    const n = countWithin(tree, v.binding, item);
    s += `, ${n} binding${n === 1 ? '' : 's'}`;
  }
  if (t === 165) {
    const n = countWithin(tree, v.sa, item);
    s += `, ${n} SA${n === 1 ? '' : 's'}`;
  }
  return s;
};

const extEchoInfo: InfoFormatter = (tree, item) => {
  const id = tree.firstWithin(icmpv6Fields['echo.identifier'], item);
  const seq = tree.firstWithin(extEchoFields.seq, item);
  const code = tree.firstWithin(extEchoFields['rsp.code'], item);
  const st = tree.firstWithin(extEchoFields['rsp.state'], item);
  if (id < 0 || seq < 0) return 'Extended Echo Reply';
  const c = code >= 0 ? tree.value[code]! : 0;
  const state = st >= 0 ? tree.value[st]! : 0;
  return `Extended Echo Reply id=0x${tree.value[id]!.toString(16).padStart(4, '0')}, seq=${tree.value[seq]}, ${EXT_ECHO_CODES[c] ?? `code ${c}`}`
    + (c === 0 && state !== 0 ? `, state ${EXT_ECHO_STATES[state] ?? state}` : '');
};

/** RFC 8335 3: Identifier 16, Sequence Number 8, State 3, Res 2, A, 4, 6. */
function extendedEchoReply(ctx: DissectContext, buf: number, off: number, end: number, root: number): void {
  const tree = ctx.tree;
  const b = tree.buffers[buf]!;
  tree.info = extEchoInfo;
  const code = b[off + 1]!;
  const ci = tree.addGenerated(root, extEchoFields['rsp.code'], code, buf, off + 1, 1);
  if (EXT_ECHO_CODES[code] === undefined) tree.note(ci, 'warning', 'icmpv6.ext_echo.code', `Extended Echo Reply code ${code} is not defined (RFC 8335 3)`);
  if (end - off < 8) {
    tree.note(root, 'error', 'icmpv6.short', `Extended Echo Reply truncated: ${end - off} bytes, needs 8 (RFC 8335 3)`);
    if (end - off > 4) tree.add(root, icmpv6Fields.data, buf, off + 4, end - off - 4);
    return;
  }
  tree.add(root, icmpv6Fields['echo.identifier'], buf, off + 4, 2, u16(b, off + 4));
  tree.add(root, extEchoFields.seq, buf, off + 6, 1, b[off + 6]!);
  const bits = b[off + 7]!;
  const si = tree.add(root, extEchoFields['rsp.state'], buf, off + 7, 1, bits >> 5);
  const ri = tree.add(root, extEchoFields['rsp.res'], buf, off + 7, 1, (bits >> 3) & 3);
  tree.add(root, extEchoFields['rsp.active'], buf, off + 7, 1, (bits >> 2) & 1);
  tree.add(root, extEchoFields['rsp.ipv4'], buf, off + 7, 1, (bits >> 1) & 1);
  tree.add(root, extEchoFields['rsp.ipv6'], buf, off + 7, 1, bits & 1);
  // RFC 8335 3: State MUST be 0 when Code is not 0; Res MUST be 0.
  if (code !== 0 && bits >> 5 !== 0) tree.note(si, 'warning', 'icmpv6.ext_echo.state', 'State is not 0 in an Extended Echo Reply with an error code (RFC 8335 3)');
  if ((bits & 0x18) !== 0) tree.note(ri, 'warning', 'icmpv6.reserved', 'Extended Echo Reply reserved bits are not zero (RFC 8335 3)');
  if (end - off > 8) tree.add(root, icmpv6Fields.data, buf, off + 8, end - off - 8);
}

/** Identifier and Reserved, the second word of every VHAR message but SeqNo Synch. */
function identifierAndReserved(ctx: DissectContext, buf: number, off: number, root: number, secondIsReserved: boolean): void {
  const tree = ctx.tree;
  const b = tree.buffers[buf]!;
  tree.add(root, v.identifier, buf, off + 4, 2, u16(b, off + 4));
  if (!secondIsReserved) return;
  const r = u16(b, off + 6);
  const ri = tree.add(root, v.reserved, buf, off + 6, 2, r);
  if (r !== 0) tree.note(ri, 'warning', 'icmpv6.reserved', 'VHAR reserved field is not zero (vhar-02 6.2-6.7)');
}

/**
 * Whole records back to back from `o` (binding records when `sa` is false, else SA
 * records); the bytes left that do not make a whole record are shown raw. Returns
 * the number decoded.
 */
function records(ctx: DissectContext, buf: number, o: number, end: number, root: number, sa: boolean): number {
  const tree = ctx.tree;
  const size = sa ? SA_RECORD_LENGTH : BINDING_RECORD_LENGTH;
  let n = 0;
  for (; o + size <= end; o += size, n++) {
    const item = tree.add(root, sa ? v.sa : v.binding, buf, o, size);
    if (sa) saRecord(ctx, buf, o, item);
    else bindingRecord(ctx, buf, o, item);
  }
  if (o < end) {
    const l = tree.add(root, v.leftover, buf, o, end - o);
    tree.note(l, 'warning', 'icmpv6.vhar.record', `${end - o} bytes after the last whole ${sa ? 'SA' : 'binding'} record (${size} bytes each); shown raw`);
  }
  return n;
}

function bindingRecord(ctx: DissectContext, buf: number, o: number, item: number): void {
  const tree = ctx.tree;
  const b = tree.buffers[buf]!;
  tree.add(item, v['binding.hoa'], buf, o, 16);
  tree.add(item, v['binding.coa'], buf, o + 16, 16);
  tree.add(item, v['binding.lifetime'], buf, o + 32, 2, u16(b, o + 32));
  tree.add(item, v['binding.flag'], buf, o + 34, 1, b[o + 34]! >> 7);
  tree.add(item, v['binding.flag_reserved'], buf, o + 34, 1, b[o + 34]! & 0x7f);
  tree.add(item, v['binding.seq'], buf, o + 35, 2, u16(b, o + 35));
  tree.add(item, v['binding.usage'], buf, o + 37, 2, u16(b, o + 37));
}

function saRecord(ctx: DissectContext, buf: number, o: number, item: number): void {
  const tree = ctx.tree;
  const b = tree.buffers[buf]!;
  const first = b[o]!;
  const second = b[o + 1]!;
  tree.add(item, v['sa.outgoing'], buf, o, 1, first >> 7);
  tree.add(item, v['sa.protocol'], buf, o, 1, (first >> 3) & 0x0f);
  tree.add(item, v['sa.interface'], buf, o, 1, first & 0x07);
  tree.add(item, v['sa.esp'], buf, o + 1, 1, second >> 7);
  tree.add(item, v['sa.tunnel'], buf, o + 1, 1, (second >> 6) & 1);
  tree.add(item, v['sa.reserved'], buf, o + 1, 1, second & 0x3f);
  tree.add(item, v['sa.spi'], buf, o + 2, 4, u32(b, o + 2));
  tree.add(item, v['sa.src'], buf, o + 6, 16);
  tree.add(item, v['sa.dst'], buf, o + 22, 16);
  tree.add(item, v['sa.seq'], buf, o + 38, 8);
  tree.add(item, v['sa.window'], buf, o + 46, 8);
}

/** Smallest size of each message (vhar-02 6.2-6.8 figures). */
const MIN_LENGTH: Record<number, number> = { 161: 24, 162: 8, 163: 8, 164: 8, 165: 8, 166: 8, 167: 24 };

function dissectVhar(ctx: DissectContext, type: number, buf: number, off: number, end: number, root: number): void {
  const tree = ctx.tree;
  const b = tree.buffers[buf]!;
  const len = end - off;
  tree.addGenerated(root, v.message, type, buf, off, 1);
  tree.info = vharInfo;
  if (b[off + 1] !== 0) tree.note(root, 'warning', 'icmpv6.code', `Code ${b[off + 1]}, must be 0 (vhar-02 6)`);
  // vhar-02 6.2-6.8: source and destination MUST be link-local unicast.
  if (!bothLinkLocal(ctx)) tree.note(root, 'warning', 'icmpv6.vhar.scope', `${VHAR_TYPES[type]} between addresses that are not both link-local (vhar-02 6)`);
  const need = MIN_LENGTH[type]!;
  if (len < need) {
    tree.note(root, 'error', 'icmpv6.short', `${VHAR_TYPES[type]} truncated: ${len} bytes, needs ${need}`);
    if (len > 4) tree.add(root, icmpv6Fields.data, buf, off + 4, len - 4);
    return;
  }
  switch (type) {
    case 161: // 6.2 MN Release Request: Identifier, Reserved, Home Address.
      identifierAndReserved(ctx, buf, off, root, true);
      tree.add(root, v.home_address, buf, off + 8, 16);
      if (len > 24) tree.add(root, icmpv6Fields.data, buf, off + 24, len - 24);
      return;
    case 163: // 6.4 MN Context Update Request: binding records.
      identifierAndReserved(ctx, buf, off, root, true);
      if (records(ctx, buf, off + 8, end, root, false) === 0) {
        tree.note(root, 'warning', 'icmpv6.vhar.empty', 'MN Context Update Request carries no binding record (vhar-02 6.4)');
      }
      return;
    case 165: { // 6.6 SP Synch: Number of SAs, SA records.
      identifierAndReserved(ctx, buf, off, root, false);
      const declared = u16(b, off + 6);
      const ni = tree.add(root, v.num_sas, buf, off + 6, 2, declared);
      const n = records(ctx, buf, off + 8, end, root, true);
      if (n !== declared) tree.note(ni, 'warning', 'icmpv6.vhar.count', `Number of SAs is ${declared} but ${n} whole SA record${n === 1 ? '' : 's'} follow`);
      return;
    }
    case 167: // 6.8 SeqNo Synch: SPI, Sequence Number 64, Anti-replay Window 64.
      tree.add(root, v.spi, buf, off + 4, 4, u32(b, off + 4));
      tree.add(root, v.sequence, buf, off + 8, 8);
      tree.add(root, v.window, buf, off + 16, 8);
      if (len > 24) tree.add(root, icmpv6Fields.data, buf, off + 24, len - 24);
      return;
    default: // 6.3, 6.5, 6.7: the replies carry Identifier and Reserved only.
      identifierAndReserved(ctx, buf, off, root, true);
      if (len > 8) tree.add(root, icmpv6Fields.data, buf, off + 8, len - 8);
  }
}

function registerVhar(type: number): void {
  registerIcmpv6Type(type, (ctx, buf, off, end, root) => {
    if (type === 161) {
      // SPEC-NOTES 5: the draft's 161 only when both the size and the scope fit; RFC 8335 otherwise.
      if (ctx.profile.vhar && end - off === 24 && (ctx.profile.vharAnyScope || bothLinkLocal(ctx))) dissectVhar(ctx, 161, buf, off, end, root);
      else extendedEchoReply(ctx, buf, off, end, root);
      return;
    }
    if (ctx.profile.vhar) dissectVhar(ctx, type, buf, off, end, root);
    else if (end - off > 4) ctx.tree.add(root, icmpv6Fields.data, buf, off + 4, end - off - 4);
  });
}
for (let t = 161; t <= 167; t++) registerVhar(t);
