/** Internet checksum (RFC 1071) pieces, allocation-free. */

/** Ones-complement sum (not yet folded) of len bytes at off, added to `sum`. */
export function onesSum(b: Uint8Array, off: number, len: number, sum: number): number {
  let s = sum;
  const end = off + len - 1;
  let i = off;
  for (; i < end; i += 2) s += (b[i]! << 8) | b[i + 1]!;
  if (i === end) s += b[i]! << 8;
  // Fold now and then so the float never loses integer precision on huge inputs.
  if (s > 0x7fffffff) s = (s & 0xffff) + Math.floor(s / 65536);
  return s;
}

export function fold(sum: number): number {
  let s = sum;
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 65536);
  return s;
}

/**
 * Verify an upper-layer checksum carried inside [off, off+len) under the IPv6 pseudo-header
 * (RFC 8200 8.1): source, destination, 32-bit length, next header. The checksum field is
 * included in the sum, so a correct packet folds to 0xffff.
 * Returns the value the checksum field should have held.
 */
export function ipv6UpperChecksum(
  srcBuf: Uint8Array, srcOff: number,
  dstBuf: Uint8Array, dstOff: number,
  nextHeader: number,
  data: Uint8Array, off: number, len: number,
  checksumOffset: number,
): number {
  let s = onesSum(srcBuf, srcOff, 16, 0);
  s = onesSum(dstBuf, dstOff, 16, s);
  s += (len >>> 16) + (len & 0xffff) + nextHeader;
  s = onesSum(data, off, len, s);
  // Remove the transmitted checksum so we compute what it should be.
  s += 0xffff - ((data[checksumOffset]! << 8) | data[checksumOffset + 1]!);
  const r = (~fold(s)) & 0xffff;
  return r;
}

/** IPv4 header checksum / ICMPv4 checksum: returns true when the region folds to 0xffff. */
export function checksumOk(data: Uint8Array, off: number, len: number): boolean {
  return fold(onesSum(data, off, len, 0)) === 0xffff;
}
