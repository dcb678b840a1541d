/**
 * Turning bytes into the strings people read. Called only by outputs (and by
 * info formatters when an output asks), never during dissection.
 */

const HEX = '0123456789abcdef';

/** RFC 5952 text form of the 16 bytes at b[o..o+16). */
export function ipv6ToString(b: Uint8Array, o: number): string {
  if (o + 16 > b.length) return '<truncated>';
  // Find the longest run (>= 2) of zero groups; the first one wins a tie (RFC 5952 4.2.3).
  let bestStart = -1;
  let bestLen = 0;
  let curStart = -1;
  let curLen = 0;
  for (let g = 0; g < 8; g++) {
    const w = (b[o + 2 * g]! << 8) | b[o + 2 * g + 1]!;
    if (w === 0) {
      if (curStart < 0) { curStart = g; curLen = 1; } else curLen++;
      if (curLen > bestLen) { bestLen = curLen; bestStart = curStart; }
    } else curStart = -1;
  }
  if (bestLen < 2) bestStart = -1;
  // IPv4-mapped ::ffff:a.b.c.d (RFC 5952 5).
  if (bestStart === 0 && bestLen === 5 && b[o + 10] === 0xff && b[o + 11] === 0xff) {
    return `::ffff:${b[o + 12]}.${b[o + 13]}.${b[o + 14]}.${b[o + 15]}`;
  }
  let s = '';
  for (let g = 0; g < 8; g++) {
    if (g === bestStart) {
      s += g === 0 ? '::' : ':';
      g += bestLen - 1;
      continue;
    }
    const w = (b[o + 2 * g]! << 8) | b[o + 2 * g + 1]!;
    s += w.toString(16);
    if (g < 7) s += ':';
  }
  return s;
}

export function ipv4ToString(b: Uint8Array, o: number): string {
  if (o + 4 > b.length) return '<truncated>';
  return `${b[o]}.${b[o + 1]}.${b[o + 2]}.${b[o + 3]}`;
}

export function macToString(b: Uint8Array, o: number): string {
  let s = '';
  for (let i = 0; i < 6; i++) {
    const v = b[o + i] ?? 0;
    s += (i ? ':' : '') + HEX[v >> 4] + HEX[v & 15];
  }
  return s;
}

/** Lower-case hex of len bytes, optionally separated. */
export function toHex(b: Uint8Array, o: number, len: number, sep = ''): string {
  let s = '';
  const end = Math.min(b.length, o + len);
  for (let i = o; i < end; i++) {
    const v = b[i]!;
    if (sep && i > o) s += sep;
    s += HEX[v >> 4]! + HEX[v & 15]!;
  }
  return s;
}

export function hexNumber(v: number, digits: number): string {
  return '0x' + v.toString(16).padStart(digits, '0');
}

/** Exact decimal text of an unsigned 64-bit big-endian integer. */
export function u64ToString(b: Uint8Array, o: number): string {
  let v = 0n;
  for (let i = 0; i < 8; i++) v = (v << 8n) | BigInt(b[o + i] ?? 0);
  return v.toString();
}

/** Seconds as a short human string: 60 → "60 s", 5400 → "5400 s (1h30m)". */
export function secondsText(s: number): string {
  if (s < 3600) return `${s} s`;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${s} s (${h}h${m ? `${m}m` : ''})`;
}
