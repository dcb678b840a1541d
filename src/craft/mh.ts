/**
 * The Mobility Header (RFC 6275 6.1) and the mobility options (RFC 6275 6.2
 * and the documents SPEC-NOTES section 2 lists, plus the draft options with the
 * default numbers of SPEC-NOTES section 4).
 */
import { ASSIGNED_MH_OPTIONS, DRAFT_MH_OPTIONS } from '../profile/defaults.js';
import {
  addressBytes, concat, u16, u32, u8, upperLayerChecksum, withU16, zeros, type PseudoHeader,
} from './bytes.js';
import { PROTO, type UpperLayer } from './ipv6.js';
import { layoutOptions, padding, type OptionItem, type TlvOption } from './options.js';

/** What a message contributes: its MH Type and the fixed message data after the Checksum. */
export interface MhMessage {
  type: number;
  body: Uint8Array;
}

export interface MobilityHeaderParams extends MhMessage {
  options?: readonly OptionItem[];
  /** 'auto' (default) computes it from the pseudo-header; a number is written as is. */
  checksum?: 'auto' | number;
  /** Added to the computed checksum, to write a deliberately wrong one. */
  checksumAdjust?: number;
  /** RFC 6275 6.1.1 says 59; other values exist only to test receivers. */
  payloadProto?: number;
  /** Written instead of the true Header Len, to test receivers. */
  headerLen?: number;
}

const CHECKSUM_OFFSET = 4;

/**
 * The Mobility Header bytes. Options start right after the message data and
 * get the padding their alignment asks for; the whole header is padded to a
 * multiple of 8 octets, and Header Len counts 8-octet units after the first 8.
 */
export function mobilityHeader(params: MobilityHeaderParams, pseudo?: PseudoHeader): Uint8Array {
  const start = 6 + params.body.length;
  const optionArea = layoutOptions(params.options ?? [], start);
  const total = start + optionArea.length;
  const headerLen = params.headerLen ?? total / 8 - 1;
  const unchecked = concat(
    Uint8Array.of(params.payloadProto ?? PROTO.noNextHeader, headerLen, params.type, 0),
    zeros(2), params.body, optionArea,
  );
  let checksum: number;
  if (typeof params.checksum === 'number') {
    checksum = params.checksum;
  } else {
    if (!pseudo) throw new Error('mobilityHeader(): an automatic checksum needs the pseudo-header addresses');
    checksum = upperLayerChecksum(pseudo, PROTO.mobility, unchecked, CHECKSUM_OFFSET);
  }
  checksum = (checksum + (params.checksumAdjust ?? 0)) & 0xffff;
  return withU16(unchecked, CHECKSUM_OFFSET, checksum);
}

/** The Mobility Header as an upper layer whose checksum `ipv6()` completes. */
export function mobility(params: MobilityHeaderParams): UpperLayer {
  return { protocol: PROTO.mobility, encode: (pseudo) => mobilityHeader(params, pseudo) };
}

// ---- Mobility options -------------------------------------------------------

const OPT = { ...ASSIGNED_MH_OPTIONS, ...DRAFT_MH_OPTIONS };

/** Pad1 is a single zero byte; given as raw bytes so it stays exactly where it is put. */
export function pad1Option(): Uint8Array {
  return u8(OPT.pad1);
}

/** PadN occupying `totalLength` bytes (at least 2). */
export function padNOption(totalLength: number): Uint8Array {
  if (totalLength < 2) throw new Error('PadN takes at least 2 bytes; use Pad1 for one');
  return padding(totalLength);
}

/** Binding Refresh Advice (RFC 6275 6.2.4): refresh interval in 4-second units, 2n. */
export function bindingRefreshAdvice(intervalUnits: number): TlvOption {
  return { type: OPT.bindingRefreshAdvice, data: u16(intervalUnits), alignment: { n: 2, k: 0 } };
}

/** Alternate Care-of Address (RFC 6275 6.2.5), 8n+6 so the address is 8-byte aligned. */
export function alternateCareOfAddress(address: string | Uint8Array): TlvOption {
  return { type: OPT.alternateCareOfAddress, data: addressBytes(address), alignment: { n: 8, k: 6 } };
}

/** Nonce Indices (RFC 6275 6.2.6), 2n. */
export function nonceIndices(homeNonceIndex: number, careOfNonceIndex: number): TlvOption {
  return { type: OPT.nonceIndices, data: concat(u16(homeNonceIndex), u16(careOfNonceIndex)), alignment: { n: 2, k: 0 } };
}

/** Binding Authorization Data (RFC 6275 6.2.7): a 96-bit authenticator, 8n+2, last option. */
export function bindingAuthorizationData(authenticator: Uint8Array): TlvOption {
  return { type: OPT.bindingAuthorizationData, data: authenticator, alignment: { n: 8, k: 2 } };
}

/** Mobile Network Prefix (RFC 3963 6.2): Reserved, Prefix Length, prefix; 8n+4. */
export function mobileNetworkPrefix(prefix: string | Uint8Array, prefixLength: number): TlvOption {
  return {
    type: OPT.mobileNetworkPrefix,
    data: concat(Uint8Array.of(0, prefixLength), addressBytes(prefix)),
    alignment: { n: 8, k: 4 },
  };
}

/** Mobile Node Identifier (RFC 4283): subtype 1 is a NAI. */
export function mobileNodeIdentifier(identifier: string | Uint8Array, subtype = 1): TlvOption {
  const id = typeof identifier === 'string' ? new TextEncoder().encode(identifier) : identifier;
  return { type: OPT.mobileNodeIdentifier, data: concat(u8(subtype), id) };
}

/** Vendor Specific (RFC 5094): Vendor ID, Sub-Type, data; 4n+2. */
export function vendorSpecific(vendorId: number, subType: number, data: Uint8Array): TlvOption {
  return { type: OPT.vendorSpecific, data: concat(u32(vendorId), u8(subType), data), alignment: { n: 4, k: 2 } };
}

/** Option-codes of the IP Address option as hareliability-01 uses them. */
export const HARELIABILITY_IP_CODE = { homeAgentAddress: 4, homeAddress: 5 } as const;
/** Option-codes as the HAHA draft uses them. */
export const HAHA_IP_CODE = { homeAgentAddress: 3, homeAddress: 4 } as const;

/** IPv6 Address/Prefix ("IP Address", RFC 5568 6.4.3): option-code, prefix length, address; 8n+4. */
export function ipAddressOption(optionCode: number, address: string | Uint8Array, prefixLength = 128): TlvOption {
  return {
    type: OPT.ipAddress,
    data: concat(Uint8Array.of(optionCode, prefixLength), addressBytes(address)),
    alignment: { n: 8, k: 4 },
  };
}

export interface BindingCacheInformationFields {
  flags: number;
  sequence: number;
  lifetimeUnits: number;
  homeAddress: string | Uint8Array;
  careOfAddress: string | Uint8Array;
}

/** Binding Cache Information (hareliability-01; default number 248): 40 bytes, 8n+2. */
export function bindingCacheInformation(f: BindingCacheInformationFields): TlvOption {
  return {
    type: OPT.bindingCacheInformation,
    data: concat(u16(f.flags), u16(f.sequence), u16(f.lifetimeUnits), zeros(2),
      addressBytes(f.homeAddress), addressBytes(f.careOfAddress)),
    alignment: { n: 8, k: 2 },
  };
}

export interface AaaAttribute {
  type: number;
  value: Uint8Array | string;
}

/** AAA Information (hareliability-01; default 249): RADIUS-style attributes, type and length including themselves. */
export function aaaInformation(attributes: readonly AaaAttribute[]): TlvOption {
  const encoded = attributes.map((a) => {
    const v = typeof a.value === 'string' ? new TextEncoder().encode(a.value) : a.value;
    return concat(Uint8Array.of(a.type, v.length + 2), v);
  });
  return { type: OPT.aaaInformation, data: concat(...encoded) };
}

export interface BindingCacheEntryInformationFields {
  homeAddress: string | Uint8Array;
  careOfAddress: string | Uint8Array;
  flags: number;
  sequence: number;
  lifetimeUnits: number;
  mobileNetworkPrefixCount?: number;
}

/**
 * Binding Cache Entry Information (HAHA draft; default 250): 40 bytes. The
 * draft gives no alignment; 8n+6 puts the Home Address on an 8-byte boundary.
 */
export function bindingCacheEntryInformation(f: BindingCacheEntryInformationFields): TlvOption {
  return {
    type: OPT.bindingCacheEntryInformation,
    data: concat(addressBytes(f.homeAddress), addressBytes(f.careOfAddress), u16(f.flags), u16(f.sequence),
      u16(f.lifetimeUnits), u8(f.mobileNetworkPrefixCount ?? 0), zeros(1)),
    alignment: { n: 8, k: 6 },
  };
}
