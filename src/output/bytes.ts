/**
 * Writing text straight into an output byte buffer: decimal and hex digits,
 * addresses, times and strings, each giving exactly the bytes the string
 * formatters (String(), toFixed(), ipv6ToString, ...) would, UTF-8 encoded.
 *
 * Every writer takes the buffer and a position, writes, and returns the new
 * position. None checks room: the caller reserves enough first (the bound is
 * given with each writer).
 */

/** Buffer's own (undocumented, long-standing) UTF-8 writer; `write` checks its arguments first. */
type Utf8Writer = (this: Buffer, s: string, offset: number) => number;
const nativeUtf8Write = (Buffer.prototype as unknown as { utf8Write?: Utf8Writer }).utf8Write;
const utf8Write: Utf8Writer = typeof nativeUtf8Write === 'function'
  ? nativeUtf8Write
  : function (this: Buffer, s: string, offset: number): number { return this.write(s, offset, 'utf8'); };

/** Bytes a string may take in UTF-8 (3 per UTF-16 unit at most). */
export function utf8Bound(s: string): number {
  return s.length * 3;
}

/** UTF-8 of `s` (lone surrogates as U+FFFD, like Buffer.from). Room: utf8Bound(s). */
export function writeUtf8(out: Buffer, p: number, s: string): number {
  return p + utf8Write.call(out, s, p);
}

/** A string known to be ASCII, byte by byte (short strings: no call into C++). Room: s.length. */
export function writeAscii(out: Uint8Array, p: number, s: string): number {
  const n = s.length;
  for (let i = 0; i < n; i++) out[p + i] = s.charCodeAt(i);
  return p + n;
}

/** Copy b[o..o+n) (a short run: a loop beats set() on a subarray). Room: n. */
export function writeBytes(out: Uint8Array, p: number, b: Uint8Array, o: number, n: number): number {
  for (let i = 0; i < n; i++) out[p + i] = b[o + i]!;
  return p + n;
}

/** "00".."99" as ASCII pairs: numbers are written two digits per division. */
const DIGIT_PAIRS = new Uint8Array(200);
for (let i = 0; i < 100; i++) { DIGIT_PAIRS[2 * i] = 48 + Math.floor(i / 10); DIGIT_PAIRS[2 * i + 1] = 48 + (i % 10); }

/** Decimal digits of a non-negative safe integer. */
export function decimalDigits(v: number): number {
  if (v < 0x80000000) {
    return v < 10 ? 1 : v < 100 ? 2 : v < 1000 ? 3 : v < 10000 ? 4 : v < 100000 ? 5
      : v < 1000000 ? 6 : v < 10000000 ? 7 : v < 100000000 ? 8 : v < 1000000000 ? 9 : 10;
  }
  let d = 1;
  while (v >= 10) { v = Math.floor(v / 10); d++; }
  return d;
}

/** Digits of a non-negative safe integer, `digits` of them (decimalDigits(v), or more for leading zeros). */
function writeDigits(out: Uint8Array, p: number, v: number, digits: number): number {
  let q = p + digits;
  const end = q;
  if (v < 0x80000000) {
    let x = v | 0;
    while (x >= 100) {
      const y = (x / 100) | 0;
      const r = (x - y * 100) << 1;
      out[--q] = DIGIT_PAIRS[r + 1]!;
      out[--q] = DIGIT_PAIRS[r]!;
      x = y;
    }
    if (x >= 10) {
      out[--q] = DIGIT_PAIRS[2 * x + 1]!;
      out[--q] = DIGIT_PAIRS[2 * x]!;
    } else out[--q] = 48 + x;
    while (q > p) out[--q] = 48;
  } else {
    let x = v;
    while (q > p) { const y = Math.floor(x / 10); out[--q] = 48 + (x - y * 10); x = y; }
  }
  return end;
}

/** Room for any number's text (String(v) is at most 25 characters). */
export const NUMBER_BOUND = 25;

/** String(v) for a number, as ASCII. Room: NUMBER_BOUND. */
export function writeNumber(out: Uint8Array, p: number, v: number): number {
  if (Number.isSafeInteger(v)) {
    if (v < 0) { out[p++] = 45; v = -v; }
    return writeDigits(out, p, v, decimalDigits(v));
  }
  return writeAscii(out, p, String(v));
}

/** JSON.stringify(v) for a number: String(v), null when not finite. Room: NUMBER_BOUND. */
export function writeJsonNumber(out: Uint8Array, p: number, v: number): number {
  if (v >= 0 && v < 100 && (v | 0) === v) {
    if (v < 10) { out[p] = 48 + v; return p + 1; }
    out[p] = DIGIT_PAIRS[2 * v]!;
    out[p + 1] = DIGIT_PAIRS[2 * v + 1]!;
    return p + 2;
  }
  if (Number.isSafeInteger(v)) {
    if (v < 0) { out[p++] = 45; v = -v; }
    return writeDigits(out, p, v, decimalDigits(v));
  }
  return writeAscii(out, p, Number.isFinite(v) ? String(v) : 'null');
}

/** String(v).padStart(width) for a number. Room: max(width, NUMBER_BOUND). */
export function writeNumberPadded(out: Uint8Array, p: number, v: number, width: number): number {
  if (Number.isSafeInteger(v) && v >= 0) {
    const d = decimalDigits(v);
    for (let i = d; i < width; i++) out[p++] = 32;
    return writeDigits(out, p, v, d);
  }
  const s = String(v);
  for (let i = s.length; i < width; i++) out[p++] = 32;
  return writeAscii(out, p, s);
}

/**
 * x.toFixed(6).padStart(width). Room: max(width, 30).
 *
 * toFixed picks the integer n nearest to x·10⁶ (the larger on a tie), on the
 * exact value of x. p = x·10⁶ in floating point is within half an ulp of it,
 * so Math.round(p) is that n unless p lies within half an ulp of a half;
 * those (and negatives, "-0.000000" included, and huge values) go to toFixed.
 */
export function writeFixed6(out: Uint8Array, p: number, x: number, width: number): number {
  if (x >= 0 && x < 9e9) {
    const m = x * 1e6;
    const f = m - Math.floor(m);
    // Half an ulp of m is at most m·2⁻⁵³ ≈ m·1.1e-16; the margin is four times that.
    if (Math.abs(f - 0.5) > m * 4.5e-16) {
      const n = Math.round(m);
      const ip = Math.floor(n / 1e6);
      const fp = n - ip * 1e6;
      const d = decimalDigits(ip);
      for (let i = d + 7; i < width; i++) out[p++] = 32;
      p = writeDigits(out, p, ip, d);
      out[p++] = 46;
      return writeDigits(out, p, fp, 6);
    }
  }
  const s = x.toFixed(6);
  for (let i = s.length; i < width; i++) out[p++] = 32;
  return writeAscii(out, p, s);
}

const HEX_DIGITS = new Uint8Array([48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 97, 98, 99, 100, 101, 102]);

/** toHex(b, o, len): lower-case hex of the bytes that exist. Room: 2·len. */
export function writeHex(out: Uint8Array, p: number, b: Uint8Array, o: number, len: number): number {
  const end = Math.min(b.length, o + len);
  for (let i = o; i < end; i++) {
    const v = b[i]!;
    out[p++] = HEX_DIGITS[v >> 4]!;
    out[p++] = HEX_DIGITS[v & 15]!;
  }
  return p;
}

/** macToString(b, o) (missing bytes as 00). Room: 17. */
export function writeMac(out: Uint8Array, p: number, b: Uint8Array, o: number): number {
  for (let i = 0; i < 6; i++) {
    if (i) out[p++] = 58;
    const v = b[o + i] ?? 0;
    out[p++] = HEX_DIGITS[v >> 4]!;
    out[p++] = HEX_DIGITS[v & 15]!;
  }
  return p;
}

const TRUNCATED = '<truncated>';

function writeDotted(out: Uint8Array, p: number, b: Uint8Array, o: number): number {
  for (let i = 0; i < 4; i++) {
    if (i) out[p++] = 46;
    const v = b[o + i]!;
    p = writeDigits(out, p, v, v >= 100 ? 3 : v >= 10 ? 2 : 1);
  }
  return p;
}

/** ipv4ToString(b, o). Room: 15. */
export function writeIpv4(out: Uint8Array, p: number, b: Uint8Array, o: number): number {
  if (o + 4 > b.length) return writeAscii(out, p, TRUNCATED);
  return writeDotted(out, p, b, o);
}

/** Room for any IPv6 address text (39 characters, or "<truncated>"), and 3 for the last word written. */
export const IPV6_BOUND = 42;

/**
 * w.toString(16) for every 16-bit w, as up to 4 ASCII bytes in a little-endian
 * word (written whole; the length follows from w). Built on first use.
 */
let hexWords: Int32Array | null = null;

function buildHexWords(): Int32Array {
  const t = new Int32Array(1 << 16);
  for (let w = 0; w < 1 << 16; w++) {
    const s = w.toString(16);
    let x = 0;
    for (let i = s.length - 1; i >= 0; i--) x = (x << 8) | s.charCodeAt(i);
    t[w] = x;
  }
  return t;
}

/** The 8 groups of the address being written. */
const groups = new Int32Array(8);

/**
 * For each set of zero groups (bit g: group g is 0), where the longest run of
 * two or more starts (-1: none) and its length; the first run wins a tie
 * (RFC 5952 4.2.3). A table, so that finding it takes no branches.
 */
const RUN_START = new Int8Array(256);
const RUN_LENGTH = new Int8Array(256);
for (let mask = 0; mask < 256; mask++) {
  let bestStart = -1;
  let bestLen = 0;
  for (let g = 0; g < 8; g++) {
    let n = 0;
    while (g + n < 8 && (mask >> (g + n)) & 1) n++;
    if (n > bestLen) { bestLen = n; bestStart = g; }
  }
  RUN_START[mask] = bestLen >= 2 ? bestStart : -1;
  RUN_LENGTH[mask] = bestLen >= 2 ? bestLen : 0;
}

/** One group in hex without leading zeros (a whole word written, its length kept). */
function writeGroup(view: DataView, hex: Int32Array, p: number, w: number): number {
  view.setInt32(p, hex[w]!, true);
  return p + ((35 - Math.clz32(w | 1)) >> 2);
}

/**
 * ipv6ToString(b, o): RFC 5952 text, written at out[p] (`view` a DataView of
 * out; up to 3 bytes past the end are scribbled on). Room: IPV6_BOUND.
 */
export function writeIpv6(out: Uint8Array, view: DataView, p: number, b: Uint8Array, o: number): number {
  if (o + 16 > b.length) return writeAscii(out, p, TRUNCATED);
  const hex = hexWords ?? (hexWords = buildHexWords());
  let zeros = 0;
  for (let g = 0; g < 8; g++) {
    const w = (b[o + 2 * g]! << 8) | b[o + 2 * g + 1]!;
    groups[g] = w;
    zeros |= (w === 0 ? 1 : 0) << g;
  }
  const start = RUN_START[zeros]!;
  if (start < 0) {
    for (let g = 0; g < 7; g++) {
      p = writeGroup(view, hex, p, groups[g]!);
      out[p++] = 58;
    }
    return writeGroup(view, hex, p, groups[7]!);
  }
  const len = RUN_LENGTH[zeros]!;
  // IPv4-mapped ::ffff:a.b.c.d (RFC 5952 5).
  if (start === 0 && len === 5 && groups[5] === 0xffff) {
    p = writeAscii(out, p, '::ffff:');
    return writeDotted(out, p, b, o + 12);
  }
  for (let g = 0; g < start; g++) {
    p = writeGroup(view, hex, p, groups[g]!);
    out[p++] = 58;
  }
  out[p++] = 58;
  if (start === 0) out[p++] = 58;
  for (let g = start + len; g < 8; g++) {
    p = writeGroup(view, hex, p, groups[g]!);
    if (g < 7) out[p++] = 58;
  }
  return p;
}

/**
 * JSON.stringify(s), UTF-8 encoded. Strings of printable ASCII without quote
 * or backslash (addresses, names, most Info text) are copied as they are.
 * Room: jsonStringBound(s).
 */
export function writeJsonString(out: Buffer, p: number, s: string): number {
  const n = s.length;
  out[p] = 34;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 34 || c === 92) return writeUtf8(out, p, JSON.stringify(s));
    out[p + 1 + i] = c;
  }
  out[p + 1 + n] = 34;
  return p + n + 2;
}

/** Room for JSON.stringify(s) in UTF-8 (\u00XX escapes: 6 bytes per unit). */
export function jsonStringBound(s: string): number {
  return s.length * 6 + 2;
}

/** ulp(x) for the integers around the last seconds value asked (they change once a second). */
let ulpSec = -1;
let ulpLow = 0;
let ulpHigh = 0;

/** ulp of the doubles in [2^e, 2^(e+1)), by e = 0..31. */
const ULP = Float64Array.from({ length: 32 }, (_, e) => 2 ** (e - 52));

function ulpOfUint32(x: number): number {
  return ULP[31 - Math.clz32(x)]!;
}

/**
 * String(sec + nsec / 1e9), the way frame times print in JSON, for seconds
 * 1 ..< 2³² and nanoseconds 0 ..< 10⁹. Room: NUMBER_BOUND.
 *
 * When the double t is the nearest to the decimal sec.nnnnnnnnn (trailing zeros
 * dropped, k decimals), and its ulp is well below 10⁻ᵏ, no decimal of k digits
 * or fewer other than that one rounds to t: it is the shortest, so String(t)
 * prints it. Both are checked with a margin (the sum's error is far below it);
 * anything else (nanosecond times, mostly) goes to String(t).
 */
export function writeEpochTime(out: Uint8Array, p: number, sec: number, nsec: number, t: number): number {
  if (sec >= 1 && sec < 0xffffffff && nsec >= 0 && nsec < 1e9 && Number.isInteger(sec) && Number.isInteger(nsec)) {
    if (sec !== ulpSec) {
      ulpLow = ulpOfUint32(sec) * 1e9; // in nanoseconds
      ulpHigh = ulpOfUint32(sec + 1) * 1e9;
      ulpSec = sec;
    }
    let k = 9;
    let n = nsec;
    if (n === 0) k = 0;
    else while (n % 10 === 0) { n /= 10; k--; }
    // t - sec is exact (Sterbenz); its distance to nsec, in ns, is known within 1e-6.
    const e = Math.abs(nsec - (t - sec) * 1e9);
    if (e + 1e-6 < ulpLow / 2 && ulpHigh * 1.5 < 10 ** (9 - k)) {
      p = writeDigits(out, p, sec, decimalDigits(sec));
      if (k === 0) return p;
      out[p++] = 46;
      return writeDigits(out, p, n, k);
    }
  }
  return writeAscii(out, p, String(t));
}

/**
 * Constant bytes kept as little-endian 32-bit words, written four at a time
 * through a DataView (a quarter of the stores of a byte loop). The last word
 * may write up to 3 bytes past the end: room for a chunk is length + 3.
 */
export class Chunk {
  readonly words: Int32Array;
  readonly length: number;

  constructor(bytes: Uint8Array) {
    this.length = bytes.length;
    const padded = new Uint8Array((bytes.length + 3) & ~3);
    padded.set(bytes);
    this.words = new Int32Array(padded.length / 4);
    const dv = new DataView(padded.buffer);
    for (let i = 0; i < this.words.length; i++) this.words[i] = dv.getInt32(4 * i, true);
  }

  static of(s: string): Chunk {
    return new Chunk(Buffer.from(s, 'utf8'));
  }
}

/** Write a chunk at p through `view` (a DataView of the buffer). Room: chunk.length + 3. */
export function writeChunk(view: DataView, p: number, c: Chunk): number {
  const w = c.words;
  const n = w.length;
  for (let i = 0; i < n; i++) view.setInt32(p + 4 * i, w[i]!, true);
  return p + c.length;
}

/**
 * String(v).padStart(width) for a number that mostly goes up by one from call to
 * call (frame numbers): its digits are kept and incremented in place.
 */
export class CountingNumber {
  private last = -1;
  private readonly digits = new Uint8Array(16);
  private length = 0;

  /** Room: max(width, NUMBER_BOUND). */
  write(out: Uint8Array, p: number, v: number, width: number): number {
    const d = this.digits;
    if (v === this.last + 1 && this.length !== 0) {
      let i = this.length - 1;
      while (i >= 0 && d[i] === 57) d[i--] = 48;
      if (i >= 0) d[i]!++;
      else { // 99 → 100
        d[this.length++] = 48;
        d[0] = 49;
      }
    } else if (v >= 0 && v < 1e15 && Number.isInteger(v)) {
      this.length = writeDigits(d, 0, v, decimalDigits(v));
    } else {
      this.length = 0;
      return writeNumberPadded(out, p, v, width);
    }
    this.last = v;
    const n = this.length;
    for (let i = n; i < width; i++) out[p++] = 32;
    return writeBytes(out, p, d, 0, n);
  }
}

/**
 * Copy n bytes written earlier in the same buffer (from + n <= p) to p, four at
 * a time (up to 3 bytes past the end are scribbled on). Room: n + 3.
 */
export function copyEarlier(view: DataView, p: number, from: number, n: number): number {
  for (let i = 0; i < n; i += 4) view.setInt32(p + i, view.getInt32(from + i, true), true);
  return p + n;
}
