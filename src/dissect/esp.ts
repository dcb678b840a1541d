/**
 * Encapsulating Security Payload (RFC 4303), over IPv6, IPv4 and UDP port 4500
 * (RFC 3948). MIPv6 signalling between a mobile node and its home agent is
 * protected by transport-mode ESP (RFC 3776 4.1, RFC 4877 4.1), so the messages
 * this tool exists for are usually inside it.
 *
 * Order of attempts: an SA from the table (keys known: verify, decrypt, dissect
 * the clear text); else, when allowed, the NULL-encryption heuristic
 * (RFC 2410, RFC 5879; SPEC-NOTES 6); else the payload is shown as encrypted
 * data and the SPI/address pair is remembered for a closing summary.
 */
import { guessEspNullAt, openEsp, type EspNullGuess } from '../esp/open.js';
import type { EncAlgorithm, AuthAlgorithm, SecurityAssociation } from '../esp/sa.js';
import { ENC_INFO, AUTH_INFO } from '../esp/sa.js';
import { u16, u32 } from './bytes.js';
import { ipv6UpperChecksum } from './checksum.js';
import type { DissectContext } from './context.js';
import { registerIpProtocol } from './context.js';
import { defineFields, FT } from './fields.js';
import { ipv4ToString, ipv6ToString } from './format.js';
import { IP_PROTOCOLS, upperLayer } from './ipv6.js';
import type { Tree } from './tree.js';

export const ICV_STATUS: Record<number, string> = { 0: 'bad', 1: 'good', 2: 'unchecked' };

const ENC_NAMES = Object.keys(ENC_INFO) as EncAlgorithm[];
const AUTH_NAMES = Object.keys(AUTH_INFO) as AuthAlgorithm[];
const ENC_VALS: Record<number, string> = {};
const AUTH_VALS: Record<number, string> = {};
ENC_NAMES.forEach((k, i) => { ENC_VALS[i] = ENC_INFO[k].label; });
AUTH_NAMES.forEach((k, i) => { AUTH_VALS[i] = AUTH_INFO[k].label; });

export const espFields = defineFields('esp', {
  _root: { abbrev: 'esp', name: 'Encapsulating Security Payload', type: FT.Protocol },
  spi: { name: 'ESP SPI', type: FT.UInt, hex: 8 },
  sequence: { name: 'ESP Sequence', type: FT.UInt },
  iv: { name: 'ESP IV', type: FT.Bytes },
  encrypted_data: { name: 'Encrypted Data', type: FT.Bytes, blurb: 'payload that could not be opened (no SA, wrong key, or not NULL)' },
  pad: { name: 'Pad', type: FT.Bytes },
  pad_len: { name: 'ESP Pad Length', type: FT.UInt },
  protocol: { name: 'Next header', type: FT.UInt, vals: IP_PROTOCOLS },
  icv: { name: 'Integrity Check Value', type: FT.Bytes },
  'icv.status': { abbrev: 'esp.icv.status', name: 'ICV Status', type: FT.Choice, vals: ICV_STATUS, blurb: 'unchecked: no integrity key (or NULL heuristic)' },
  decrypted: { name: 'Payload available', type: FT.Bool, blurb: 'the payload was decrypted, or is NULL-encrypted' },
  sa: { name: 'Security Association', type: FT.Protocol, blurb: 'the SA table entry that opened the packet' },
  'sa.line': { abbrev: 'esp.sa.line', name: 'Defined at line', type: FT.UInt },
  'sa.enc': { abbrev: 'esp.sa.enc', name: 'Encryption', type: FT.Choice, vals: ENC_VALS },
  'sa.auth': { abbrev: 'esp.sa.auth', name: 'Authentication', type: FT.Choice, vals: AUTH_VALS },
  null_heuristic: { name: 'NULL encryption (heuristic)', type: FT.Bool, blurb: 'opened without an SA: layout guessed (RFC 5879)' },
});

// ---------------------------------------------------------------- unopened SAs

interface UnopenedEntry {
  spi: number;
  src: Uint8Array;
  dst: Uint8Array;
  packets: number;
}

/** A closing-summary row: one SPI and address pair whose packets stayed closed. */
export interface UnopenedSa {
  spi: number;
  src: string;
  dst: string;
  packets: number;
}

/**
 * SPI and address pairs remembered for the summary, at most: a live capture runs
 * for hours, and a flood of made-up SPIs must not grow memory. Packets of pairs
 * past the cap are counted together.
 */
export const MAX_UNOPENED_SAS = 4096;

interface UnopenedTable { bySpi: Map<number, UnopenedEntry[]>; entries: number; overflowPackets: number }

const unopened = new WeakMap<DissectContext, UnopenedTable>();

function sameBytes(a: Uint8Array, b: Uint8Array, bo: number, len: number): boolean {
  if (a.length !== len) return false;
  for (let i = 0; i < len; i++) if (a[i] !== b[bo + i]) return false;
  return true;
}

function addrLength(ctx: DissectContext): number {
  return ctx.ipVersion === 4 ? 4 : 16;
}

/** Count one packet against its SPI and outer addresses; allocates only for a pair not seen before. */
function recordUnopened(ctx: DissectContext, spi: number): void {
  let table = unopened.get(ctx);
  if (!table) { table = { bySpi: new Map(), entries: 0, overflowPackets: 0 }; unopened.set(ctx, table); }
  const list = table.bySpi.get(spi);
  const tree = ctx.tree;
  const n = addrLength(ctx);
  const sb = tree.buffers[ctx.ipSrcBuf]!;
  const db = tree.buffers[ctx.ipDstBuf]!;
  const sn = ctx.ipSrcOff >= 0 && ctx.ipSrcOff + n <= sb.length ? n : 0;
  const dn = ctx.ipDstOff >= 0 && ctx.ipDstOff + n <= db.length ? n : 0;
  if (list) {
    for (let i = 0; i < list.length; i++) {
      const e = list[i]!;
      if (sameBytes(e.src, sb, ctx.ipSrcOff, sn) && sameBytes(e.dst, db, ctx.ipDstOff, dn)) { e.packets++; return; }
    }
  }
  if (table.entries >= MAX_UNOPENED_SAS) { table.overflowPackets++; return; }
  table.entries++;
  let into = list;
  if (!into) { into = []; table.bySpi.set(spi, into); }
  into.push({
    spi,
    src: sb.slice(ctx.ipSrcOff, ctx.ipSrcOff + sn),
    dst: db.slice(ctx.ipDstOff, ctx.ipDstOff + dn),
    packets: 1,
  });
}

function addressText(a: Uint8Array): string {
  if (a.length === 16) return ipv6ToString(a, 0);
  if (a.length === 4) return ipv4ToString(a, 0);
  return 'unknown';
}

/** Every SPI/address pair whose ESP could not be opened in this context, for a closing summary. */
export function unopenedSas(ctx: DissectContext): UnopenedSa[] {
  const out: UnopenedSa[] = [];
  const table = unopened.get(ctx);
  if (!table) return out;
  for (const list of table.bySpi.values()) {
    for (const e of list) out.push({ spi: e.spi, src: addressText(e.src), dst: addressText(e.dst), packets: e.packets });
  }
  return out;
}

/** Packets of unopened SAs beyond the first MAX_UNOPENED_SAS pairs (not listed by unopenedSas). */
export function unopenedOverflowPackets(ctx: DissectContext): number {
  return unopened.get(ctx)?.overflowPackets ?? 0;
}

// ---------------------------------------------------------------- NULL heuristic

/** Context of the packet being guessed; set just before guessEspNull so the check needs no closure per packet. */
let guessCtx: DissectContext | null = null;
const guessOut: EspNullGuess = { icvLength: 0, padLength: 0, nextHeader: 0 };

/** ICMPv6 types the heuristic accepts as "known" besides registered ones (RFC 4443, RFC 4861, RFC 6275 6.5-6.8). */
function icmpv6TypeKnown(ctx: DissectContext, t: number): boolean {
  return (t >= 1 && t <= 4) || (t >= 128 && t <= 137) || (t >= 143 && t <= 147) || ctx.icmpv6[t] !== undefined;
}

/**
 * Whether the payload at b[off..end) really parses as Next Header `nh` (RFC 5879 5:
 * the only thing that tells a right ICV length from a wrong one when nothing is keyed).
 * Reads only inside [off, end) and never throws.
 */
function payloadParses(nh: number, b: Uint8Array, off: number, end: number): boolean {
  const ctx = guessCtx;
  if (!ctx) return false;
  const len = end - off;
  switch (nh) {
    case 135: // RFC 6275 6.1.1: Payload Proto 59, the Header Len covers exactly the payload
      return len >= 8 && b[off] === 59 && (b[off + 1]! + 1) * 8 === len;
    case 58: {
      if (len < 4 || !icmpv6TypeKnown(ctx, b[off]!) || ctx.ipVersion !== 6) return false;
      if (ctx.pseudoSrcOff < 0 || ctx.pseudoDstOff < 0) return false;
      const tree = ctx.tree;
      const want = ipv6UpperChecksum(tree.buffers[ctx.pseudoSrcBuf]!, ctx.pseudoSrcOff, tree.buffers[ctx.pseudoDstBuf]!, ctx.pseudoDstOff, 58, b, off, len, off + 2);
      return want === u16(b, off + 2);
    }
    case 41: // tunnel mode IPv6 (RFC 2473)
      return len >= 40 && b[off]! >> 4 === 6 && 40 + u16(b, off + 4) <= len;
    case 4: { // tunnel mode IPv4
      const ihl = len >= 20 ? (b[off]! & 15) * 4 : 0;
      return ihl >= 20 && b[off]! >> 4 === 4 && u16(b, off + 2) >= ihl && u16(b, off + 2) <= len;
    }
    case 17:
      return len >= 8 && u16(b, off + 4) === len;
    case 59: // RFC 4303 2.6: a dummy packet has no payload
      return len === 0;
    default:
      return false;
  }
}

// ---------------------------------------------------------------- dissection

function saOf(ctx: DissectContext, spi: number): SecurityAssociation | null {
  const table = ctx.saTable;
  if (!table || table.size === 0) return null;
  const tree = ctx.tree;
  const n = addrLength(ctx);
  const src = addressView(tree, ctx.ipSrcBuf, ctx.ipSrcOff, n);
  const dst = addressView(tree, ctx.ipDstBuf, ctx.ipDstOff, n);
  let altSrc: Uint8Array | null = null;
  let altDst: Uint8Array | null = null;
  if (ctx.ipVersion === 6 && ctx.homeAddrOff >= 0) {
    // RFC 3776 4.1: the SA names the home address, the wire carries the care-of
    // address. A Home Address option puts the home address at the source end;
    // a type 2 routing header at the destination end.
    const home = addressView(tree, ctx.homeAddrBuf, ctx.homeAddrOff, n);
    const atSource = ctx.pseudoSrcBuf === ctx.homeAddrBuf && ctx.pseudoSrcOff === ctx.homeAddrOff;
    if (atSource) { altSrc = home; altDst = dst; } else { altSrc = src; altDst = home; }
  }
  return table.lookup(spi, src, dst, altSrc, altDst);
}

const EMPTY = new Uint8Array(0);

/** The n address bytes at o as a view; empty (address unknown) when absent. */
function addressView(tree: Tree, bufIdx: number, o: number, n: number): Uint8Array {
  const b = tree.buffers[bufIdx]!;
  return o >= 0 && o + n <= b.length ? b.subarray(o, o + n) : EMPTY;
}

function espInfo(tree: Tree, item: number): string {
  const spi = tree.firstWithin(espFields.spi, item);
  const seq = tree.firstWithin(espFields.sequence, item);
  const spiText = spi >= 0 ? '0x' + tree.value[spi]!.toString(16).padStart(8, '0') : '?';
  return `ESP (SPI=${spiText}, seq=${seq >= 0 ? tree.value[seq] : '?'})`;
}

/** Dissect ESP at buffers[buf][off..end): the packet from the SPI to the end of the ICV. */
export function dissectEsp(ctx: DissectContext, buf: number, off: number, end: number, parent: number): void {
  const tree = ctx.tree;
  const b = tree.buffers[buf]!;
  const len = end - off;
  const root = tree.add(parent, espFields._root, buf, off, len);
  tree.protocol = 'ESP';
  tree.info = espInfo;
  tree.infoItem = root;
  if (len < 8) {
    // Show the SPI when it is all there: it still names the SA.
    if (len >= 4) tree.add(root, espFields.spi, buf, off, 4, u32(b, off));
    tree.note(root, 'error', 'esp.short', `ESP truncated: ${len} bytes, SPI and Sequence Number need 8 (RFC 4303 2)`);
    return;
  }
  const spi = u32(b, off);
  tree.add(root, espFields.spi, buf, off, 4, spi);
  tree.add(root, espFields.sequence, buf, off + 4, 4, u32(b, off + 4));
  // RFC 4303 2.1: SPI values 1-255 are reserved by IANA, 0 is local use only and never sent.
  if (spi < 256) tree.note(root, 'warning', 'esp.spi', `SPI ${spi} is in the reserved range 0-255 (RFC 4303 2.1)`);

  const sa = saOf(ctx, spi);
  if (sa && openWithSa(ctx, sa, buf, off, end, root, parent)) return;
  if (!sa && ctx.options.espNull && guessNull(ctx, buf, off, end, root, parent)) return;

  if (len > 8) tree.add(root, espFields.encrypted_data, buf, off + 8, len - 8);
  tree.addGenerated(root, espFields.decrypted, 0);
  recordUnopened(ctx, spi);
}

/** Open with a keyed SA; returns false when the payload stays closed (the caller shows it as encrypted data). */
function openWithSa(ctx: DissectContext, sa: SecurityAssociation, buf: number, off: number, end: number, root: number, parent: number): boolean {
  const tree = ctx.tree;
  const b = tree.buffers[buf]!;
  const r = openEsp(sa, b.subarray(off, end));
  const s = tree.addGenerated(root, espFields.sa, 0);
  tree.addGenerated(s, espFields['sa.line'], sa.origin.line);
  tree.addGenerated(s, espFields['sa.enc'], ENC_NAMES.indexOf(sa.enc));
  tree.addGenerated(s, espFields['sa.auth'], AUTH_NAMES.indexOf(sa.auth));
  if (r.ivLength > 0 && off + 8 + r.ivLength <= end) tree.add(root, espFields.iv, buf, off + 8, r.ivLength);
  const icvOk = r.icvStatus === 'good';
  // Without a good ICV, padding that is not 1, 2, 3... means the key is wrong:
  // the "clear text" would be noise, so it is not dissected.
  const usable = r.decrypted && r.plaintext !== null && (r.padOk || icvOk);
  if (!usable) {
    if (r.icvLength > 0 && end - off >= 8 + r.icvLength) {
      const icv = tree.add(root, espFields.icv, buf, end - r.icvLength, r.icvLength);
      tree.addGenerated(icv, espFields['icv.status'], r.icvStatus === 'bad' ? 0 : 2);
    }
    tree.note(root, 'error', 'esp.open', `SA ${sa.origin.file}:${sa.origin.line} did not open the packet: ${r.problem ?? 'unknown reason'}`);
    return false;
  }
  const plain = r.plaintext!;
  let inner: number;
  let innerOff: number;
  if (sa.enc === 'null') {
    // NULL encryption: the clear text is the frame's own bytes, so dissect in place.
    inner = buf;
    innerOff = off + 8;
  } else {
    // The clear text runs on through padding, Pad Length and Next Header; show all of it.
    const whole = plain.byteOffset + plain.length + r.padLength + 2 <= plain.buffer.byteLength
      ? new Uint8Array(plain.buffer, plain.byteOffset, plain.length + r.padLength + 2)
      : plain;
    inner = tree.addBuffer(whole, 'Decrypted ESP');
    innerOff = 0;
  }
  const payloadEnd = innerOff + plain.length;
  const trailerOk = tree.buffers[inner]!.length >= payloadEnd + r.padLength + 2;
  if (trailerOk) {
    if (r.padLength > 0) tree.add(root, espFields.pad, inner, payloadEnd, r.padLength);
    tree.add(root, espFields.pad_len, inner, payloadEnd + r.padLength, 1, r.padLength);
    tree.add(root, espFields.protocol, inner, payloadEnd + r.padLength + 1, 1, r.nextHeader);
  } else {
    tree.addGenerated(root, espFields.pad_len, r.padLength);
    tree.addGenerated(root, espFields.protocol, r.nextHeader);
  }
  if (r.icvLength > 0) {
    const icv = tree.add(root, espFields.icv, buf, end - r.icvLength, r.icvLength);
    tree.addGenerated(icv, espFields['icv.status'], icvOk ? 1 : r.icvStatus === 'bad' ? 0 : 2);
  }
  tree.addGenerated(root, espFields.decrypted, 1);
  if (r.problem) tree.note(root, 'warning', 'esp.trailer', r.problem);
  ctx.inEsp = true;
  upperLayer(ctx, r.nextHeader, inner, innerOff, payloadEnd, parent);
  return true;
}

/** NULL-encryption heuristic (SPEC-NOTES 6); returns false when no ICV length fits. */
function guessNull(ctx: DissectContext, buf: number, off: number, end: number, root: number, parent: number): boolean {
  const tree = ctx.tree;
  const b = tree.buffers[buf]!;
  guessCtx = ctx;
  const g = guessEspNullAt(b, off, end, ctx.espIcvCandidates, payloadParses, guessOut);
  guessCtx = null;
  if (!g) return false;
  const trailer = end - g.icvLength - 2;
  const payloadEnd = trailer - g.padLength;
  if (g.padLength > 0) tree.add(root, espFields.pad, buf, payloadEnd, g.padLength);
  tree.add(root, espFields.pad_len, buf, trailer, 1, g.padLength);
  tree.add(root, espFields.protocol, buf, trailer + 1, 1, g.nextHeader);
  if (g.icvLength > 0) {
    const icv = tree.add(root, espFields.icv, buf, end - g.icvLength, g.icvLength);
    // No key: the ICV cannot be verified.
    tree.addGenerated(icv, espFields['icv.status'], 2);
  }
  tree.addGenerated(root, espFields.decrypted, 1);
  tree.addGenerated(root, espFields.null_heuristic, 1);
  ctx.inEsp = true;
  upperLayer(ctx, g.nextHeader, buf, off + 8, payloadEnd, parent);
  return true;
}

registerIpProtocol(50, dissectEsp);
