/**
 * Every rule: a small crafted exchange that makes it fire on the expected frame,
 * and a conformant (or near-miss) one that keeps it quiet. Frames are numbered
 * from 1 in time order.
 */
import { describe, expect, it } from 'vitest';
import { ALL_RULES } from '../../src/analyze/rules/index.js';
import {
  alternateCareOfAddress, bindingAck, dhaadRequest, mobileNetworkPrefix, bindingCacheEntryInformation, bindingCacheInformation, bindingError, bindingInformationAck,
  bindingInformationRequest, bindingInformationUpdate, bindingRefreshAdvice, bindingUpdate, homeAgentControl, homeAgentHello,
  homeAgentSwitch, hahaHello, haSwitchRequest, homeTestInit, icmpv6, ipAddressOption, HARELIABILITY_IP_CODE, HAHA_IP_CODE,
  LAB_KEYS, routerAdvertisement, stateSynchronization, vharMnContextUpdateReply, vharMnContextUpdateRequest, vharSeqNoSynch,
  vharMnReleaseRequest, vharSpReply, vharSpSynch, type MhMessage,
} from '../../src/craft/index.js';
import { buildProfile } from '../../src/profile/profile.js';
import { SaTable } from '../../src/esp/sa.js';
import { haAddress, haLinkLocal, haMac, Lab, mnCareOf, mnHome, mnToHaSpi, ROUTER_MAC } from '../../src/samples/lab.js';
import { byRule, lint, show, type Packet } from './helpers.js';
import { ack, hasTo, hello, hellos, reg, registered } from './lab-packets.js';

interface Case {
  fire: () => Packet[];
  /** Frames the rule must report (non-info unless the rule is info by default). */
  frames: number[];
  quiet: () => Packet[];
  severity?: string;
  setup?: Parameters<typeof lint>[2];
}

const espKeys = (ctx: Parameters<NonNullable<Case['setup']>>[0]): void => {
  const t = new SaTable();
  t.add({ spi: mnToHaSpi(1, 1), src: null, dst: null, enc: 'null', encKey: Buffer.alloc(0), auth: 'hmac-sha1-96', authKey: Buffer.from(LAB_KEYS.hmacSha1), esn: false, replayWindow: 64, origin: { file: 'test', line: 1 } });
  ctx.saTable = t;
};

const CASES: Record<string, Case> = {
  'MH-CHECKSUM': {
    fire: () => { const l = new Lab(); return [{ t: 0, data: l.mnToHa(1, 1, { ...reg(1), checksumAdjust: 1 }) }]; },
    frames: [1],
    quiet: () => registered(new Lab(), 0, 1, 1, 1),
  },
  'MH-PAYLOAD-PROTO': {
    fire: () => { const l = new Lab(); return [{ t: 0, data: l.mnToHa(1, 1, { ...reg(1), payloadProto: 6 }, { esp: false }) }]; },
    frames: [1],
    quiet: () => registered(new Lab(), 0, 1, 1, 1),
  },
  'MH-LENGTH': {
    fire: () => { const l = new Lab(); return [{ t: 0, data: l.mnToHa(1, 1, { type: 5, body: Uint8Array.of(0, 3) }) }]; },
    // Two problems on one packet: Header Len below the minimum, and the fixed fields overrun.
    frames: [1, 1],
    quiet: () => registered(new Lab(), 0, 1, 1, 1),
  },
  'MH-OPTION': {
    // Alternate Care-of Address is not allowed in a BA (RFC 6275 6.1.8).
    fire: () => { const l = new Lab(); return [{ t: 0, data: l.mnToHa(1, 1, reg(1)) }, { t: 0.01, data: l.haToMn(1, 1, { ...ack(1), options: [alternateCareOfAddress('2001:db8:77::1')] }) }]; },
    frames: [2],
    quiet: () => { const l = new Lab(); return [{ t: 0, data: l.mnToHa(1, 1, { ...reg(1), options: [alternateCareOfAddress('2001:db8:77::1')] }) }, { t: 0.01, data: l.haToMn(1, 1, { ...ack(1), options: [bindingRefreshAdvice(10)] }) }]; },
  },
  'MH-RESERVED': {
    fire: () => { const l = new Lab(); return [{ t: 0, data: l.mnToHa(1, 1, { type: 5, body: Uint8Array.of(0, 1, 0xc0, 0x01, 0, 150) }) }]; },
    frames: [1],
    quiet: () => registered(new Lab(), 0, 1, 1, 1),
  },
  'MH-UNKNOWN-TYPE': {
    fire: () => { const l = new Lab(); return [{ t: 0, data: l.haToHa(1, 2, { type: 200, body: new Uint8Array(10) }) }, { t: 5, data: l.haToHa(1, 2, hello(1)) }]; },
    frames: [1],
    quiet: () => { const l = new Lab(); return [{ t: 0, data: l.haToHa(1, 2, { type: 200, body: new Uint8Array(10) }) }, { t: 0.1, data: l.haToHa(2, 1, bindingError(2, haAddress(1))) }, { t: 5, data: l.haToHa(1, 2, hello(1)) }]; },
  },
  'MH-UNPROTECTED': {
    fire: () => { const l = new Lab(); return [{ t: 0, data: l.mnToHa(1, 1, reg(1), { esp: false }) }, { t: 0.01, data: l.haToMn(1, 1, ack(1)) }]; },
    frames: [1],
    quiet: () => { const l = new Lab(); return [...registered(l, 0, 1, 1, 1), { t: 1, data: l.haToHa(1, 2, hello(1)) }, { t: 2, data: l.haToHa(1, 2, hello(2), { esp: false, dst: 'ff02::1' }) }]; },
  },
  'MH-RATE': {
    fire: () => { const l = new Lab(); return [0, 0.1, 0.2, 0.3].map((t, k) => ({ t, data: l.mnToHa(1, 1, bindingUpdate({ sequence: 10 + k, flags: { H: true }, lifetimeUnits: 150 })) })); },
    frames: [4],
    quiet: () => { const l = new Lab(); return [0, 0.34, 0.67, 1.0, 1.34].map((t, k) => ({ t, data: l.mnToHa(1, 1, bindingUpdate({ sequence: 10 + k, flags: { H: true }, lifetimeUnits: 150 })) })); },
  },
  'BU-SEQUENCE': {
    fire: () => { const l = new Lab(); return [{ t: 0, data: l.mnToHa(1, 1, reg(5)) }, { t: 1.5, data: l.mnToHa(1, 1, reg(5)) }, { t: 1.51, data: l.haToMn(1, 1, ack(5)) }]; },
    frames: [2],
    quiet: () => { const l = new Lab(); return [{ t: 0, data: l.mnToHa(1, 1, reg(65535)) }, { t: 1.5, data: l.mnToHa(1, 1, reg(0)) }, { t: 1.51, data: l.haToMn(1, 1, ack(0)) }]; },
  },
  'BU-BACKOFF': {
    fire: () => { const l = new Lab(); return [{ t: 0, data: l.mnToHa(1, 1, reg(1)) }, { t: 1.5, data: l.mnToHa(1, 1, reg(2)) }, { t: 2.5, data: l.mnToHa(1, 1, reg(3)) }, { t: 2.51, data: l.haToMn(1, 1, ack(3)) }]; },
    frames: [3],
    quiet: () => { const l = new Lab(); return [{ t: 0, data: l.mnToHa(1, 1, reg(1)) }, { t: 1.5, data: l.mnToHa(1, 1, reg(2)) }, { t: 4.5, data: l.mnToHa(1, 1, reg(3)) }, { t: 4.51, data: l.haToMn(1, 1, ack(3)) }]; },
  },
  'BU-UNANSWERED': {
    fire: () => { const l = new Lab(); return [{ t: 0, data: l.mnToHa(1, 1, reg(1)) }, { t: 30, data: l.haToHa(1, 2, hello(1)) }]; },
    frames: [1],
    quiet: () => { const l = new Lab(); return [...registered(l, 0, 1, 1, 1), { t: 30, data: l.haToHa(1, 2, hello(1)) }]; },
  },
  'RR-COOKIE': {
    fire: () => { const l = new Lab(); return [0, 1].map((t) => ({ t, data: l.mnToHa(1, 1, homeTestInit(0x1122334455667788n)) })); },
    frames: [2],
    quiet: () => { const l = new Lab(); return [0, 1].map((t, k) => ({ t, data: l.mnToHa(1, 1, homeTestInit(0x1122334455667788n + BigInt(k))) })); },
  },
  'BA-STATUS': {
    fire: () => { const l = new Lab(); return [{ t: 0, data: l.mnToHa(1, 1, reg(1)) }, { t: 0.01, data: l.haToMn(1, 1, ack(1, 0, 129)) }]; },
    frames: [2],
    severity: 'info',
    quiet: () => registered(new Lab(), 0, 1, 1, 1),
  },
  'HAS-ADDRESS-COUNT': {
    fire: () => { const l = new Lab(); return [{ t: 0, data: l.haToMn(1, 1, { type: 12, body: Uint8Array.of(2, 0, ...new Uint8Array(16)) }) }]; },
    frames: [1],
    quiet: () => { const l = new Lab(); return [{ t: 0, data: l.haToMn(1, 1, hasTo([2])) }]; },
  },
  'HAS-BACKOFF': {
    fire: () => { const l = new Lab(); return [{ t: 0, data: l.haToMn(1, 1, hasTo([2])) }, { t: 5, data: l.haToMn(1, 1, hasTo([2])) }, { t: 10, data: l.haToMn(1, 1, hasTo([2])) }]; },
    frames: [3],
    quiet: () => { const l = new Lab(); return [0, 5, 15, 35, 55].map((t) => ({ t, data: l.haToMn(1, 1, hasTo([2])) })); },
  },
  'HAS-RETRANSMIT-AFTER-ACK': {
    fire: () => { const l = new Lab(); return [...registered(l, 0, 1, 1, 1), { t: 10, data: l.haToMn(1, 1, hasTo([2])) }, { t: 11, data: l.mnToHa(1, 1, reg(2, 0)) }, { t: 15, data: l.haToMn(1, 1, hasTo([2])) }]; },
    frames: [5],
    quiet: () => { const l = new Lab(); return [...registered(l, 0, 1, 1, 1), { t: 10, data: l.haToMn(1, 1, hasTo([2])) }, { t: 15, data: l.haToMn(1, 1, hasTo([2])) }, { t: 16, data: l.mnToHa(1, 1, reg(2, 0)) }]; },
  },
  'HAS-RATE': {
    fire: () => { const l = new Lab(); return [0, 0.5].map((t, i) => ({ t, data: l.haToMn(1, i, hasTo([2])) })); },
    frames: [2],
    quiet: () => { const l = new Lab(); return [0, 1, 2, 3].map((t, i) => ({ t, data: l.haToMn(1, i, hasTo([2])) })); },
  },
  'HAS-UNANSWERED': {
    fire: () => { const l = new Lab(); return [...registered(l, 0, 1, 1, 1), { t: 10, data: l.haToMn(1, 1, hasTo([2])) }, { t: 40, data: l.haToHa(1, 2, hello(1)) }]; },
    frames: [3],
    quiet: () => { const l = new Lab(); return [...registered(l, 0, 1, 1, 1), { t: 10, data: l.haToMn(1, 1, hasTo([2])) }, { t: 10.5, data: l.mnToHa(1, 1, reg(2, 0)) }, { t: 40, data: l.haToHa(1, 2, hello(1)) }]; },
  },
  'HAS-LIFETIME-EXTENDED': {
    fire: () => { const l = new Lab(); return [...registered(l, 0, 1, 1, 1), { t: 10, data: l.haToMn(1, 1, hasTo([2], { refresh: 15 })) }, ...registered(l, 11, 1, 1, 2)]; },
    frames: [5],
    quiet: () => { const l = new Lab(); return [...registered(l, 0, 1, 1, 1), { t: 10, data: l.haToMn(1, 1, hasTo([2], { refresh: 15 })) }, { t: 11, data: l.mnToHa(1, 1, reg(2)) }, { t: 11.01, data: l.haToMn(1, 1, ack(2, 0, 129)) }]; },
  },
  'HAS-SENDER-NOT-HA': {
    fire: () => { const l = new Lab(); return [...registered(l, 0, 1, 1, 1), { t: 10, data: l.haToMn(3, 1, hasTo([2])) }]; },
    frames: [3],
    quiet: () => { const l = new Lab(); return [...registered(l, 0, 1, 1, 1), { t: 10, data: l.haToMn(3, 1, hasTo([3])) }]; },
  },
  'HAS-MN-SELECTION': {
    fire: () => { const l = new Lab(); return [...registered(l, 0, 1, 1, 1), { t: 10, data: l.haToMn(2, 1, hasTo([2], { rekey: true })) }, ...registered(l, 12, 1, 2, 2)]; },
    frames: [4],
    quiet: () => { const l = new Lab(); return [...registered(l, 0, 1, 1, 1), { t: 10, data: l.haToMn(2, 1, hasTo([2], { rekey: true })) }, ...registered(l, 12, 1, 1, 2)]; },
  },
  'HAR-HELLO-SEQUENCE': {
    fire: () => { const l = new Lab(); return [1, 2, 2].map((s, k) => ({ t: k, data: l.haToHa(1, 2, hello(s)) })); },
    frames: [3],
    quiet: () => { const l = new Lab(); return [1, 2, 3, 1].map((s, k) => ({ t: k < 3 ? k : 20, data: l.haToHa(1, 2, hello(s)) })); },
  },
  'HAR-HELLO-SOURCE': {
    fire: () => { const l = new Lab(); return [{ t: 0, data: l.haToHa(1, 2, hello(1), { src: haLinkLocal(1) }) }]; },
    frames: [1],
    quiet: () => { const l = new Lab(); return [{ t: 0, data: l.haToHa(1, 2, hello(1)) }]; },
  },
  'HAR-HELLO-GROUP': {
    fire: () => { const l = new Lab(); return [{ t: 0, data: l.haToHa(2, 1, hello(1, { group: 9 })) }, { t: 0.5, data: l.haToHa(1, 2, hello(1, { group: 7 })) }]; },
    frames: [2],
    quiet: () => { const l = new Lab(); return [{ t: 0, data: l.haToHa(2, 1, hello(1)) }, { t: 0.5, data: l.haToHa(1, 2, hello(1)) }]; },
  },
  'HAR-HELLO-UNANSWERED': {
    fire: () => { const l = new Lab(); return [{ t: 0, data: l.haToHa(2, 1, hello(1, { r: true })) }, { t: 10, data: l.haToHa(2, 3, hello(2)) }]; },
    frames: [1],
    quiet: () => { const l = new Lab(); return [{ t: 0, data: l.haToHa(2, 1, hello(1, { r: true })) }, { t: 0.1, data: l.haToHa(1, 2, hello(1)) }, { t: 10, data: l.haToHa(2, 3, hello(2)) }]; },
  },
  'HAR-HELLO-INTERVAL': {
    fire: () => { const l = new Lab(); return [0, 1, 2.5].map((t, k) => ({ t, data: l.haToHa(1, 2, hello(k + 1)) })); },
    frames: [3],
    quiet: () => { const l = new Lab(); return [0, 1, 2.05, 10].map((t, k) => ({ t, data: l.haToHa(1, 2, hello(k + 1)) })); },
  },
  'HAR-SPLIT-BRAIN': {
    fire: () => { const l = new Lab(); return [{ t: 0, data: l.haToHa(1, 2, hello(1, { active: true })) }, { t: 0.5, data: l.haToHa(2, 1, hello(1, { active: true })) }]; },
    frames: [2],
    quiet: () => { const l = new Lab(); return [{ t: 0, data: l.haToHa(1, 2, hello(1, { active: true })) }, { t: 0.4, data: l.haToHa(1, 2, hello(2, { active: false })) }, { t: 0.5, data: l.haToHa(2, 1, hello(1, { active: true })) }]; },
  },
  'HAR-FAILOVER': {
    // HA1 (active) stops; HA3 (preference 10) takes over although HA2 (preference 20) is alive.
    fire: () => { const l = new Lab(); return [...hellos(l, 1, 2, 0, 3, { active: () => true, pref: 30 }), ...hellos(l, 2, 3, 0, 12, { pref: 20 }), ...hellos(l, 3, 2, 0, 12, { active: (t) => t >= 7, pref: 10 })]; },
    // HA3's first Hello with A (t = 7.009): frames 1-12 are the three HAs at 0-3 s, then HA2 and HA3 each second.
    frames: [20],
    severity: 'error',
    quiet: () => { const l = new Lab(); return [...hellos(l, 1, 2, 0, 3, { active: () => true, pref: 30 }), ...hellos(l, 2, 3, 0, 12, { active: (t) => t >= 7, pref: 20 }), ...hellos(l, 3, 2, 0, 12, { pref: 10 })]; },
  },
  'HAR-SWITCH-COVERAGE': {
    fire: () => { const l = new Lab(); return [...registered(l, 0.2, 1, 1, 1), ...registered(l, 0.3, 2, 1, 1), ...hellos(l, 1, 2, 0, 3, { active: () => true, pref: 30 }), ...hellos(l, 2, 3, 0, 20, { active: (t) => t >= 7, pref: 20 }), { t: 7.5, data: l.haToMn(2, 1, hasTo([2])) }, ...registered(l, 7.6, 1, 2, 2)]; },
    // Reported on the takeover, HA2's first Hello with A (t = 7.006): 4 BU/BA and HA1's and HA2's Hellos of 0-3 s, then HA2's alone.
    frames: [16],
    quiet: () => { const l = new Lab(); return [...registered(l, 0.2, 1, 1, 1), ...registered(l, 0.3, 2, 1, 1), ...hellos(l, 1, 2, 0, 3, { active: () => true, pref: 30 }), ...hellos(l, 2, 3, 0, 20, { active: (t) => t >= 7, pref: 20 }), { t: 7.5, data: l.haToMn(2, 1, hasTo([2])) }, ...registered(l, 7.6, 1, 2, 2), { t: 8.5, data: l.haToMn(2, 2, hasTo([2])) }, ...registered(l, 8.6, 2, 2, 2)]; },
  },
  'HAR-SYNC-IDENTIFIER': {
    fire: () => { const l = new Lab(); return [{ t: 0, data: l.haToHa(2, 1, { ...stateSynchronization('request', 5), options: [ipAddressOption(HARELIABILITY_IP_CODE.homeAddress, mnHome(0))] }) }, { t: 0.01, data: l.haToHa(1, 2, { ...stateSynchronization('reply', 6), options: [bindingCacheInformation({ flags: 0, sequence: 1, lifetimeUnits: 1, homeAddress: mnHome(0), careOfAddress: '2001:db8:77::1' })] }) }]; },
    frames: [2],
    quiet: () => { const l = new Lab(); return [{ t: 0, data: l.haToHa(2, 1, { ...stateSynchronization('request', 5), options: [ipAddressOption(HARELIABILITY_IP_CODE.homeAddress, mnHome(0))] }) }, { t: 0.01, data: l.haToHa(1, 2, { ...stateSynchronization('reply', 5), options: [bindingCacheInformation({ flags: 0, sequence: 1, lifetimeUnits: 1, homeAddress: mnHome(0), careOfAddress: '2001:db8:77::1' })] }) }]; },
  },
  'HAR-SYNC-OPTIONS': {
    fire: () => { const l = new Lab(); return [{ t: 0, data: l.haToHa(2, 1, stateSynchronization('request', 5)) }, { t: 0.01, data: l.haToHa(1, 2, stateSynchronization('reply', 5)) }]; },
    frames: [1, 2],
    quiet: () => CASES['HAR-SYNC-IDENTIFIER']!.quiet(),
  },
  'HAR-SYNC-UNANSWERED': {
    fire: () => { const l = new Lab(); return [{ t: 0, data: l.haToHa(2, 1, { ...stateSynchronization('request', 5), options: [ipAddressOption(HARELIABILITY_IP_CODE.homeAddress, mnHome(0))] }) }, { t: 20, data: l.haToHa(2, 1, hello(1)) }]; },
    frames: [1],
    quiet: () => [...CASES['HAR-SYNC-IDENTIFIER']!.quiet(), { t: 20, data: new Lab().haToHa(2, 1, hello(1)) }],
  },
  'HAR-CONTROL': {
    fire: () => { const l = new Lab(); return [{ t: 0, data: l.haToHa(1, 2, hello(1, { active: true })) }, { t: 0.5, data: l.haToHa(1, 2, homeAgentControl('switchOverRequest')) }]; },
    frames: [2],
    quiet: () => { const l = new Lab(); return [{ t: 0, data: l.haToHa(1, 2, hello(1, { active: true })) }, { t: 0.5, data: l.haToHa(1, 2, homeAgentControl('switchBackRequest')) }, { t: 0.51, data: l.haToHa(2, 1, homeAgentControl('switchBackReply', 0)) }]; },
  },
  'HAR-LINK-TRAVERSAL': {
    fire: () => { const l = new Lab(); return [{ t: 0, data: l.haToHa(2, 1, hello(1)) }, { t: 0.5, data: l.haToHa(1, 2, homeAgentControl('switchBackRequest')) }, { t: 0.51, data: l.haToHa(2, 1, homeAgentControl('switchBackReply', 0)) }, { t: 0.53, data: l.haToHa(2, 1, hello(2, { active: true })) }]; },
    frames: [4],
    quiet: () => { const l = new Lab(); return [{ t: 0, data: l.haToHa(2, 1, hello(1)) }, { t: 0.5, data: l.haToHa(1, 2, homeAgentControl('switchBackRequest')) }, { t: 0.51, data: l.haToHa(2, 1, homeAgentControl('switchBackReply', 0)) }, { t: 0.7, data: l.haToHa(2, 1, hello(2, { active: true })) }]; },
  },
  'HAR-BACKOFF': {
    fire: () => { const l = new Lab(); return [0, 1].map((t) => ({ t, data: l.haToHa(2, 1, { ...stateSynchronization('request', 5), options: [ipAddressOption(HARELIABILITY_IP_CODE.homeAddress, mnHome(0))] }) })); },
    frames: [2],
    quiet: () => { const l = new Lab(); return [0, 3, 9].map((t) => ({ t, data: l.haToHa(2, 1, { ...stateSynchronization('request', 5), options: [ipAddressOption(HARELIABILITY_IP_CODE.homeAddress, mnHome(0))] }) })); },
  },
  'HAR-RATE': {
    fire: () => { const l = new Lab(); return [0, 0.1, 0.2, 0.3].map((t, k) => ({ t, data: l.haToHa(1, 2, k % 2 ? hello(k + 1) : homeAgentControl('switchBackRequest')) })); },
    frames: [4],
    quiet: () => { const l = new Lab(); return [0, 0.5, 1, 1.5].map((t, k) => ({ t, data: l.haToHa(1, 2, hello(k + 1)) })); },
  },
  'HAHA-ACK': {
    fire: () => { const l = new Lab(); return [{ t: 0, data: l.haToHa(1, 2, { ...bindingInformationUpdate(3), options: [bce()] }) }, { t: 10, data: l.haToHa(1, 2, hello(1)) }]; },
    frames: [1],
    quiet: () => { const l = new Lab(); return [{ t: 0, data: l.haToHa(1, 2, { ...bindingInformationUpdate(3), options: [bce()] }) }, { t: 0.01, data: l.haToHa(2, 1, bindingInformationAck(3)) }, { t: 10, data: l.haToHa(1, 2, hello(1)) }]; },
  },
  'HAHA-IDENTIFIER': {
    fire: () => { const l = new Lab(); return [{ t: 0, data: l.haToHa(2, 1, bindingInformationAck(9)) }]; },
    frames: [1],
    // A solicited exchange (the Update copies the Request's Identifier, the Acknowledgment the Update's) and a proactive Update.
    quiet: () => { const l = new Lab(); return [{ t: 0, data: l.haToHa(3, 1, { ...bindingInformationRequest(7), options: [ipAddressOption(HAHA_IP_CODE.homeAddress, mnHome(0))] }) }, { t: 0.01, data: l.haToHa(1, 3, { ...bindingInformationUpdate(7), options: [bce()] }) }, { t: 0.02, data: l.haToHa(3, 1, bindingInformationAck(7)) }, { t: 5, data: l.haToHa(1, 2, { ...bindingInformationUpdate(0x2b1), options: [bce()] }) }, { t: 5.01, data: l.haToHa(2, 1, bindingInformationAck(0x2b1)) }]; },
  },
  'HAHA-OPTIONS': {
    fire: () => { const l = new Lab(); return [{ t: 0, data: l.haToHa(1, 2, bindingInformationUpdate(3)) }, { t: 0.01, data: l.haToHa(2, 1, bindingInformationAck(3)) }]; },
    frames: [1],
    quiet: () => { const l = new Lab(); return [{ t: 0, data: l.haToHa(3, 1, { ...bindingInformationRequest(7), options: [ipAddressOption(HAHA_IP_CODE.homeAddress, mnHome(4))] }) }, { t: 0.01, data: l.haToHa(1, 3, { ...bindingInformationUpdate(7), options: [bce()] }) }]; },
  },
  'HAHA-HELLO-SEQUENCE': {
    fire: () => { const l = new Lab(); return [5, 5].map((s, k) => ({ t: k * 5, data: l.haToHa(1, 2, hahaHi(s)) })); },
    frames: [2],
    // Gaps are fine; so is a sender keeping one counter per peer (HA1 numbers its HELLOs to HA2 and to HA3 from 5 each).
    quiet: () => { const l = new Lab(); return [5, 6, 8].flatMap((s, k) => [{ t: k * 5, data: l.haToHa(1, 2, hahaHi(s)) }, { t: k * 5 + 0.1, data: l.haToHa(1, 3, hahaHi(s)) }]); },
  },
  'HAHA-BINDING-CONFLICT': {
    fire: () => { const l = new Lab(); return [{ t: 0, data: l.haToHa(1, 2, hahaHi(1)) }, { t: 0.1, data: l.haToHa(2, 1, hahaHi(1, 2)) }, ...registered(l, 1, 0, 1, 1), ...registered(l, 2, 0, 2, 2)]; },
    frames: [6],
    quiet: () => { const l = new Lab(); return [{ t: 0, data: l.haToHa(1, 2, hahaHi(1)) }, { t: 0.1, data: l.haToHa(2, 1, hahaHi(1, 2)) }, ...registered(l, 1, 0, 1, 1), { t: 1.5, data: l.mnToHa(0, 1, reg(2, 0)) }, { t: 1.51, data: l.haToMn(1, 0, ack(2, 0)) }, ...registered(l, 2, 0, 2, 3)]; },
  },
  'HAHA-SWITCH-REQUEST': {
    fire: () => { const l = new Lab(); return [...registered(l, 0, 1, 1, 1), { t: 1, data: l.haToMn(1, 1, haSwitchRequest()) }, ...registered(l, 5, 1, 1, 2), { t: 40, data: l.haToHa(1, 2, hello(1)) }]; },
    frames: [3],
    quiet: () => { const l = new Lab(); return [...registered(l, 0, 1, 1, 1), { t: 1, data: l.haToMn(1, 1, haSwitchRequest()) }, ...registered(l, 5, 1, 2, 2), { t: 40, data: l.haToHa(1, 2, hello(1)) }]; },
  },
  'VHAR-LINK-LOCAL': {
    fire: () => { const l = new Lab(); return [{ t: 0, data: l.custom(haMac(1), haMac(2), { src: haAddress(1), dst: haAddress(2), hopLimit: 255, payload: icmpv6(vharSpReply(3)) }) }]; },
    frames: [1],
    quiet: () => { const l = new Lab(); return [{ t: 0, data: l.haIcmpLinkLocal(1, 2, vharSpReply(3)) }]; },
  },
  'VHAR-FLAGS': {
    fire: () => [{ t: 0, data: ra(1, { A: true, B: true }) }],
    frames: [1],
    quiet: () => [{ t: 0, data: ra(1, { A: true }) }, { t: 0.1, data: ra(2, { B: true }) }],
  },
  'VHAR-ACTIVE': {
    fire: () => [0, 3, 6].flatMap((t) => [{ t, data: ra(1, { A: true }) }, { t: t + 0.1, data: ra(2, { A: t >= 3 }) }]),
    // Both keep advertising A after seeing the other do so: known at HA1's RA after HA2's first with A; HA2's next is the same conflict.
    frames: [5],
    quiet: () => [...[0, 3, 6].map((t) => ({ t, data: ra(1, { A: true }) })), ...[0.1, 3.1, 6.1, 9.1, 12.1].map((t) => ({ t, data: ra(2, { A: t >= 9, B: t < 9 }) }))],
  },
  'VHAR-BACKUPS': {
    fire: () => [{ t: 0, data: ra(1, { A: true }) }, { t: 0.1, data: ra(2, { B: true }) }],
    frames: [1],
    quiet: () => [{ t: 0, data: ra(1, { A: true }) }, { t: 0.1, data: ra(2, { B: true }) }, { t: 0.2, data: ra(3, { B: true }) }],
  },
  'VHAR-UNANSWERED': {
    fire: () => { const l = new Lab(); return [{ t: 0, data: l.haIcmpLinkLocal(1, 2, vharSpSynch(4, [])) }, { t: 10, data: ra(1, { A: true }) }]; },
    frames: [1],
    quiet: () => { const l = new Lab(); return [{ t: 0, data: l.haIcmpLinkLocal(1, 2, vharMnContextUpdateRequest(4, [])) }, { t: 0.01, data: l.haIcmpLinkLocal(2, 1, vharMnContextUpdateReply(4)) }, { t: 10, data: ra(1, { A: true }) }]; },
  },
  'VHAR-SEQNO-SYNC': {
    fire: () => { const l = new Lab(); return [{ t: 0, data: l.haIcmpLinkLocal(2, 3, vharSeqNoSynch(0x1234, 4096n, 64n)) }, { t: 10, data: ra(1, { A: true }) }]; },
    frames: [1],
    quiet: () => { const l = new Lab(); return [0, 0.01].map((t) => ({ t, data: l.haIcmpLinkLocal(2, 3, vharSeqNoSynch(0x1234, 4096n, 64n)) })); },
  },
  'VHAR-FAILOVER': {
    fire: () => [{ t: 0, data: ra(1, { A: true }) }, { t: 3, data: ra(1, { A: true }) }, { t: 6.2, data: ra(2, { A: true }) }],
    frames: [3],
    severity: 'info',
    quiet: () => [{ t: 0, data: ra(1, { A: true }) }, { t: 3, data: ra(1, { A: true }) }, { t: 3.2, data: ra(2, { B: true }) }],
  },
  'ESP-SEQUENCE': {
    fire: () => { const l = new Lab(); return [{ t: 0, data: l.mnToHa(1, 1, reg(1)) }, { t: 1.5, data: l.mnToHa(1, 1, reg(2), { seq: 1 }) }]; },
    frames: [2],
    quiet: () => { const l = new Lab(); return [{ t: 0, data: l.mnToHa(1, 1, reg(1)) }, { t: 1.5, data: l.mnToHa(1, 1, reg(2)) }]; },
  },
  'ESP-ICV': {
    fire: () => { const l = new Lab(); return [{ t: 0, data: l.mnToHa(1, 1, reg(1), { corruptIcv: true }) }]; },
    frames: [1],
    setup: espKeys,
    quiet: () => { const l = new Lab(); return [{ t: 0, data: l.mnToHa(1, 1, reg(1)) }]; },
  },
  'ESP-OPAQUE': {
    fire: () => { const l = new Lab(); const d = l.mnToHa(1, 1, reg(1)).slice(); d[d.length - 13] = 0xff; d[d.length - 14] = 0x77; return [{ t: 0, data: d }]; },
    frames: [1],
    severity: 'info',
    quiet: () => { const l = new Lab(); return [{ t: 0, data: l.mnToHa(1, 1, reg(1)) }]; },
  },
};

function bce() {
  return bindingCacheEntryInformation({ homeAddress: mnHome(0), careOfAddress: '2001:db8:77::1', flags: 0xd000, sequence: 1, lifetimeUnits: 150 });
}
function hahaHi(seq: number, ha = 1): MhMessage {
  return hahaHello({ sequence: seq, preference: 30, lifetime: 15, helloInterval: 5, prefixLength: 64, homeAgentAddress: haAddress(ha) });
}
function ra(ha: number, flags: { A?: boolean; B?: boolean }): Uint8Array {
  return new Lab().haIcmpLinkLocal(ha, 'all-nodes', routerAdvertisement({ flags: { H: true, ...flags }, routerLifetime: 1800 }));
}

describe('ESP-OPAQUE and ESP-ICV', () => {
  it('a packet that fails its ICV under a keyed SA is an ESP-ICV error, not an SA left unopened for lack of keys', () => {
    const l = new Lab();
    const all = lint([{ t: 0, data: l.mnToHa(1, 1, reg(1)) }, { t: 1, data: l.mnToHa(1, 1, reg(2), { corruptIcv: true }) }], {}, espKeys);
    expect(byRule(all, 'ESP-ICV').map((x) => x.frame), show(all)).toEqual([2]);
    expect(byRule(all, 'ESP-OPAQUE'), show(all)).toEqual([]);
  });
});

describe('every rule in the catalog has a fire and a quiet case', () => {
  it('covers the catalog', () => {
    expect(Object.keys(CASES).sort()).toEqual(ALL_RULES.map((r) => r.meta.id).sort());
  });
});

describe.each(Object.entries(CASES))('%s', (id, c) => {
  const rule = ALL_RULES.find((r) => r.meta.id === id)!;
  const want = c.severity ?? rule.meta.severity;
  it('fires on the expected frame', () => {
    const all = lint(c.fire(), {}, c.setup);
    const f = byRule(all, id).filter((x) => x.severity === want || (want !== 'info' && x.severity !== 'info'));
    expect(c.frames.length, 'a case names the frames its rule must report').toBeGreaterThan(0);
    expect(f.map((x) => x.frame), show(all)).toEqual(c.frames);
    for (const x of f) {
      expect(x.spec).toBe(rule.meta.spec);
      expect(x.file).toBe('test.pcapng');
    }
  });
  it('stays quiet on conformant traffic', () => {
    const all = lint(c.quiet(), {}, c.setup);
    const f = byRule(all, id).filter((x) => want === 'info' ? x.severity === 'info' : x.severity !== 'info');
    expect(f, show(all)).toEqual([]);
  });
  // Rules of a family share the state they follow (registration, switch and exchange flows), fed by
  // whichever of them is installed first: alone, a rule must still see every message.
  it('alone (--rules with this rule only) reports what it reports among all', () => {
    const among = byRule(lint(c.fire(), {}, c.setup), id);
    const alone = lint(c.fire(), { rules: [id] }, c.setup);
    expect(alone.every((x) => x.rule === id), show(alone)).toBe(true);
    expect(alone).toEqual(among);
  });
});

describe('VHAR-LINK-LOCAL and ICMPv6 type 161 (SPEC-NOTES 5)', () => {
  // A 24-byte type 161 between global addresses: RFC 8335 Extended Echo Reply by default,
  // the draft's MN Release Request (and so a scope violation) with vhar-any-scope.
  const release = (): Packet[] => {
    const l = new Lab();
    return [{ t: 0, data: l.custom(haMac(1), haMac(2), { src: haAddress(1), dst: haAddress(2), hopLimit: 255, payload: icmpv6(vharMnReleaseRequest(7, mnHome(1))) }) }];
  };
  it('by default a global 161 is an Extended Echo Reply: nothing for the VHAR rules', () => {
    const all = lint(release());
    expect(byRule(all, 'VHAR-LINK-LOCAL'), show(all)).toEqual([]);
  });
  it('with vhar-any-scope the same packet is a Release Request sent off-link: VHAR-LINK-LOCAL fires', () => {
    const profile = buildProfile({ vharAnyScope: true, source: 'test' });
    const all = lint(release(), { profile });
    expect(byRule(all, 'VHAR-LINK-LOCAL').map((f) => f.frame), show(all)).toEqual([1]);
  });
  it('with vhar-any-scope a link-local Release Request stays quiet', () => {
    const profile = buildProfile({ vharAnyScope: true, source: 'test' });
    const l = new Lab();
    const all = lint([{ t: 0, data: l.haIcmpLinkLocal(1, 2, vharMnReleaseRequest(7, mnHome(1))) }], { profile });
    expect(byRule(all, 'VHAR-LINK-LOCAL'), show(all)).toEqual([]);
  });
});

describe('findings a timer decides describe the packet they concern, not the packet that moved the clock', () => {
  // The analyzer reuses one Facts object for every packet, so a timer callback must not read it.
  it('HAHA-ACK names the Update\'s Identifier', () => {
    const all = lint(CASES['HAHA-ACK']!.fire());
    expect(byRule(all, 'HAHA-ACK').map((f) => [f.frame, f.message, f.flow]), show(all))
      .toEqual([[1, 'Binding Information Update 3 was not acknowledged', '2001:db8:1::a1 -> 2001:db8:1::a2']]);
  });
  it('VHAR-UNANSWERED names the request and its Identifier', () => {
    const l = new Lab();
    const all = lint([{ t: 0, data: l.haIcmpLinkLocal(1, 2, vharSpSynch(4, [])) }, { t: 0.5, data: l.haIcmpLinkLocal(1, 3, vharMnReleaseRequest(9, mnHome(1))) }, { t: 10, data: ra(3, {}) }]);
    expect(byRule(all, 'VHAR-UNANSWERED').map((f) => [f.frame, f.message, f.flow]), show(all)).toEqual([
      [1, 'SP Synch 4 got no reply', 'fe80::a1 -> fe80::a2'],
      [2, 'MN Release Request 9 got no reply', 'fe80::a1 -> fe80::a3'],
    ]);
  });
  it('HAR-HELLO-UNANSWERED names the peer that did not answer', () => {
    const l = new Lab();
    const all = lint([{ t: 0, data: l.haToHa(2, 1, hello(1, { r: true })) }, { t: 10, data: l.haToHa(3, 2, hello(1)) }]);
    expect(byRule(all, 'HAR-HELLO-UNANSWERED').map((f) => [f.frame, f.message, f.flow]), show(all))
      .toEqual([[1, 'Hello with R (reply requested) got no Hello back from 2001:db8:1::a1', '2001:db8:1::a2 -> 2001:db8:1::a1']]);
  });
  it('HAHA-SWITCH-REQUEST names the HA that sent the request', () => {
    const l = new Lab();
    const all = lint([...registered(l, 0, 1, 1, 1), { t: 1, data: l.haToMn(1, 1, haSwitchRequest()) }, ...registered(l, 5, 1, 1, 2), { t: 40, data: l.haToHa(3, 2, hello(1)) }]);
    expect(byRule(all, 'HAHA-SWITCH-REQUEST').map((f) => [f.frame, f.flow]), show(all)).toEqual([[3, '2001:db8:1::a1 -> 2001:db8:1::1001']]);
  });
});

/**
 * Rules whose summary lists several conditions: each condition the main case above does not
 * exercise, with the frame it must be reported on and a near miss that keeps it quiet.
 */
interface Condition {
  rule: string;
  condition: string;
  fire: () => Packet[];
  frames: number[];
  /** Severity of the finding (the rule's own by default). */
  severity?: string;
  quiet: () => Packet[];
}

const BIR_HOME = (id: number): MobilityHeaderParams => ({ ...bindingInformationRequest(id), options: [ipAddressOption(HAHA_IP_CODE.homeAddress, mnHome(0))] });
const SYNC_REQUEST = (id: number): MobilityHeaderParams => ({ ...stateSynchronization('request', id), options: [ipAddressOption(HARELIABILITY_IP_CODE.homeAddress, mnHome(0))] });
const SYNC_REPLY = (id: number): MobilityHeaderParams => ({ ...stateSynchronization('reply', id), options: [bindingCacheInformation({ flags: 0, sequence: 1, lifetimeUnits: 1, homeAddress: mnHome(0), careOfAddress: '2001:db8:77::1' })] });
/** MN 1 registered at HA1, then told to switch by a Home Agent Switch listing `targets`, and de-registering from HA1. */
function switched(l: Lab, targets: number[]): Packet[] {
  return [...registered(l, 0, 1, 1, 1), { t: 10, data: l.haToMn(1, 1, hasTo(targets)) }, { t: 10.5, data: l.mnToHa(1, 1, reg(2, 0)) }, { t: 10.51, data: l.haToMn(1, 1, ack(2, 0)) }];
}
/** Standby HA2 (its Hello without A) asks HA1 to let it take over, unicast, and HA1 replies. */
function switchOver(requestStatus = 0, dst?: string): Packet[] {
  const l = new Lab();
  return [{ t: 0, data: l.haToHa(2, 1, hello(1)) }, { t: 0.5, data: l.haToHa(2, 1, homeAgentControl('switchOverRequest', requestStatus), dst === undefined ? undefined : { dst }) }, { t: 0.51, data: l.haToHa(1, 2, homeAgentControl('switchOverReply', 0)) }];
}
/** Home Agent Address Discovery Request from MN 1 to the home agents' anycast address of 2001:db8:1::/64 (RFC 6275 9.5.3). */
function discovery(l: Lab, t: number): Packet {
  return { t, data: l.custom(ROUTER_MAC, haMac(1), { src: mnCareOf(1), dst: '2001:db8:1::fdff:ffff:ffff:fffe', payload: icmpv6(dhaadRequest(1)) }) };
}

const CONDITIONS: Condition[] = [
  {
    rule: 'BU-SEQUENCE', condition: 'a BA that matches no outstanding Binding Update',
    fire: () => { const l = new Lab(); return [...registered(l, 0, 1, 1, 5), { t: 1, data: l.haToMn(1, 1, ack(9)) }]; },
    frames: [3],
    // A duplicate BA for the BU it already answered.
    quiet: () => { const l = new Lab(); return [...registered(l, 0, 1, 1, 5), { t: 1, data: l.haToMn(1, 1, ack(5)) }]; },
  },
  {
    rule: 'BU-SEQUENCE', condition: 'a mobile node ignoring status 135 (RFC 6275 11.7.3)',
    fire: () => { const l = new Lab(); return [{ t: 0, data: l.mnToHa(1, 1, reg(10)) }, { t: 0.01, data: l.haToMn(1, 1, ack(500, 0, 135)) }, { t: 1, data: l.mnToHa(1, 1, reg(11)) }, { t: 1.01, data: l.haToMn(1, 1, ack(11)) }]; },
    frames: [3],
    quiet: () => { const l = new Lab(); return [{ t: 0, data: l.mnToHa(1, 1, reg(10)) }, { t: 0.01, data: l.haToMn(1, 1, ack(500, 0, 135)) }, { t: 1, data: l.mnToHa(1, 1, reg(501)) }, { t: 1.01, data: l.haToMn(1, 1, ack(501)) }]; },
  },
  {
    rule: 'HAS-MN-SELECTION', condition: 'registering with a home agent the switch did not offer (a SHOULD: warning)',
    fire: () => { const l = new Lab(); return [...switched(l, [2]), ...registered(l, 11, 1, 3, 3)]; },
    frames: [6],
    severity: 'warning',
    quiet: () => { const l = new Lab(); return [...switched(l, [2]), ...registered(l, 11, 1, 2, 3)]; },
  },
  {
    rule: 'HAS-MN-SELECTION', condition: 'registering after a switch with no addresses without home agent discovery',
    fire: () => { const l = new Lab(); return [...switched(l, []), ...registered(l, 11, 1, 2, 3)]; },
    frames: [6],
    quiet: () => { const l = new Lab(); return [...switched(l, []), discovery(l, 10.8), ...registered(l, 11, 1, 2, 3)]; },
  },
  {
    rule: 'HAS-UNANSWERED', condition: 'a mobile node answering Binding Error status 2 (info)',
    fire: () => { const l = new Lab(); return [...registered(l, 0, 1, 1, 1), { t: 10, data: l.haToMn(1, 1, hasTo([2])) }, { t: 10.2, data: l.mnToHa(1, 1, bindingError(2, mnHome(1))) }, { t: 40, data: l.haToHa(1, 2, hello(1)) }]; },
    frames: [3],
    severity: 'info',
    quiet: () => CASES['HAS-UNANSWERED']!.quiet(),
  },
  {
    rule: 'HAR-SYNC-IDENTIFIER', condition: 'a request with Identifier 0',
    fire: () => { const l = new Lab(); return [{ t: 0, data: l.haToHa(2, 1, SYNC_REQUEST(0)) }, { t: 0.01, data: l.haToHa(1, 2, SYNC_REPLY(0)) }]; },
    frames: [1],
    quiet: () => { const l = new Lab(); return [{ t: 0, data: l.haToHa(2, 1, SYNC_REQUEST(5)) }, { t: 0.01, data: l.haToHa(1, 2, SYNC_REPLY(5)) }]; },
  },
  {
    rule: 'HAR-SYNC-IDENTIFIER', condition: 'an unsolicited Reply with a non-zero Identifier',
    fire: () => { const l = new Lab(); return [{ t: 0, data: l.haToHa(1, 2, SYNC_REPLY(7)) }]; },
    frames: [1],
    quiet: () => { const l = new Lab(); return [{ t: 0, data: l.haToHa(1, 2, SYNC_REPLY(0)) }]; },
  },
  {
    rule: 'HAR-CONTROL', condition: 'a SwitchBack Request from a standby',
    fire: () => { const l = new Lab(); return [{ t: 0, data: l.haToHa(2, 1, hello(1)) }, { t: 0.5, data: l.haToHa(2, 1, homeAgentControl('switchBackRequest')) }, { t: 0.51, data: l.haToHa(1, 2, homeAgentControl('switchBackReply', 0)) }]; },
    frames: [2],
    quiet: () => CASES['HAR-CONTROL']!.quiet(),
  },
  {
    rule: 'HAR-CONTROL', condition: 'a Reply without a request',
    fire: () => { const l = new Lab(); return [{ t: 0, data: l.haToHa(1, 2, homeAgentControl('switchOverReply', 0)) }]; },
    frames: [1],
    quiet: () => switchOver(),
  },
  {
    rule: 'HAR-CONTROL', condition: 'a request sent to a multicast address',
    // Without the reply, which would answer no unicast request (a finding of its own).
    fire: () => switchOver(0, 'ff02::2').slice(0, 2),
    frames: [2],
    quiet: () => switchOver(),
  },
  {
    rule: 'HAR-CONTROL', condition: 'a Status in a request',
    fire: () => switchOver(3),
    frames: [2],
    quiet: () => switchOver(),
  },
  {
    rule: 'HAR-BACKOFF', condition: 'a SwitchOver Request retransmitted before INITIAL_SWITCHOVER_REQ_TIMER',
    fire: () => { const l = new Lab(); return [0, 0.5].map((t) => ({ t, data: l.haToHa(2, 1, homeAgentControl('switchOverRequest')) })); },
    frames: [2],
    quiet: () => { const l = new Lab(); return [0, 1, 3, 7].map((t) => ({ t, data: l.haToHa(2, 1, homeAgentControl('switchOverRequest')) })); },
  },
  {
    rule: 'HAR-FAILOVER', condition: 'no standby taking over although one is alive (error, on the failed HA\'s last Hello)',
    fire: () => { const l = new Lab(); return [...hellos(l, 1, 2, 0, 3, { active: () => true, pref: 30 }), ...hellos(l, 2, 1, 0, 25, { pref: 20 })]; },
    // HA1's last Hello (t = 3.003): frames 1-8 are HA1 and HA2 at 0-3 s.
    frames: [7],
    severity: 'error',
    quiet: () => { const l = new Lab(); return [...hellos(l, 1, 2, 0, 3, { active: () => true, pref: 30 }), ...hellos(l, 2, 1, 0, 25, { active: (t) => t >= 7, pref: 20 })]; },
  },
  {
    rule: 'HAR-FAILOVER', condition: 'the measurement (info), on the takeover Hello',
    fire: () => CASES['HAR-FAILOVER']!.quiet(),
    // HA2's first Hello with A (t = 7.006): frames 1-12 are the three HAs at 0-3 s, then HA2 and HA3 each second.
    frames: [19],
    severity: 'info',
    quiet: () => { const l = new Lab(); return [...hellos(l, 1, 2, 0, 12, { active: () => true, pref: 30 }), ...hellos(l, 2, 1, 0, 12, { pref: 20 })]; },
  },
  {
    rule: 'HAHA-IDENTIFIER', condition: 'a Binding Information Request with Identifier 0',
    fire: () => { const l = new Lab(); return [{ t: 0, data: l.haToHa(3, 1, BIR_HOME(0)) }]; },
    frames: [1],
    quiet: () => { const l = new Lab(); return [{ t: 0, data: l.haToHa(3, 1, BIR_HOME(7)) }]; },
  },
  {
    rule: 'HAHA-IDENTIFIER', condition: 'a solicited Update not copying its Request\'s Identifier',
    fire: () => { const l = new Lab(); return [{ t: 0, data: l.haToHa(3, 1, BIR_HOME(7)) }, { t: 0.01, data: l.haToHa(1, 3, { ...bindingInformationUpdate(8), options: [bce()] }) }, { t: 0.02, data: l.haToHa(3, 1, bindingInformationAck(8)) }]; },
    frames: [2],
    quiet: () => CASES['HAHA-IDENTIFIER']!.quiet(),
  },
  {
    rule: 'HAHA-OPTIONS', condition: 'a Binding Information Request naming no binding',
    fire: () => { const l = new Lab(); return [{ t: 0, data: l.haToHa(3, 1, bindingInformationRequest(7)) }]; },
    frames: [1],
    // A request for a mobile router by its Mobile Network Prefix.
    quiet: () => { const l = new Lab(); return [{ t: 0, data: l.haToHa(3, 1, { ...bindingInformationRequest(7), options: [mobileNetworkPrefix('2001:db8:55::', 48)] }) }]; },
  },
  {
    rule: 'MH-UNPROTECTED', condition: 'a unicast Hello between home agents outside ESP',
    fire: () => { const l = new Lab(); return [{ t: 0, data: l.haToHa(1, 2, hello(1), { esp: false }) }]; },
    frames: [1],
    quiet: () => { const l = new Lab(); return [{ t: 0, data: l.haToHa(1, 2, hello(1), { esp: false, dst: 'ff02::1' }) }, { t: 1, data: l.haToHa(1, 2, hello(2)) }]; },
  },
  {
    rule: 'ESP-SEQUENCE', condition: 'a sequence number left of the anti-replay window',
    fire: () => { const l = new Lab(); return [{ t: 0, data: l.mnToHa(1, 1, reg(1), { seq: 100 }) }, { t: 1.5, data: l.mnToHa(1, 1, reg(2), { seq: 10 }) }]; },
    frames: [2],
    quiet: () => { const l = new Lab(); return [{ t: 0, data: l.mnToHa(1, 1, reg(1), { seq: 100 }) }, { t: 1.5, data: l.mnToHa(1, 1, reg(2), { seq: 101 }) }]; },
  },
  {
    rule: 'ESP-SEQUENCE', condition: 'a gap (info)',
    fire: () => { const l = new Lab(); return [{ t: 0, data: l.mnToHa(1, 1, reg(1), { seq: 1 }) }, { t: 1.5, data: l.mnToHa(1, 1, reg(2), { seq: 5 }) }]; },
    frames: [2],
    severity: 'info',
    quiet: () => { const l = new Lab(); return [{ t: 0, data: l.mnToHa(1, 1, reg(1), { seq: 1 }) }, { t: 1.5, data: l.mnToHa(1, 1, reg(2), { seq: 2 }) }]; },
  },
];

describe.each(CONDITIONS.map((c) => [`${c.rule}: ${c.condition}`, c] as const))('%s', (_name, c) => {
  const want = c.severity ?? ALL_RULES.find((r) => r.meta.id === c.rule)!.meta.severity;
  it('fires on the expected frame', () => {
    const all = lint(c.fire());
    expect(byRule(all, c.rule).filter((x) => x.severity === want).map((x) => x.frame), show(all)).toEqual(c.frames);
  });
  it('stays quiet on the near miss', () => {
    const all = lint(c.quiet());
    expect(byRule(all, c.rule).filter((x) => x.severity === want), show(all)).toEqual([]);
  });
});

describe('HAR-SWITCH-COVERAGE names the mobile node left without a switch', () => {
  it('MN 2001:db8:1::1002, registered at the failed HA1, got no Home Agent Switch from HA2', () => {
    const all = lint(CASES['HAR-SWITCH-COVERAGE']!.fire());
    expect(byRule(all, 'HAR-SWITCH-COVERAGE').map((f) => [f.frame, f.flow, f.message]), show(all)).toEqual([
      [16, '2001:db8:1::a2 -> 2001:db8:1::1002', '2001:db8:1::1002 was registered at 2001:db8:1::a1 but got no Home Agent Switch from 2001:db8:1::a2'],
    ]);
  });

  // The two rules share the set's failover bookkeeping, applied by whichever of them is enabled first.
  it('follows the switches alone, and HAR-FAILOVER alone counts them', () => {
    const alone = (packets: Packet[], rule: string) => byRule(lint(packets, { rules: [rule] }), rule).map((f) => [f.frame, f.message]);
    expect(alone(CASES['HAR-SWITCH-COVERAGE']!.quiet(), 'HAR-SWITCH-COVERAGE')).toEqual([]);
    expect(alone(CASES['HAR-SWITCH-COVERAGE']!.fire(), 'HAR-SWITCH-COVERAGE').map(([frame]) => frame)).toEqual([16]);
    const measured = alone(CASES['HAR-SWITCH-COVERAGE']!.quiet(), 'HAR-FAILOVER');
    expect(measured).toHaveLength(1);
    expect(measured[0]![1]).toContain('2/2 mobile nodes sent a Home Agent Switch; all 2 re-registered');
    expect(byRule(lint(CASES['HAR-SWITCH-COVERAGE']!.fire()), 'HAR-FAILOVER')[0]!.message).toContain('1/2 mobile nodes sent a Home Agent Switch; 1/2 re-registered');
  });
});

describe('rate constants below one a second', () => {
  const switches = (gaps: number[]) => { const l = new Lab(); let t = 0; return [0, ...gaps].map((g, i) => ({ t: (t += g), data: l.haToMn(1, i, hasTo([2])) })); };
  const bus = (times: number[]) => { const l = new Lab(); return times.map((t, k) => ({ t, data: l.mnToHa(1, 1, bindingUpdate({ sequence: 10 + k, flags: { H: true }, lifetimeUnits: 150 })) })); };

  it('HAS-RATE at 0.5 a second allows one new MN every 2 s (not one a second)', () => {
    const half = { constants: { MAX_HA_SWITCH_TRANSMIT_RATE: 0.5 } };
    const fired = byRule(lint(switches([1.5]), half), 'HAS-RATE');
    expect(fired.map((f) => [f.frame, f.message])).toEqual([[2, '2001:db8:1::a1 switched more than 1 mobile nodes within 2 s (MAX_HA_SWITCH_TRANSMIT_RATE 0.5/s)']]);
    expect(byRule(lint(switches([2.2, 2.2, 2.2]), half), 'HAS-RATE')).toEqual([]);
    // At the default rate the same 1.5 s is within the limit.
    expect(byRule(lint(switches([1.5])), 'HAS-RATE')).toEqual([]);
  });

  it('MH-RATE at 0.25 a second allows one BU in 4 s', () => {
    const slow = { constants: { MAX_UPDATE_RATE: 0.25 } };
    expect(byRule(lint(bus([0, 3]), slow), 'MH-RATE').map((f) => [f.frame, f.message.replace(/ type \d+/, '')])).toEqual([[2, 'more than 1 messages of MH within 4 s to one destination (MAX_UPDATE_RATE)']]);
    expect(byRule(lint(bus([0, 4.5, 9]), slow), 'MH-RATE')).toEqual([]);
  });
});

describe('HAHA-BINDING-CONFLICT in a large deployment', () => {
  it('knows every HAHA peer (past 4,096 of them, peers were no longer noted and their conflicts went unseen)', () => {
    const l = new Lab();
    const many: Packet[] = Array.from({ length: 4200 }, (_, i) => ({ t: i * 0.001, data: l.haToHa(1, 2, hahaHi(1), { src: `2001:db8:2::${(i + 1).toString(16)}` }) }));
    const all = lint([...many, { t: 5, data: l.haToHa(1, 2, hahaHi(2)) }, { t: 5.1, data: l.haToHa(2, 1, hahaHi(1, 2)) }, ...registered(l, 6, 0, 1, 1), ...registered(l, 7, 0, 2, 2)], { rules: ['HAHA-BINDING-CONFLICT'] });
    expect(byRule(all, 'HAHA-BINDING-CONFLICT').map((f) => f.frame), show(all)).toEqual([4200 + 2 + 4]);
  });
});

describe('VHAR-ACTIVE over a long conflict', () => {
  it('reports a conflict once while it lasts, and again when it comes back after one HA stopped claiming A', () => {
    // HA1 always A; HA2 A from 3 s to 60 s, then B until 90 s, then A again. RAs every 3 s.
    const packets: Packet[] = [];
    for (let t = 0; t <= 120; t += 3) {
      packets.push({ t, data: ra(1, { A: true }) });
      const a = (t >= 3 && t < 60) || t >= 90;
      packets.push({ t: t + 0.1, data: ra(2, a ? { A: true } : { B: true }) });
    }
    const all = lint(packets, { rules: ['VHAR-ACTIVE'] });
    const found = byRule(all, 'VHAR-ACTIVE');
    expect(found.map((f) => f.message), show(all)).toEqual([
      'fe80::a1 advertises itself as Active while fe80::a2 still does',
      'fe80::a1 advertises itself as Active while fe80::a2 still does',
    ]);
    // The first at 6 s and the second at 93 s: HA1's RAs after HA2's first claim of each period (3.1 s, 90.1 s).
    expect(found.map((f) => packets.sort((a, b) => a.t - b.t)[f.frame - 1]!.t)).toEqual([6, 93]);
  });
});

describe('BU-UNANSWERED across series of one binding', () => {
  const bu = (seq: number, ackWanted = true) => bindingUpdate({ sequence: seq, flags: { A: ackWanted, H: true }, lifetimeUnits: 150 });
  /** BU-UNANSWERED's findings (frame, message) on the packets `scenario` builds in a fresh lab. */
  const unanswered = (scenario: (l: Lab) => Packet[]): [number, string][] => byRule(lint(scenario(new Lab())), 'BU-UNANSWERED').map((f) => [f.frame, f.message]);
  it('an answered series leaves no verdict; the next unanswered one is reported once, at its first BU', () => {
    expect(unanswered((l) => [
      { t: 0, data: l.mnToHa(1, 1, bu(1)) },
      { t: 0.01, data: l.haToMn(1, 1, ack(1)) },
      // A new series before the first one's timer would have fired, retransmitted, never answered.
      { t: 0.5, data: l.mnToHa(1, 1, bu(2)) },
      { t: 1.5, data: l.mnToHa(1, 1, bu(3)) },
      { t: 3.5, data: l.mnToHa(1, 1, bu(4)) },
      { t: 60, data: l.haToHa(1, 2, hello(1)) },
    ])).toEqual([[3, 'Binding Update (seq 2, 2 retransmissions) was never acknowledged']]);
  });
  it('waits InitialBindackTimeoutFirstReg for a first home registration and INITIAL_BINDACK_TIMEOUT after one was accepted', () => {
    expect(unanswered((l) => [
      // A first registration answered after 2.6 s: within twice 1.5 s.
      { t: 0, data: l.mnToHa(1, 1, bu(1)) },
      { t: 2.6, data: l.haToMn(1, 1, ack(1)) },
      // A refresh answered after 2.6 s: past twice 1 s and its tolerance.
      { t: 10, data: l.mnToHa(1, 1, bu(2)) },
      { t: 12.6, data: l.haToMn(1, 1, ack(2)) },
      { t: 60, data: l.haToHa(1, 2, hello(1)) },
    ])).toEqual([[3, 'Binding Update (seq 2) was never acknowledged']]);
  });
  it('a series given up by a BU without A, or answered by status 135, is not reported', () => {
    expect(unanswered((l) => [
      { t: 0, data: l.mnToHa(1, 1, bu(1)) },
      { t: 0.2, data: l.mnToHa(1, 1, bu(2, false)) },
      { t: 10, data: l.mnToHa(1, 1, bu(3)) },
      { t: 10.01, data: l.haToMn(1, 1, ack(9, 150, 135)) },
      { t: 60, data: l.haToHa(1, 2, hello(1)) },
    ])).toEqual([]);
  });
});

describe('BU-UNANSWERED with a short idle timeout', () => {
  it('judges a series whose wait outlasts the idle time: the registration flow is kept until its timer is done', () => {
    const l = new Lab();
    const bu = (seq: number) => bindingUpdate({ sequence: seq, flags: { A: true, H: true }, lifetimeUnits: 150 });
    // A first home registration retransmitted up to the 32 s wait, never answered, then silence.
    const times = [0, 1.5, 4.5, 10.5, 22.5, 46.5, 78.5];
    const packets: Packet[] = times.map((t, k) => ({ t, data: l.mnToHa(1, 1, bu(k + 1)) }));
    packets.push({ t: 400, data: l.haToHa(1, 2, hello(1)) });
    for (const idleTimeout of [5, 600]) {
      const fired = byRule(lint(packets, { idleTimeout }), 'BU-UNANSWERED');
      expect(fired.map((f) => [f.frame, f.message])).toEqual([[1, 'Binding Update (seq 1, 6 retransmissions) was never acknowledged']]);
    }
  });
});

describe('registration flows kept past a short idle timeout', () => {
  it('hold their addresses, so a recycled id never joins a newcomer to an old binding', () => {
    const l = new Lab();
    const bu = (seq: number) => bindingUpdate({ sequence: seq, flags: { A: true, H: true }, lifetimeUnits: 150 });
    // Thirty MNs send a BU with a high sequence number, never accepted (so no binding holds their
    // addresses); 100 s later, newcomers start at 5. With addresses recycled past 50 after 70 s
    // unused, the old registration flows (kept 140 s) must keep their home addresses' ids: a
    // newcomer given one would be taken for that binding and its BU for a step backwards.
    const packets: Packet[] = [];
    for (let k = 0; k < 30; k++) packets.push({ t: k / 10, data: l.mnToHa(200 + k, 1, bu(1000)) });
    // One new address first (HA2's), so the newcomers' home addresses, not their care-of addresses, get the freed ids of old ones.
    packets.push({ t: 99.9, data: l.mnToHa(300, 1, bu(1)) }, { t: 100, data: l.haToHa(2, 1, hello(1)) });
    for (let mn = 1; mn <= 100; mn++) packets.push({ t: 100 + mn / 10, data: l.mnToHa(mn, 1, bu(5)) });
    expect(byRule(lint(packets, { idleTimeout: 5, maxAddresses: 50 }), 'BU-SEQUENCE')).toEqual([]);
  });
});

describe('HAS rules past the first thousand mobile nodes', () => {
  // Which MNs ever had a switch is kept by address id, in a table that grows: MN 1,500 has ids past 2,000.
  it('a switch to the last of 1,500 registered MNs is followed like the first one\'s', () => {
    const l = new Lab();
    const packets: Packet[] = [];
    for (let mn = 1; mn <= 1500; mn++) packets.push(...registered(l, mn * 0.01, mn, 1, 1));
    const sw = packets.length + 1;
    packets.push({ t: 20, data: l.haToMn(1, 1500, hasTo([2], { refresh: 15 })) });
    // Extended at the sender (HAS-LIFETIME-EXTENDED on the BA), then MN 1,499 told to go to HA2 registers with HA3 (HAS-MN-SELECTION).
    packets.push(...registered(l, 21, 1500, 1, 2));
    packets.push({ t: 22, data: l.haToMn(1, 1499, hasTo([2])) });
    packets.push(...registered(l, 23, 1499, 3, 2));
    const all = lint(packets);
    expect(byRule(all, 'HAS-LIFETIME-EXTENDED').map((x) => x.frame), show(all)).toEqual([sw + 2]);
    expect(byRule(all, 'HAS-MN-SELECTION').map((x) => x.frame), show(all)).toEqual([sw + 4]);
  });
});
