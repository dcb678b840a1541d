/**
 * The benchmark capture: a home link of three home agents serving a fixed
 * population of mobile nodes, for as long as it takes to reach the packet
 * count asked for. Everything runs under ESP NULL (HMAC-SHA1-96 between MNs
 * and HAs, HMAC-SHA-256-128 between HAs), as the specs require:
 *
 * - every MN registers once in the first refresh period, then refreshes every
 *   REFRESH seconds with a 600 s lifetime (BU + BA);
 * - the three HAs exchange Hellos every second (group 7, HA1 active);
 * - from t = 600 s, HA3 is taken down for maintenance: it sends an RFC 5142
 *   Home Agent Switch listing HA1 to each of its MNs at MAX_HA_SWITCH_TRANSMIT_RATE
 *   (one per second), one MN in 50 needs a retransmission after 5 s, and each MN
 *   acknowledges with a de-registration to HA3 and a home registration with HA1.
 *
 * The MN population is fixed, so a longer capture means more time, not more
 * state: the analyzer's memory must not grow with the file.
 *
 * The traffic is conformant: `mip6scope lint` reports no error or warning on it.
 */
import { PcapngWriter } from '../capture/pcapng-writer.js';
import {
  bindingAck, bindingRefreshAdvice, bindingUpdate, espNullAround, ethernet, ETHERTYPE_IPV6, homeAddressOption,
  homeAgentHello, homeAgentSwitch, ipv6, mobility, routingType2, type MobilityHeaderParams,
} from '../craft/index.js';
import { haAddress, haMac, haToHaSpi, haToMnSpi, mnCareOf, mnHome, mnToHaSpi, ROUTER_MAC } from '../samples/lab.js';

/** Bumped whenever the generated traffic changes, so cached captures are regenerated. */
export const WORKLOAD_VERSION = 1;

export interface WorkloadOptions {
  /** Packets to write (the capture stops at this count). */
  packets: number;
  /** Mobile nodes served (default 20,000). */
  mobileNodes?: number;
  /** Called every 100,000 packets with the count so far. */
  onProgress?: (written: number) => void;
}

/** 2026-01-15T09:00:00Z, like the samples. */
const START = Date.UTC(2026, 0, 15, 9, 0, 0) / 1000;
/** Seconds between an MN's refreshes (lifetime 600 s). */
const REFRESH = 500;
const LIFETIME_UNITS = 150;
const MAINTENANCE_AT = 600;
const GROUP_ID = 7;
const BA_DELAY = 0.004;

interface Pending { t: number; data: Uint8Array }

/** MN i's state: which HA serves it and its next BU sequence number. */
interface MobileNode { ha: number; seq: number; busyUntil: number }

export function writeWorkload(path: string, opts: WorkloadOptions): number {
  const mnCount = opts.mobileNodes ?? 20_000;
  const writer = new PcapngWriter(path, {
    sectionComment: `mip6scope benchmark workload: ${mnCount} MNs, 3 HAs, registrations, refreshes, Hellos and an RFC 5142 maintenance switch under ESP NULL`,
    userAppl: 'mip6scope bench',
  });
  const ifId = writer.addInterface({ linktype: 1, name: 'home-link' });
  const counters = new Map<number, number>();
  const nextSeq = (spi: number): number => {
    const s = ((counters.get(spi) ?? 0) + 1) >>> 0;
    counters.set(spi, s);
    return s;
  };
  const mnToHa = (mn: number, ha: number, m: MobilityHeaderParams): Uint8Array => {
    const spi = mnToHaSpi(mn, ha);
    const payload = espNullAround(mobility(m), { spi, seq: nextSeq(spi), icvLength: 12 });
    return ethernet(ROUTER_MAC, haMac(ha), ETHERTYPE_IPV6,
      ipv6({ src: mnCareOf(mn), dst: haAddress(ha), extensions: [homeAddressOption(mnHome(mn))], payload }));
  };
  const haToMn = (ha: number, mn: number, m: MobilityHeaderParams): Uint8Array => {
    const spi = haToMnSpi(mn, ha);
    const payload = espNullAround(mobility(m), { spi, seq: nextSeq(spi), icvLength: 12 });
    return ethernet(haMac(ha), ROUTER_MAC, ETHERTYPE_IPV6,
      ipv6({ src: haAddress(ha), dst: mnCareOf(mn), extensions: [routingType2(mnHome(mn))], payload }));
  };
  const haToHa = (from: number, to: number, m: MobilityHeaderParams): Uint8Array => {
    const spi = haToHaSpi(from, to);
    const payload = espNullAround(mobility(m), { spi, seq: nextSeq(spi), icvLength: 16 });
    return ethernet(haMac(from), haMac(to), ETHERTYPE_IPV6, ipv6({ src: haAddress(from), dst: haAddress(to), payload }));
  };
  const bu = (seq: number, lifetime: number): MobilityHeaderParams =>
    bindingUpdate({ sequence: seq, flags: { A: true, H: true, K: true }, lifetimeUnits: lifetime });
  const ba = (seq: number, lifetime: number): MobilityHeaderParams =>
    bindingAck({ status: 0, flags: { K: true }, sequence: seq, lifetimeUnits: lifetime });

  const mns: MobileNode[] = [];
  // MNs by the second (mod REFRESH) of their refresh phase, and their offset inside it.
  const byPhase: number[][] = Array.from({ length: REFRESH }, () => []);
  const phaseFrac: number[] = [];
  for (let i = 0; i < mnCount; i++) {
    mns.push({ ha: 1 + (i % 3), seq: (i * 37) & 0xffff, busyUntil: 0 });
    byPhase[(i * 7919) % REFRESH]!.push(i);
    phaseFrac.push(((i * 104729) % 997) / 1000);
  }
  const ha3Mns = mns.map((m, i) => (m.ha === 3 ? i : -1)).filter((i) => i >= 0);
  let switchIndex = 0;
  const helloSeq = [0, 1, 1, 1];

  let written = 0;
  const limit = opts.packets;
  // Packets of the current second and, for switches, of the seconds after it, kept sorted on flush.
  let queue: Pending[] = [];
  const emit = (p: Pending): void => {
    const micros = Math.round((START + p.t) * 1e6);
    const sec = Math.floor(micros / 1e6);
    writer.writePacket(ifId, sec, (micros - sec * 1e6) * 1000, p.data);
    written++;
    if (opts.onProgress && written % 100_000 === 0) opts.onProgress(written);
  };
  const register = (t: number, mn: number, ha: number, lifetime = LIFETIME_UNITS): void => {
    const node = mns[mn]!;
    const seq = node.seq;
    node.seq = (seq + 1) & 0xffff;
    queue.push({ t, data: mnToHa(mn, ha, bu(seq, lifetime)) }, { t: t + BA_DELAY, data: haToMn(ha, mn, ba(seq, lifetime)) });
  };

  for (let second = 0; written < limit; second++) {
    // Hellos: each HA to each peer, once a second.
    for (let ha = 1; ha <= 3; ha++) {
      for (let peer = 1; peer <= 3; peer++) {
        if (peer === ha) continue;
        queue.push({
          t: second + ha * 0.003 + peer * 0.0005,
          data: haToHa(ha, peer, homeAgentHello({
            sequence: helloSeq[ha]!++ & 0xffff, preference: 40 - ha * 10, lifetime: 3, helloInterval: 1, groupId: GROUP_ID, active: ha === 1,
          })),
        });
      }
    }
    // Registrations in the first period, refreshes after it.
    for (const mn of byPhase[second % REFRESH]!) {
      if (mns[mn]!.busyUntil > second) continue; // in the middle of a switch
      register(second + 0.01 + phaseFrac[mn]! * 0.98, mn, mns[mn]!.ha);
    }
    // Maintenance: one new Home Agent Switch a second from HA3.
    if (second >= MAINTENANCE_AT && switchIndex < ha3Mns.length) {
      const mn = ha3Mns[switchIndex++]!;
      const node = mns[mn]!;
      const t0 = second + 0.5;
      const sw: MobilityHeaderParams = { ...homeAgentSwitch({ homeAgents: [haAddress(1)] }), options: [bindingRefreshAdvice(15)] };
      queue.push({ t: t0, data: haToMn(3, mn, sw) });
      let t = t0;
      if (switchIndex % 50 === 0) {
        // A slow MN: retransmission after INITIAL_HA_SWITCH_TIMEOUT, between the new switches.
        t += 5.25;
        queue.push({ t, data: haToMn(3, mn, sw) });
      }
      register(t + 0.2, mn, 3, 0);
      register(t + 0.3, mn, 1);
      node.ha = 1;
      node.busyUntil = t + 1;
    }
    // Write what is due before the next second starts, in time order.
    queue.sort((a, b) => a.t - b.t);
    let k = 0;
    while (k < queue.length && queue[k]!.t < second + 1 && written < limit) emit(queue[k++]!);
    queue = k === queue.length ? [] : queue.slice(k);
  }
  writer.close();
  return written;
}
