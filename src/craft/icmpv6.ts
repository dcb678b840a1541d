/**
 * ICMPv6 (RFC 4443) messages Mobile IPv6 and the reliability drafts use:
 * Dynamic Home Agent Address Discovery and Mobile Prefix Solicitation/
 * Advertisement (RFC 6275 6.5-6.8), Router Advertisement with the H flag and
 * the Home Agent Information option (RFC 6275 7.1, 7.4) and the VHAR A/B
 * flags, Parameter Problem, the VHAR messages 161-167 (SPEC-NOTES section 5)
 * and, for contrast on type 161, the RFC 8335 Extended Echo Reply.
 */
import {
  addressBytes, concat, macAddress, u16, u32, u64, u8, upperLayerChecksum, withU16, zeros, type PseudoHeader,
} from './bytes.js';
import { PROTO, type UpperLayer } from './ipv6.js';

export interface Icmpv6Params {
  type: number;
  code?: number;
  /** Everything after the Checksum. */
  body: Uint8Array;
  checksum?: 'auto' | number;
}

export function icmpv6Message(params: Icmpv6Params, pseudo?: PseudoHeader): Uint8Array {
  const unchecked = concat(Uint8Array.of(params.type, params.code ?? 0), zeros(2), params.body);
  if (typeof params.checksum === 'number') return withU16(unchecked, 2, params.checksum);
  if (!pseudo) throw new Error('icmpv6Message(): an automatic checksum needs the pseudo-header addresses');
  return withU16(unchecked, 2, upperLayerChecksum(pseudo, PROTO.icmpv6, unchecked, 2));
}

export function icmpv6(params: Icmpv6Params): UpperLayer {
  return { protocol: PROTO.icmpv6, encode: (pseudo) => icmpv6Message(params, pseudo) };
}

export const ICMPV6_TYPE = {
  parameterProblem: 4,
  routerAdvertisement: 134,
  dhaadRequest: 144,
  dhaadReply: 145,
  mobilePrefixSolicitation: 146,
  mobilePrefixAdvertisement: 147,
  extendedEchoReply: 161,
  vharMnReleaseRequest: 161,
  vharMnReleaseReply: 162,
  vharMnContextUpdateRequest: 163,
  vharMnContextUpdateReply: 164,
  vharSpSynch: 165,
  vharSpReply: 166,
  vharSeqNoSynch: 167,
} as const;

/** Home Agent Address Discovery Request (RFC 6275 6.5). */
export function dhaadRequest(identifier: number): Icmpv6Params {
  return { type: ICMPV6_TYPE.dhaadRequest, body: concat(u16(identifier), zeros(2)) };
}

/** Home Agent Address Discovery Reply (RFC 6275 6.6): home agents in preference order. */
export function dhaadReply(identifier: number, homeAgents: readonly (string | Uint8Array)[]): Icmpv6Params {
  return { type: ICMPV6_TYPE.dhaadReply, body: concat(u16(identifier), zeros(2), ...homeAgents.map(addressBytes)) };
}

/** Mobile Prefix Solicitation (RFC 6275 6.7). */
export function mobilePrefixSolicitation(identifier: number): Icmpv6Params {
  return { type: ICMPV6_TYPE.mobilePrefixSolicitation, body: concat(u16(identifier), zeros(2)) };
}

/** Mobile Prefix Advertisement (RFC 6275 6.8): M and O flags, then options (Prefix Information). */
export function mobilePrefixAdvertisement(
  identifier: number, flags: { managed?: boolean; other?: boolean }, options: readonly Uint8Array[],
): Icmpv6Params {
  const bits = (flags.managed ? 0x8000 : 0) | (flags.other ? 0x4000 : 0);
  return { type: ICMPV6_TYPE.mobilePrefixAdvertisement, body: concat(u16(identifier), u16(bits), ...options) };
}

/** Router Advertisement flags: RFC 4861, H from RFC 6275 7.1, A/B from VHAR (SPEC-NOTES section 5). */
export const RA_FLAGS = { M: 0x80, O: 0x40, H: 0x20, A: 0x10, B: 0x08 } as const;
export type RaFlag = keyof typeof RA_FLAGS;

export interface RouterAdvertisementFields {
  curHopLimit?: number;
  flags?: Partial<Record<RaFlag, boolean>>;
  routerLifetime: number;
  reachableTime?: number;
  retransTimer?: number;
  options?: readonly Uint8Array[];
}

export function routerAdvertisement(f: RouterAdvertisementFields): Icmpv6Params {
  let bits = 0;
  for (const key of Object.keys(RA_FLAGS) as RaFlag[]) if (f.flags?.[key]) bits |= RA_FLAGS[key];
  return {
    type: ICMPV6_TYPE.routerAdvertisement,
    body: concat(u8(f.curHopLimit ?? 64), u8(bits), u16(f.routerLifetime), u32(f.reachableTime ?? 0),
      u32(f.retransTimer ?? 0), ...(f.options ?? [])),
  };
}

/** Source Link-Layer Address option (RFC 4861 4.6.1). */
export function sourceLinkLayerAddressOption(mac: string): Uint8Array {
  return concat(Uint8Array.of(1, 1), macAddress(mac));
}

export interface PrefixInformationFields {
  prefix: string | Uint8Array;
  prefixLength: number;
  onLink?: boolean;
  autonomous?: boolean;
  /** R (RFC 6275 7.2): the prefix field holds the router's full address. */
  routerAddress?: boolean;
  validLifetime: number;
  preferredLifetime: number;
}

/** Prefix Information option (RFC 4861 4.6.2 with R of RFC 6275 7.2). */
export function prefixInformationOption(f: PrefixInformationFields): Uint8Array {
  const flags = (f.onLink ? 0x80 : 0) | (f.autonomous ? 0x40 : 0) | (f.routerAddress ? 0x20 : 0);
  return concat(Uint8Array.of(3, 4, f.prefixLength, flags), u32(f.validLifetime), u32(f.preferredLifetime),
    zeros(4), addressBytes(f.prefix));
}

/** Home Agent Information option (RFC 6275 7.4): type 8, length 1, preference and lifetime. */
export function homeAgentInformationOption(preference: number, lifetime: number): Uint8Array {
  return concat(Uint8Array.of(8, 1), zeros(2), u16(preference), u16(lifetime));
}

/** Parameter Problem (RFC 4443 3.4): the pointer and as much of the invoking packet as fits. */
export function parameterProblem(code: number, pointer: number, invokingPacket: Uint8Array): Icmpv6Params {
  // The whole error must fit the IPv6 minimum MTU (RFC 4443 2.4 (c)).
  const room = 1280 - 40 - 8;
  return { type: ICMPV6_TYPE.parameterProblem, code, body: concat(u32(pointer), invokingPacket.subarray(0, room)) };
}

/** Extended Echo Reply (RFC 8335 3): Identifier, Sequence, State/A/4/6 bits. */
export function extendedEchoReply(
  f: { identifier: number; sequence: number; state: number; active?: boolean; ipv4?: boolean; ipv6?: boolean; code?: number },
): Icmpv6Params {
  const bits = ((f.state & 7) << 5) | (f.active ? 0x04 : 0) | (f.ipv4 ? 0x02 : 0) | (f.ipv6 ? 0x01 : 0);
  return { type: ICMPV6_TYPE.extendedEchoReply, code: f.code ?? 0, body: concat(u16(f.identifier), u8(f.sequence), u8(bits)) };
}

// ---- VHAR (draft-jfaizan-mipv6-vhar-02, layouts of SPEC-NOTES section 5) ----

export function vharMnReleaseRequest(identifier: number, homeAddress: string | Uint8Array): Icmpv6Params {
  return { type: ICMPV6_TYPE.vharMnReleaseRequest, body: concat(u16(identifier), zeros(2), addressBytes(homeAddress)) };
}

export function vharMnReleaseReply(identifier: number): Icmpv6Params {
  return { type: ICMPV6_TYPE.vharMnReleaseReply, body: concat(u16(identifier), zeros(2)) };
}

export interface VharBindingRecord {
  homeAddress: string | Uint8Array;
  careOfAddress: string | Uint8Array;
  lifetime: number;
  flag?: boolean;
  sequence: number;
  usage: number;
}

/** One 39-byte binding record of an MN Context Update Request. */
export function vharBindingRecord(r: VharBindingRecord): Uint8Array {
  return concat(addressBytes(r.homeAddress), addressBytes(r.careOfAddress), u16(r.lifetime),
    u8(r.flag ? 0x80 : 0), u16(r.sequence), u16(r.usage));
}

export function vharMnContextUpdateRequest(identifier: number, records: readonly VharBindingRecord[]): Icmpv6Params {
  return {
    type: ICMPV6_TYPE.vharMnContextUpdateRequest,
    body: concat(u16(identifier), zeros(2), ...records.map(vharBindingRecord)),
  };
}

export function vharMnContextUpdateReply(identifier: number): Icmpv6Params {
  return { type: ICMPV6_TYPE.vharMnContextUpdateReply, body: concat(u16(identifier), zeros(2)) };
}

export interface VharSaRecord {
  outbound?: boolean;
  protocol: number;
  interfaceId: number;
  esp?: boolean;
  tunnel?: boolean;
  spi: number;
  src: string | Uint8Array;
  dst: string | Uint8Array;
  sequenceCounter: bigint | number;
  antiReplayWindow: bigint | number;
}

/** One 54-byte SA record of an SP Synch. */
export function vharSaRecord(r: VharSaRecord): Uint8Array {
  const first = (r.outbound ? 0x80 : 0) | ((r.protocol & 0x0f) << 3) | (r.interfaceId & 0x07);
  const second = (r.esp ? 0x80 : 0) | (r.tunnel ? 0x40 : 0);
  return concat(Uint8Array.of(first, second), u32(r.spi), addressBytes(r.src), addressBytes(r.dst),
    u64(r.sequenceCounter), u64(r.antiReplayWindow));
}

export function vharSpSynch(identifier: number, records: readonly VharSaRecord[]): Icmpv6Params {
  return { type: ICMPV6_TYPE.vharSpSynch, body: concat(u16(identifier), u16(records.length), ...records.map(vharSaRecord)) };
}

export function vharSpReply(identifier: number): Icmpv6Params {
  return { type: ICMPV6_TYPE.vharSpReply, body: concat(u16(identifier), zeros(2)) };
}

export function vharSeqNoSynch(spi: number, sequence: bigint | number, antiReplayWindow: bigint | number): Icmpv6Params {
  return { type: ICMPV6_TYPE.vharSeqNoSynch, body: concat(u32(spi), u64(sequence), u64(antiReplayWindow)) };
}
