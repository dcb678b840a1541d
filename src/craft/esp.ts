/**
 * ESP in transport mode (RFC 4303), the protection RFC 3776 and RFC 4877
 * require for home registrations and RFC 5142 for the Home Agent Switch.
 */
import { createCipheriv, createHmac } from 'node:crypto';
import { concat, u32, u8 } from './bytes.js';
import type { UpperLayer } from './ipv6.js';
import { PROTO } from './ipv6.js';

export type EspIntegrity = 'sha1' | 'sha256';

/** Fixed keys so every generated capture is reproducible; never use them outside a lab. */
export const LAB_KEYS = {
  hmacSha1: Uint8Array.from(Buffer.from('6d69703673636f70652d6c61622d6b65792d3031', 'hex')),
  hmacSha256: Uint8Array.from(Buffer.from('6d69703673636f70652d6c61622d7368613235362d6b65792d2d2d2d2d2d3031', 'hex')),
  aes128: Uint8Array.from(Buffer.from('00112233445566778899aabbccddeeff', 'hex')),
} as const;

/**
 * Trailer padding (RFC 4303 2.4): bytes 1, 2, 3, ... so the payload, padding,
 * Pad Length and Next Header together fill whole blocks (4 bytes for NULL).
 */
export function espPadding(payloadLength: number, blockSize = 4): Uint8Array {
  const used = (payloadLength + 2) % blockSize;
  const count = used === 0 ? 0 : blockSize - used;
  return Uint8Array.from({ length: count }, (_, i) => i + 1);
}

/** The HMAC truncated to the ICV length: SHA-1 to 96 bits (RFC 2404), SHA-256 to 128 (RFC 4868). */
export function espIcv(hash: EspIntegrity, key: Uint8Array, covered: Uint8Array, icvLength: number): Uint8Array {
  const mac = createHmac(hash, key).update(covered).digest();
  return Uint8Array.from(mac.subarray(0, icvLength));
}

export interface EspNullParams {
  spi: number;
  seq: number;
  payload: Uint8Array;
  nextHeader: number;
  icvLength?: 12 | 16;
  /** Defaults to the lab key for the hash. */
  authKey?: Uint8Array;
  /** Defaults to SHA-1 for a 12-byte ICV and SHA-256 for a 16-byte one. */
  hash?: EspIntegrity;
}

function defaultHash(icvLength: number): EspIntegrity {
  return icvLength === 16 ? 'sha256' : 'sha1';
}

function defaultKey(hash: EspIntegrity): Uint8Array {
  return hash === 'sha256' ? LAB_KEYS.hmacSha256 : LAB_KEYS.hmacSha1;
}

/** ESP with NULL encryption (RFC 2410): the payload travels in clear, the ICV covers SPI through Next Header. */
export function espNull(params: EspNullParams): Uint8Array {
  const icvLength = params.icvLength ?? 12;
  const hash = params.hash ?? defaultHash(icvLength);
  const key = params.authKey ?? defaultKey(hash);
  const pad = espPadding(params.payload.length);
  const covered = concat(u32(params.spi), u32(params.seq), params.payload, pad, u8(pad.length), u8(params.nextHeader));
  return concat(covered, espIcv(hash, key, covered, icvLength));
}

export interface EspEncryptedParams {
  spi: number;
  seq: number;
  payload: Uint8Array;
  nextHeader: number;
  /** AES key of 16, 24 or 32 bytes. */
  encKey: Uint8Array;
  /** HMAC-SHA-1 key (20 bytes). */
  authKey: Uint8Array;
  /** Explicit IV; fixed by the caller so captures are reproducible. */
  iv: Uint8Array;
}

/** ESP with AES-CBC (RFC 3602) and HMAC-SHA-1-96: the ICV covers SPI, sequence, IV and ciphertext. */
export function espEncrypted(params: EspEncryptedParams): Uint8Array {
  if (params.iv.length !== 16) throw new Error('AES-CBC needs a 16-byte IV');
  const pad = espPadding(params.payload.length, 16);
  const plain = concat(params.payload, pad, u8(pad.length), u8(params.nextHeader));
  const cipher = createCipheriv(`aes-${params.encKey.length * 8}-cbc`, params.encKey, params.iv);
  cipher.setAutoPadding(false);
  const encrypted = Uint8Array.from(Buffer.concat([cipher.update(plain), cipher.final()]));
  const covered = concat(u32(params.spi), u32(params.seq), params.iv, encrypted);
  return concat(covered, espIcv('sha1', params.authKey, covered, 12));
}

/**
 * ESP NULL around an upper layer: the inner checksum is computed with the same
 * pseudo-header as without ESP, since transport mode keeps the IP addresses.
 */
export function espNullAround(inner: UpperLayer, params: Omit<EspNullParams, 'payload' | 'nextHeader'>): UpperLayer {
  return {
    protocol: PROTO.esp,
    encode: (pseudo) => espNull({ ...params, payload: inner.encode(pseudo), nextHeader: inner.protocol }),
  };
}

export function espEncryptedAround(inner: UpperLayer, params: Omit<EspEncryptedParams, 'payload' | 'nextHeader'>): UpperLayer {
  return {
    protocol: PROTO.esp,
    encode: (pseudo) => espEncrypted({ ...params, payload: inner.encode(pseudo), nextHeader: inner.protocol }),
  };
}
