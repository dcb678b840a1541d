/**
 * Type-length-value option areas with alignment padding. IPv6 Hop-by-Hop and
 * Destination options (RFC 8200 4.2) and mobility options (RFC 6275 6.2) share
 * the same layout rules and even the same padding numbers: Pad1 is type 0 with
 * no length byte, PadN is type 1 with a length byte.
 */
import { concat, u8, zeros } from './bytes.js';

/** "xn+y": the option's Type byte sits at a multiple of `n` plus `k` octets from the header start. */
export interface Alignment {
  n: number;
  k: number;
}

export interface TlvOption {
  type: number;
  data: Uint8Array;
  alignment?: Alignment;
}

/**
 * Raw bytes are copied exactly as given, with no alignment, so that broken
 * layouts (a misaligned option, a wrong length) can be written on purpose.
 */
export type OptionItem = TlvOption | Uint8Array;

export const PAD1 = 0;
export const PADN = 1;

/** Padding of exactly `length` bytes: nothing, one Pad1, or one PadN. */
export function padding(length: number): Uint8Array {
  if (length === 0) return new Uint8Array(0);
  if (length === 1) return u8(PAD1);
  return concat(Uint8Array.of(PADN, length - 2), zeros(length - 2));
}

export function tlv(type: number, data: Uint8Array): Uint8Array {
  if (data.length > 255) throw new Error(`option ${type} data is ${data.length} bytes; the length field holds at most 255`);
  return concat(Uint8Array.of(type, data.length), data);
}

function paddingBefore(at: number, alignment: Alignment | undefined): number {
  if (!alignment) return 0;
  const { n, k } = alignment;
  return (((k - at) % n) + n) % n;
}

/**
 * The option area that starts `start` bytes after the header's first byte:
 * each option preceded by the padding its alignment needs, then padding so the
 * whole header ends on a multiple of 8 octets.
 */
export function layoutOptions(items: readonly OptionItem[], start: number): Uint8Array {
  const parts: Uint8Array[] = [];
  let at = start;
  for (const item of items) {
    if (item instanceof Uint8Array) {
      parts.push(item);
      at += item.length;
      continue;
    }
    const pad = padding(paddingBefore(at, item.alignment));
    const bytes = tlv(item.type, item.data);
    parts.push(pad, bytes);
    at += pad.length + bytes.length;
  }
  parts.push(padding((8 - (at % 8)) % 8));
  return concat(...parts);
}
