/**
 * Byte helpers for building packets: addresses from text, big-endian fields,
 * concatenation and the Internet checksum. Building is not the hot path, so
 * these favour plain code over speed.
 */
import ipaddr from 'ipaddr.js';

/** 16 bytes of an IPv6 address written in text ("2001:db8:1::a1", "fe80::1"). */
export function ipv6Address(text: string): Uint8Array {
  const parsed = ipaddr.parse(text);
  if (parsed.kind() !== 'ipv6') throw new Error(`not an IPv6 address: ${text}`);
  return Uint8Array.from(parsed.toByteArray());
}

/** The address bytes, whether given as text or already as 16 bytes. */
export function addressBytes(address: string | Uint8Array): Uint8Array {
  if (typeof address === 'string') return ipv6Address(address);
  if (address.length !== 16) throw new Error(`an IPv6 address has 16 bytes, not ${address.length}`);
  return address;
}

/** 6 bytes of a MAC address written as "02:00:00:00:00:a1". */
export function macAddress(text: string): Uint8Array {
  const parts = text.split(/[:-]/);
  if (parts.length !== 6 || parts.some((p) => !/^[0-9a-fA-F]{1,2}$/.test(p))) {
    throw new Error(`not a MAC address: ${text}`);
  }
  return Uint8Array.from(parts.map((p) => parseInt(p, 16)));
}

export function concat(...parts: readonly Uint8Array[]): Uint8Array {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function u8(value: number): Uint8Array {
  return Uint8Array.of(value & 0xff);
}

export function u16(value: number): Uint8Array {
  return Uint8Array.of((value >>> 8) & 0xff, value & 0xff);
}

export function u32(value: number): Uint8Array {
  return Uint8Array.of((value >>> 24) & 0xff, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff);
}

/** 64-bit big-endian; a bigint so sequence counters above 2^53 stay exact. */
export function u64(value: bigint | number): Uint8Array {
  const v = BigInt.asUintN(64, BigInt(value));
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, v);
  return out;
}

export function zeros(length: number): Uint8Array {
  return new Uint8Array(length);
}

/** Bytes from hex text; spaces, newlines and `#` comments are ignored so fixtures stay readable. */
export function fromHex(text: string): Uint8Array {
  const clean = text.replace(/#[^\n]*/g, '').replace(/[^0-9a-fA-F]/g, '');
  if (clean.length % 2 !== 0) throw new Error('odd number of hex digits');
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('hex');
}

/** RFC 1071 Internet checksum of the concatenated parts (odd lengths padded with a zero byte). */
export function internetChecksum(...parts: readonly Uint8Array[]): number {
  const data = concat(...parts);
  let sum = 0;
  for (let i = 0; i < data.length; i += 2) {
    sum += (data[i]! << 8) | (data[i + 1] ?? 0);
  }
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** The addresses an upper-layer checksum covers (RFC 8200 8.1, RFC 6275 6.1.1 for MIPv6). */
export interface PseudoHeader {
  src: Uint8Array;
  dst: Uint8Array;
}

/** IPv6 pseudo-header bytes: source, destination, 32-bit upper-layer length, 3 zero bytes, next header. */
export function pseudoHeaderBytes(pseudo: PseudoHeader, upperLength: number, nextHeader: number): Uint8Array {
  return concat(pseudo.src, pseudo.dst, u32(upperLength), zeros(3), u8(nextHeader));
}

/**
 * Checksum of an upper-layer message whose checksum field (at `checksumOffset`)
 * is treated as zero, under the IPv6 pseudo-header.
 */
export function upperLayerChecksum(
  pseudo: PseudoHeader, nextHeader: number, message: Uint8Array, checksumOffset: number,
): number {
  const copy = message.slice();
  copy[checksumOffset] = 0;
  copy[checksumOffset + 1] = 0;
  return internetChecksum(pseudoHeaderBytes(pseudo, copy.length, nextHeader), copy);
}

/** A copy of `message` with a 16-bit value written at `offset`. */
export function withU16(message: Uint8Array, offset: number, value: number): Uint8Array {
  const copy = message.slice();
  copy[offset] = (value >>> 8) & 0xff;
  copy[offset + 1] = value & 0xff;
  return copy;
}
