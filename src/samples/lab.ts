/**
 * The lab network every sample capture shows, and helpers that turn "who sends
 * what to whom" into Ethernet frames. The capture point is the home link: frames
 * to and from care-of addresses pass the home link's router.
 *
 * Everything is fixed (addresses, keys, SPIs) so the generator is reproducible.
 */
import {
  concat, espEncryptedAround, espNullAround, ethernet, ETHERTYPE_IPV6, homeAddressOption, icmpv6, ipv6,
  mobility, routingType2, udp, u32, u8, u16, type ExtensionHeader, type Icmpv6Params, type MobilityHeaderParams,
  type UpperLayer, LAB_KEYS,
} from '../craft/index.js';

export const HOME_PREFIX = '2001:db8:1::/64';
export const CORRESPONDENT = '2001:db8:99::5';

/** Home agents by number: 1 -> 2001:db8:1::a1. */
export function haAddress(n: number): string {
  return `2001:db8:1::a${n}`;
}

export function haLinkLocal(n: number): string {
  return `fe80::a${n}`;
}

export function haMac(n: number): string {
  return `02:00:5e:10:00:a${n}`;
}

export const ROUTER_MAC = '02:00:5e:10:00:01';

/** Mobile node i: home address 2001:db8:1::1000 + i. */
export function mnHome(i: number): string {
  return `2001:db8:1::${(0x1000 + i).toString(16)}`;
}

/** Mobile node i's care-of address in visited network `net` (inside 2001:db8:77::/48). */
export function mnCareOf(i: number, net = 1): string {
  return `2001:db8:77:${net.toString(16)}::${(0x1000 + i).toString(16)}`;
}

/** ESP protection of one message: which SA, and the ways a broken sample bends it. */
export interface Protection {
  /** false sends the message in clear. */
  esp?: boolean;
  /** Reuse this sequence number instead of the next one (a replay). */
  seq?: number;
  /** Flip a bit of the ICV. */
  corruptIcv?: boolean;
}

/** SPI of the SA from `from` to `to`; MN↔HA pairs and HA↔HA pairs live in separate ranges. */
export function mnToHaSpi(mn: number, ha: number): number {
  return 0x10000000 + ha * 0x10000 + mn * 2;
}
export function haToMnSpi(mn: number, ha: number): number {
  return mnToHaSpi(mn, ha) + 1;
}
export function haToHaSpi(from: number, to: number): number {
  return 0x20000000 + from * 0x100 + to;
}

export interface LabOptions {
  /** ICV length of MN↔HA SAs (HMAC-SHA1-96 = 12, HMAC-SHA-256-128 = 16). */
  mnIcv?: 12 | 16;
  /** ICV length of HA↔HA SAs. */
  haIcv?: 12 | 16;
}

/**
 * A fresh lab per scenario: it owns the ESP sequence counters. Scenarios build
 * their packets in whatever order reads best, so a frame first gets a
 * provisional sequence number; {@link Lab.inTimeOrder} then sorts the packets
 * by time and rebuilds every such frame with the next number of its SA, so
 * that sequence numbers rise by one per SA in capture order, as RFC 4303 3.3.3
 * requires, and the ICV covers the final number. A frame built with an
 * explicit {@link Protection.seq} (a replay) keeps that number and does not
 * advance the counter.
 */
export class Lab {
  private readonly counters = new Map<number, number>();
  /** Frames whose sequence number is assigned in time order: SPI and how to rebuild the frame with a given number. */
  private readonly sequenced = new WeakMap<Uint8Array, { spi: number; build: (seq: number) => Uint8Array }>();
  private readonly mnIcv: 12 | 16;
  private readonly haIcv: 12 | 16;

  constructor(options: LabOptions = {}) {
    this.mnIcv = options.mnIcv ?? 12;
    this.haIcv = options.haIcv ?? 16;
  }

  private nextSeq(spi: number): number {
    const seq = (this.counters.get(spi) ?? 0) + 1;
    this.counters.set(spi, seq);
    return seq;
  }

  /**
   * Builds a frame with `frame`, which wraps the (ESP-protected) Mobility Header.
   * Without ESP, or with an explicit sequence number, the frame is final;
   * otherwise it is remembered so inTimeOrder can renumber it.
   */
  private build(inner: UpperLayer, spi: number, icvLength: 12 | 16, p: Protection | undefined, frame: (payload: UpperLayer) => Uint8Array): Uint8Array {
    if (p?.esp === false) return finish(frame(inner), p);
    const make = (seq: number): Uint8Array => finish(frame(espNullAround(inner, { spi, seq, icvLength })), p);
    if (p?.seq !== undefined) return make(p.seq);
    const data = make(this.nextSeq(spi));
    this.sequenced.set(data, { spi, build: make });
    return data;
  }

  /**
   * The packets sorted by time (equal times keep their listed order, as the
   * generator writes them), with the ESP sequence numbers of this lab's frames
   * reassigned from 1 per SA in that order and their ICVs recomputed.
   */
  inTimeOrder<T extends { t: number; data: Uint8Array }>(packets: readonly T[]): T[] {
    const sorted = packets.map((p, i) => ({ p, i })).sort((a, b) => a.p.t - b.p.t || a.i - b.i).map(({ p }) => p);
    const counters = new Map<number, number>();
    return sorted.map((p) => {
      const s = this.sequenced.get(p.data);
      if (!s) return p;
      const seq = (counters.get(s.spi) ?? 0) + 1;
      counters.set(s.spi, seq);
      const data = s.build(seq);
      return { ...p, data };
    });
  }

  /** MN (away from home) to HA: care-of source, Home Address option, ESP (RFC 3776 3.1). */
  mnToHa(mn: number, ha: number | string, message: MobilityHeaderParams, p?: Protection & { careOf?: string; haNumber?: number; macOf?: number }): Uint8Array {
    const haNum = typeof ha === 'number' ? ha : (p?.haNumber ?? 1);
    const haAddr = typeof ha === 'number' ? haAddress(ha) : ha;
    return this.build(mobility(message), mnToHaSpi(mn, haNum), this.mnIcv, p, (payload) => ethernet(ROUTER_MAC, haMac(p?.macOf ?? haNum), ETHERTYPE_IPV6,
      ipv6({ src: p?.careOf ?? mnCareOf(mn), dst: haAddr, extensions: [homeAddressOption(mnHome(mn))], payload })));
  }

  /** HA to MN: care-of destination, type 2 routing header, ESP. */
  haToMn(ha: number | string, mn: number, message: MobilityHeaderParams, p?: Protection & { careOf?: string; haNumber?: number; macOf?: number }): Uint8Array {
    const haNum = typeof ha === 'number' ? ha : (p?.haNumber ?? 1);
    const haAddr = typeof ha === 'number' ? haAddress(ha) : ha;
    return this.build(mobility(message), haToMnSpi(mn, haNum), this.mnIcv, p, (payload) => ethernet(haMac(p?.macOf ?? haNum), ROUTER_MAC, ETHERTYPE_IPV6,
      ipv6({ src: haAddr, dst: p?.careOf ?? mnCareOf(mn), extensions: [routingType2(mnHome(mn))], payload })));
  }

  /** HA to HA over their global addresses, ESP protected (hareliability-01 6.1). */
  haToHa(from: number, to: number, message: MobilityHeaderParams, p?: Protection & { src?: string; dst?: string }): Uint8Array {
    return this.build(mobility(message), haToHaSpi(from, to), this.haIcv, p, (payload) => ethernet(haMac(from), haMac(to), ETHERTYPE_IPV6,
      ipv6({ src: p?.src ?? haAddress(from), dst: p?.dst ?? haAddress(to), payload })));
  }

  /** ICMPv6 between HAs on the home link, link-local as VHAR requires. */
  haIcmpLinkLocal(from: number, to: number | 'all-nodes', message: Icmpv6Params): Uint8Array {
    const dst = to === 'all-nodes' ? 'ff02::1' : haLinkLocal(to);
    const dstMac = to === 'all-nodes' ? '33:33:00:00:00:01' : haMac(to);
    const packet = ipv6({ src: haLinkLocal(from), dst, hopLimit: 255, payload: icmpv6(message) });
    return ethernet(haMac(from), dstMac, ETHERTYPE_IPV6, packet);
  }

  /** IKEv2 message between a mobile node's care-of address and a home agent (UDP 500). */
  ike(mn: number, ha: number, toHa: boolean, message: Uint8Array): Uint8Array {
    const [src, dst] = toHa ? [mnCareOf(mn), haAddress(ha)] : [haAddress(ha), mnCareOf(mn)];
    const packet = ipv6({ src, dst, payload: udp(500, 500, message) });
    return toHa ? ethernet(ROUTER_MAC, haMac(ha), ETHERTYPE_IPV6, packet) : ethernet(haMac(ha), ROUTER_MAC, ETHERTYPE_IPV6, packet);
  }

  /** A packet whose layers the caller spells out. */
  custom(srcMac: string, dstMac: string, params: Parameters<typeof ipv6>[0]): Uint8Array {
    return ethernet(srcMac, dstMac, ETHERTYPE_IPV6, ipv6(params));
  }
}

function finish(frame: Uint8Array, p: Protection | undefined): Uint8Array {
  if (!p?.corruptIcv) return frame;
  // The ICV is the last bytes of the frame.
  const copy = frame.slice();
  copy[copy.length - 1]! ^= 0x01;
  return copy;
}

/** The SA keys of the encrypted sample, fixed so Wireshark users can decrypt it. */
export const ENCRYPTED_SA = {
  encKey: LAB_KEYS.aes128,
  authKey: LAB_KEYS.hmacSha1,
  mnToHaSpi: 0x00c0ffee,
  haToMnSpi: 0x00c0ffef,
} as const;

/** A deterministic IV per (SPI, sequence): reproducible captures, never reused within one. */
export function labIv(spi: number, seq: number): Uint8Array {
  return concat(u32(spi), u32(seq), u32(0x6d697036), u32(0x5f495600));
}

export function encryptedMnToHa(mn: number, ha: number, message: MobilityHeaderParams, seq: number): Uint8Array {
  const spi = ENCRYPTED_SA.mnToHaSpi;
  const payload = espEncryptedAround(mobility(message), { spi, seq, encKey: ENCRYPTED_SA.encKey, authKey: ENCRYPTED_SA.authKey, iv: labIv(spi, seq) });
  const packet = ipv6({ src: mnCareOf(mn), dst: haAddress(ha), extensions: [homeAddressOption(mnHome(mn))], payload });
  return ethernet(ROUTER_MAC, haMac(ha), ETHERTYPE_IPV6, packet);
}

export function encryptedHaToMn(ha: number, mn: number, message: MobilityHeaderParams, seq: number): Uint8Array {
  const spi = ENCRYPTED_SA.haToMnSpi;
  const payload = espEncryptedAround(mobility(message), { spi, seq, encKey: ENCRYPTED_SA.encKey, authKey: ENCRYPTED_SA.authKey, iv: labIv(spi, seq) });
  const packet = ipv6({ src: haAddress(ha), dst: mnCareOf(mn), extensions: [routingType2(mnHome(mn))], payload });
  return ethernet(haMac(ha), ROUTER_MAC, ETHERTYPE_IPV6, packet);
}

/**
 * A minimal IKEv2 header (RFC 7296 3.1) with no payloads for IKE_SA_INIT,
 * or with an opaque Encrypted payload for IKE_AUTH: enough to show that the
 * mobile node re-keys, without pretending to carry a real exchange.
 */
export function ikeMessage(f: { spiI: bigint; spiR: bigint; exchange: 'IKE_SA_INIT' | 'IKE_AUTH'; response: boolean; messageId: number }): Uint8Array {
  const exchangeType = f.exchange === 'IKE_SA_INIT' ? 34 : 35;
  const flags = f.response ? 0x20 : 0x08; // R (response) or I (original initiator)
  const encrypted = f.exchange === 'IKE_AUTH' ? concat(Uint8Array.of(35, 0), u16(4 + 16 + 32), new Uint8Array(48).fill(0x5a)) : new Uint8Array(0);
  const spis = new Uint8Array(16);
  const view = new DataView(spis.buffer);
  view.setBigUint64(0, f.spiI);
  view.setBigUint64(8, f.spiR);
  return concat(spis, u8(encrypted.length ? 46 : 0), u8(0x20), u8(exchangeType), u8(flags), u32(f.messageId),
    u32(28 + encrypted.length), encrypted);
}

export type { ExtensionHeader };
