/**
 * Ethernet and IPv6 framing with extension headers (RFC 8200) and the two
 * Mobile IPv6 ones (RFC 6275 6.3 Home Address option, 6.4 type 2 routing header).
 *
 * Upper-layer checksums need the pseudo-header, and for Mobile IPv6 that is not
 * simply the outer addresses: the source is the home address from a Home Address
 * option and the destination the final one from a type 2 routing header
 * (RFC 6275 6.1.1). So checksummed messages are `UpperLayer`s: a function from
 * the pseudo-header to bytes, which `ipv6()` calls once every extension is known.
 */
import {
  addressBytes, concat, macAddress, u16, u32, u8, zeros, type PseudoHeader,
} from './bytes.js';
import { layoutOptions, type OptionItem } from './options.js';

export const PROTO = {
  hopByHop: 0,
  tcp: 6,
  udp: 17,
  ipv6: 41,
  routing: 43,
  fragment: 44,
  esp: 50,
  ah: 51,
  icmpv6: 58,
  noNextHeader: 59,
  destinationOptions: 60,
  vrrp: 112,
  mobility: 135,
} as const;

export const ETHERTYPE_IPV6 = 0x86dd;

/** A message that can only be finished once the pseudo-header addresses are known. */
export interface UpperLayer {
  readonly protocol: number;
  encode(pseudo: PseudoHeader): Uint8Array;
}

export function isUpperLayer(payload: Uint8Array | UpperLayer): payload is UpperLayer {
  return !(payload instanceof Uint8Array);
}

/** Wrap finished bytes (no checksum to fill in) as an upper layer. */
export function rawUpper(protocol: number, bytes: Uint8Array): UpperLayer {
  return { protocol, encode: () => bytes };
}

export interface ExtensionHeader {
  /** The Next Header value that announces this header. */
  readonly protocol: number;
  encode(nextHeader: number): Uint8Array;
  /** Set by a Home Address option: the checksum source (RFC 6275 6.3). */
  readonly homeAddress?: Uint8Array;
  /** Set by a routing header with segments left: the checksum destination. */
  readonly finalDestination?: Uint8Array;
}

export function ethernet(src: string | Uint8Array, dst: string | Uint8Array, ethertype: number, payload: Uint8Array): Uint8Array {
  const mac = (m: string | Uint8Array): Uint8Array => (typeof m === 'string' ? macAddress(m) : m);
  return concat(mac(dst), mac(src), u16(ethertype), payload);
}

export interface Ipv6Params {
  src: string | Uint8Array;
  dst: string | Uint8Array;
  hopLimit?: number;
  trafficClass?: number;
  flowLabel?: number;
  extensions?: readonly ExtensionHeader[];
  payload: Uint8Array | UpperLayer;
  /** Needed when `payload` is plain bytes; an UpperLayer names its own protocol. */
  nextHeader?: number;
}

/** The addresses an upper-layer checksum covers, after the extension headers have had their say. */
export function pseudoHeaderFor(src: Uint8Array, dst: Uint8Array, extensions: readonly ExtensionHeader[]): PseudoHeader {
  let pseudoSrc = src;
  let pseudoDst = dst;
  for (const ext of extensions) {
    if (ext.homeAddress) pseudoSrc = ext.homeAddress;
    if (ext.finalDestination) pseudoDst = ext.finalDestination;
  }
  return { src: pseudoSrc, dst: pseudoDst };
}

export function ipv6(params: Ipv6Params): Uint8Array {
  const src = addressBytes(params.src);
  const dst = addressBytes(params.dst);
  const extensions = params.extensions ?? [];
  let upperProtocol: number;
  let upperBytes: Uint8Array;
  if (isUpperLayer(params.payload)) {
    upperProtocol = params.payload.protocol;
    upperBytes = params.payload.encode(pseudoHeaderFor(src, dst, extensions));
  } else {
    if (params.nextHeader === undefined) throw new Error('ipv6(): nextHeader is required with a byte payload');
    upperProtocol = params.nextHeader;
    upperBytes = params.payload;
  }
  // Each header's Next Header names the one after it, so encode back to front.
  let chain = upperBytes;
  let next = upperProtocol;
  for (let i = extensions.length - 1; i >= 0; i--) {
    const ext = extensions[i]!;
    chain = concat(ext.encode(next), chain);
    next = ext.protocol;
  }
  const tc = params.trafficClass ?? 0;
  const flow = params.flowLabel ?? 0;
  const firstWord = (6 << 28) | (tc << 20) | (flow & 0xfffff);
  return concat(
    u32(firstWord >>> 0), u16(chain.length), u8(next), u8(params.hopLimit ?? 64), src, dst, chain,
  );
}

/** Hop-by-Hop or Destination options header around the given options. */
function optionsHeader(protocol: number, options: readonly OptionItem[]): (next: number) => Uint8Array {
  return (next) => {
    const area = layoutOptions(options, 2);
    return concat(Uint8Array.of(next, (2 + area.length) / 8 - 1), area);
  };
}

export function hopByHop(options: readonly OptionItem[] = []): ExtensionHeader {
  return { protocol: PROTO.hopByHop, encode: optionsHeader(PROTO.hopByHop, options) };
}

export function destinationOptions(options: readonly OptionItem[] = []): ExtensionHeader {
  return { protocol: PROTO.destinationOptions, encode: optionsHeader(PROTO.destinationOptions, options) };
}

export const HOME_ADDRESS_OPTION = 201;

/**
 * Destination Options header carrying the Home Address option. RFC 6275 6.3
 * asks for 8n+6 alignment so the address itself lands on an 8-byte boundary:
 * a 4-byte PadN, the option at offset 6, 24 bytes in all.
 */
export function homeAddressOption(homeAddress: string | Uint8Array, more: readonly OptionItem[] = []): ExtensionHeader {
  const hoa = addressBytes(homeAddress);
  const options: OptionItem[] = [{ type: HOME_ADDRESS_OPTION, data: hoa, alignment: { n: 8, k: 6 } }, ...more];
  return { protocol: PROTO.destinationOptions, encode: optionsHeader(PROTO.destinationOptions, options), homeAddress: hoa };
}

/** Type 2 routing header (RFC 6275 6.4): one address, the mobile node's home address. */
export function routingType2(homeAddress: string | Uint8Array, segmentsLeft = 1): ExtensionHeader {
  const hoa = addressBytes(homeAddress);
  const header: ExtensionHeader = {
    protocol: PROTO.routing,
    encode: (next) => concat(Uint8Array.of(next, 2, 2, segmentsLeft), zeros(4), hoa),
  };
  return segmentsLeft > 0 ? { ...header, finalDestination: hoa } : header;
}

export interface FragmentParams {
  offsetBytes: number;
  more: boolean;
  identification: number;
}

/** Fragment header (RFC 8200 4.5); the offset is in bytes and must be a multiple of 8. */
export function fragmentHeader(params: FragmentParams): ExtensionHeader {
  if (params.offsetBytes % 8 !== 0) throw new Error('fragment offsets are multiples of 8 bytes');
  return {
    protocol: PROTO.fragment,
    encode: (next) => concat(
      Uint8Array.of(next, 0), u16(params.offsetBytes | (params.more ? 1 : 0)), u32(params.identification),
    ),
  };
}

/**
 * An Authentication Header (RFC 4302) with a zero ICV: present so a dissector
 * has to step over it, not to be verified.
 */
export function authenticationHeader(spi: number, sequence: number, icvLength = 12): ExtensionHeader {
  return {
    protocol: PROTO.ah,
    // Payload Len counts 32-bit words minus 2 (RFC 4302 2.2).
    encode: (next) => concat(Uint8Array.of(next, (12 + icvLength) / 4 - 2), zeros(2), u32(spi), u32(sequence), zeros(icvLength)),
  };
}

/**
 * Split an IPv6 packet into fragments no longer than `mtu` bytes. The
 * per-fragment part (RFC 8200 4.5) is the IPv6 header plus Hop-by-Hop, Routing
 * and any Destination Options before a Routing header; the rest is split on
 * 8-byte boundaries. A packet that already fits is returned unchanged.
 */
export function fragmentIpv6(packet: Uint8Array, mtu: number, identification = 1): Uint8Array[] {
  if (packet.length <= mtu) return [packet];
  // Walk the chain to find where the fragmentable part begins.
  let at = 40;
  let unfragmentableEnd = 40;
  // Offset of the Next Header byte that will name the Fragment header.
  let unfragmentableNextAt = 6;
  let proto = packet[6]!;
  while (proto === PROTO.hopByHop || proto === PROTO.routing || proto === PROTO.destinationOptions) {
    const len = (packet[at + 1]! + 1) * 8;
    if (proto !== PROTO.destinationOptions) {
      unfragmentableEnd = at + len;
      unfragmentableNextAt = at;
    }
    proto = packet[at]!;
    at += len;
  }
  const perFragment = packet.slice(0, unfragmentableEnd);
  const fragmentable = packet.subarray(unfragmentableEnd);
  const firstFragmentableProto = perFragment[unfragmentableNextAt]!;
  perFragment[unfragmentableNextAt] = PROTO.fragment;
  const room = Math.floor((mtu - perFragment.length - 8) / 8) * 8;
  if (room <= 0) throw new Error(`an MTU of ${mtu} leaves no room for fragment data`);
  const fragments: Uint8Array[] = [];
  for (let offset = 0; offset < fragmentable.length; offset += room) {
    const piece = fragmentable.subarray(offset, offset + room);
    const more = offset + room < fragmentable.length;
    const header = concat(
      Uint8Array.of(firstFragmentableProto, 0), u16(offset | (more ? 1 : 0)), u32(identification),
    );
    const fragment = concat(perFragment, header, piece);
    // Payload Length covers everything after the fixed 40-byte header.
    fragment[4] = ((fragment.length - 40) >>> 8) & 0xff;
    fragment[5] = (fragment.length - 40) & 0xff;
    fragments.push(fragment);
  }
  return fragments;
}
