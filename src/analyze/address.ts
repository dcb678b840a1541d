/**
 * Compact keys for addresses and flows. An IPv6 address (16 bytes) is hashed to
 * a 53-bit number so per-flow maps are keyed by numbers and nothing is allocated
 * per packet; two or three keys combine into one the same way.
 */

const TWO32 = 4294967296;
const HI_MASK = 0x1fffff; // 21 bits: hi * 2^32 + lo stays below 2^53

function mix(h: number, x: number): number {
  h = Math.imul(h ^ x, 0x9e3779b1);
  h ^= h >>> 15;
  h = Math.imul(h, 0x85ebca77);
  return (h ^ (h >>> 13)) >>> 0;
}

function finish(hi: number, lo: number): number {
  const k = (hi & HI_MASK) * TWO32 + (lo >>> 0);
  return k === 0 ? 1 : k;
}

function word(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}

/** Key of the 16 bytes at b[o..o+16); never 0 (0 means "no address"). */
export function addressKey(b: Uint8Array, o: number): number {
  let lo = 0x811c9dc5;
  let hi = 0x01000193;
  for (let i = 0; i < 16; i += 4) {
    const w = word(b, o + i);
    lo = mix(lo, w);
    hi = mix(hi, w ^ 0x5bd1e995);
  }
  return finish(hi, lo);
}

/** Key of up to 8 bytes (a cookie) at b[o..o+len). */
export function bytesKey(b: Uint8Array, o: number, len: number): number {
  let lo = 0x811c9dc5;
  let hi = 0x01000193;
  for (let i = 0; i < len; i++) {
    lo = mix(lo, b[o + i]! + i * 256);
    hi = mix(hi, b[o + i]! ^ (i << 9));
  }
  return finish(hi, lo);
}

function split(k: number, h: number): number {
  const lo = k >>> 0;
  const hi = (k - lo) / TWO32;
  return mix(mix(h, lo), hi);
}

/** One key for an ordered pair of keys. */
export function key2(a: number, b: number): number {
  return finish(split(b, split(a, 0x3c6ef372)), split(a, split(b, 0xa54ff53a)));
}

/** One key for an ordered triple of keys (or small numbers such as a message type). */
export function key3(a: number, b: number, c: number): number {
  return key2(key2(a, b), c + 1);
}

/** fe80::/10 */
export function isLinkLocal(b: Uint8Array, o: number): boolean {
  return b[o] === 0xfe && (b[o + 1]! & 0xc0) === 0x80;
}

export function isMulticast(b: Uint8Array, o: number): boolean {
  return b[o] === 0xff;
}

/** Global unicast in the RFC 4291 sense: not unspecified, loopback, link-local, unique-local or multicast. */
export function isGlobalUnicast(b: Uint8Array, o: number): boolean {
  if (isMulticast(b, o) || isLinkLocal(b, o)) return false;
  if ((b[o]! & 0xfe) === 0xfc) return false; // fc00::/7
  let zero = true;
  for (let i = 0; i < 15; i++) if (b[o + i] !== 0) { zero = false; break; }
  if (zero && (b[o + 15] === 0 || b[o + 15] === 1)) return false;
  return true;
}

/** Sequence numbers compare modulo 2^16 (RFC 6275 9.5.1): is a greater than b? */
export function seqGreater(a: number, b: number): boolean {
  const d = (a - b) & 0xffff;
  return d !== 0 && d < 0x8000;
}
