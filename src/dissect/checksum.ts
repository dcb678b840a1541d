/** Internet checksum (RFC 1071) pieces, allocation-free. */

/** Ones-complement sum (not yet folded) of len bytes at off, added to `sum`. */
export function onesSum(b: Uint8Array, off: number, len: number, sum: number): number {
  let s = sum;
  const end = off + len - 1;
  let i = off;
  while (i < end) {
    // Sum up to 2^15 words in a small integer (it stays below 2^31), two words a
    // step, then add that to the total; the result is the same as adding word by word.
    const stop = Math.min(end, i + 65536);
    let c = 0;
    for (; i + 2 < stop; i += 4) c += ((b[i]! << 8) | b[i + 1]!) + ((b[i + 2]! << 8) | b[i + 3]!);
    if (i < stop) {
      c += (b[i]! << 8) | b[i + 1]!;
      i += 2;
    }
    s += c;
  }
  if (i === end) s += b[i]! << 8;
  // Fold now and then so the float never loses integer precision on huge inputs.
  if (s > 0x7fffffff) s = (s & 0xffff) + Math.floor(s / 65536);
  return s;
}

/** onesSum(b, o, 16, 0), written out: the pseudo-header's addresses are summed for every checked packet. */
function addressSum(b: Uint8Array, o: number): number {
  return ((b[o]! << 8) | b[o + 1]!) + ((b[o + 2]! << 8) | b[o + 3]!) + ((b[o + 4]! << 8) | b[o + 5]!) + ((b[o + 6]! << 8) | b[o + 7]!)
    + ((b[o + 8]! << 8) | b[o + 9]!) + ((b[o + 10]! << 8) | b[o + 11]!) + ((b[o + 12]! << 8) | b[o + 13]!) + ((b[o + 14]! << 8) | b[o + 15]!);
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
  let s = addressSum(srcBuf, srcOff) + addressSum(dstBuf, dstOff);
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
