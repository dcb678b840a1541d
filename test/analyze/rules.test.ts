/**
 * Every rule: a small crafted exchange that makes it fire on the expected frame,
 * and a conformant (or near-miss) one that keeps it quiet. Frames are numbered
 * from 1 in time order.
 */
import { describe, expect, it } from 'vitest';
import { ALL_RULES } from '../../src/analyze/rules/index.js';
import {
  alternateCareOfAddress, bindingCacheEntryInformation, bindingCacheInformation, bindingError, bindingInformationAck,
  bindingInformationRequest, bindingInformationUpdate, bindingRefreshAdvice, bindingUpdate, homeAgentControl,
  hahaHello, haSwitchRequest, homeTestInit, icmpv6, ipAddressOption, HARELIABILITY_IP_CODE, HAHA_IP_CODE,
  LAB_KEYS, routerAdvertisement, stateSynchronization, vharMnContextUpdateReply, vharMnContextUpdateRequest, vharSeqNoSynch,
  vharMnReleaseRequest, vharSpReply, vharSpSynch, type MhMessage,
} from '../../src/craft/index.js';
import { buildProfile } from '../../src/profile/profile.js';
import { SaTable } from '../../src/esp/sa.js';
import { haAddress, haLinkLocal, haMac, Lab, mnHome, mnToHaSpi } from '../../src/samples/lab.js';
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
    frames: [],
    severity: 'error',
    quiet: () => { const l = new Lab(); return [...hellos(l, 1, 2, 0, 3, { active: () => true, pref: 30 }), ...hellos(l, 2, 3, 0, 12, { active: (t) => t >= 7, pref: 20 }), ...hellos(l, 3, 2, 0, 12, { pref: 10 })]; },
  },
  'HAR-SWITCH-COVERAGE': {
    fire: () => { const l = new Lab(); return [...registered(l, 0.2, 1, 1, 1), ...registered(l, 0.3, 2, 1, 1), ...hellos(l, 1, 2, 0, 3, { active: () => true, pref: 30 }), ...hellos(l, 2, 3, 0, 20, { active: (t) => t >= 7, pref: 20 }), { t: 7.5, data: l.haToMn(2, 1, hasTo([2])) }, ...registered(l, 7.6, 1, 2, 2)]; },
    frames: [],
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
    quiet: () => CASES['HAHA-ACK']!.quiet(),
  },
  'HAHA-OPTIONS': {
    fire: () => { const l = new Lab(); return [{ t: 0, data: l.haToHa(1, 2, bindingInformationUpdate(3)) }, { t: 0.01, data: l.haToHa(2, 1, bindingInformationAck(3)) }]; },
    frames: [1],
    quiet: () => { const l = new Lab(); return [{ t: 0, data: l.haToHa(3, 1, { ...bindingInformationRequest(7), options: [ipAddressOption(HAHA_IP_CODE.homeAddress, mnHome(4))] }) }, { t: 0.01, data: l.haToHa(1, 3, { ...bindingInformationUpdate(7), options: [bce()] }) }]; },
  },
  'HAHA-HELLO-SEQUENCE': {
    fire: () => { const l = new Lab(); return [5, 5].map((s, k) => ({ t: k * 5, data: l.haToHa(1, 2, hahaHi(s)) })); },
    frames: [2],
    quiet: () => { const l = new Lab(); return [5, 6, 8].map((s, k) => ({ t: k * 5, data: l.haToHa(1, 2, hahaHi(s)) })); },
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
    // Both keep advertising A after seeing the other do so.
    frames: [5, 6],
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
    if (c.frames.length > 0) expect(f.map((x) => x.frame), show(all)).toEqual(c.frames);
    else expect(f.length, show(all)).toBeGreaterThan(0);
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
