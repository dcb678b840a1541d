/**
 * The sample captures, one function per scenario. Each returns the packets
 * with times in seconds from the start of the capture, in time order through
 * its Lab's inTimeOrder, which also numbers the ESP sequence of every SA in
 * that order; the generator writes them as pcapng. To add a capture, write a
 * function here (ending in lab.inTimeOrder(packets)) and list it in SCENARIOS.
 */
import {
  aaaInformation, alternateCareOfAddress, bindingAck, bindingCacheEntryInformation, bindingCacheInformation,
  bindingInformationAck, bindingInformationRequest, bindingInformationUpdate, bindingRefreshAdvice, bindingUpdate,
  concat, hahaHello, HAHA_IP_CODE, HARELIABILITY_IP_CODE, homeAgentControl, homeAgentHello,
  homeAgentInformationOption, homeAgentSwitch, ipAddressOption, macAddress, mobileNetworkPrefix, padNOption,
  routerAdvertisement, sourceLinkLayerAddressOption, stateSynchronization, u16, vharMnContextUpdateReply, zeros,
  vharMnContextUpdateRequest, vharMnReleaseReply, vharMnReleaseRequest, vharSeqNoSynch, vharSpReply, vharSpSynch,
  icmpv6, ipv6Address, LAB_KEYS, type MhMessage, type MobilityHeaderParams, type VharBindingRecord,
} from '../craft/index.js';
import {
  encryptedHaToMn, encryptedMnToHa, ENCRYPTED_SA, haAddress, haLinkLocal, haMac, haToHaSpi, haToMnSpi,
  ikeMessage, Lab, mnCareOf, mnHome, mnToHaSpi,
} from './lab.js';

export interface ScenarioPacket {
  /** Seconds from the start of the capture. */
  t: number;
  data: Uint8Array;
  comment?: string;
}

export interface Scenario {
  name: string;
  /** What the capture shows; becomes the section comment. */
  description: string;
  packets: ScenarioPacket[];
  /** Files written beside the capture (an SA table for the encrypted one). */
  sidecars?: { name: string; text: string }[];
}

/** Registration lifetime in 4-second units (RFC 6275 6.1.7): 600 s. */
const LIFETIME = 150;
/** RFC 5142 retransmission schedule: 5 s doubling to the 20 s ceiling. */
const HA_SWITCH_BACKOFF = [5, 10, 20, 20] as const;
const GROUP_ID = 7;
/** The home agent address HAs share: the virtual switch's service address (hareliability-01 5.2), VHAR's Global HA address (vhar-02 4). */
const SHARED_HA_ADDRESS = '2001:db8:1::a0';

function homeRegistration(sequence: number, lifetimeUnits = LIFETIME): MhMessage {
  return bindingUpdate({ sequence, flags: { A: true, H: true, K: true }, lifetimeUnits });
}

function deRegistration(sequence: number): MhMessage {
  return bindingUpdate({ sequence, flags: { A: true, H: true, K: true }, lifetimeUnits: 0 });
}

function accepted(sequence: number, lifetimeUnits = LIFETIME, refreshUnits?: number): MobilityHeaderParams {
  return {
    ...bindingAck({ status: 0, flags: { K: true }, sequence, lifetimeUnits }),
    options: refreshUnits === undefined ? [] : [bindingRefreshAdvice(refreshUnits)],
  };
}

function switchTo(targets: readonly number[], refreshUnits?: number, rekey = false): MobilityHeaderParams {
  return {
    ...homeAgentSwitch({ homeAgents: targets.map(haAddress), rekey }),
    options: refreshUnits === undefined ? [] : [bindingRefreshAdvice(refreshUnits)],
  };
}

/** Register MN `mn` with HA `ha` at time t: BU, and the BA 12 ms later. */
function register(lab: Lab, t: number, mn: number, ha: number, seq: number, note = 'home registration'): ScenarioPacket[] {
  return [
    { t, data: lab.mnToHa(mn, ha, homeRegistration(seq)), comment: `MN ${mnHome(mn)} ${note} BU seq ${seq} to HA${ha}` },
    { t: t + 0.012, data: lab.haToMn(ha, mn, accepted(seq)), comment: `HA${ha} BA accepts seq ${seq}` },
  ];
}

interface HelloSender {
  ha: number;
  preference: number;
  /** Time of the first and last Hello. */
  from: number;
  until: number;
  /** The A flag as a function of time. */
  active: (t: number) => boolean;
  peers: readonly number[];
  /** Whether the sender still sends to `peer` at time t (false while it believes the peer failed). */
  reaches?: (peer: number, t: number) => boolean;
  firstSeq?: number;
  /** Times of triggered Hellos besides the periodic ones. */
  extra?: readonly number[];
}

/**
 * Periodic Home Agent Hellos, unicast to each peer, plus triggered ones at the
 * `extra` times (a state change, hareliability-01 7.6.2); Sequence +1 per message.
 */
function hellos(lab: Lab, s: HelloSender, interval = 1, lifetime = 3): ScenarioPacket[] {
  const sends: { t: number; peer: number }[] = [];
  for (let t = s.from; t <= s.until + 1e-9; t += interval) {
    for (const [k, peer] of s.peers.entries()) sends.push({ t: t + s.ha * 0.003 + k * 0.001, peer });
  }
  for (const t of s.extra ?? []) for (const peer of s.peers) sends.push({ t, peer });
  sends.sort((a, b) => a.t - b.t);
  let seq = s.firstSeq ?? 1;
  const out: ScenarioPacket[] = [];
  for (const { t, peer } of sends) {
    if (s.reaches && !s.reaches(peer, t)) continue;
    out.push({
      t,
      data: lab.haToHa(s.ha, peer, homeAgentHello({
        sequence: seq, preference: s.preference, lifetime, helloInterval: interval, groupId: GROUP_ID, active: s.active(t),
      })),
    });
    seq++;
  }
  return out;
}

// ---- the quick-start sample ------------------------------------------------

export function registrationAndSwitch(): Scenario {
  const lab = new Lab();
  const mn = 0;
  const packets: ScenarioPacket[] = [
    ...register(lab, 0, mn, 1, 100),
    ...register(lab, 240, mn, 1, 101, 'refresh'),
    { t: 300, data: lab.haToMn(1, mn, switchTo([2], 15)), comment: 'HA1 Home Agent Switch listing HA2, Binding Refresh Advice 15 units (60 s)' },
    { t: 305, data: lab.haToMn(1, mn, switchTo([2], 15)), comment: 'no answer within INITIAL_HA_SWITCH_TIMEOUT (5 s): retransmission' },
    { t: 305.4, data: lab.mnToHa(mn, 1, deRegistration(102)), comment: 'MN acknowledges the switch: de-registration BU (lifetime 0) to HA1' },
    { t: 305.412, data: lab.haToMn(1, mn, accepted(102, 0)), comment: 'HA1 BA for the de-registration' },
    { t: 305.5, data: lab.mnToHa(mn, 2, homeRegistration(103)), comment: 'MN home registration with HA2' },
    { t: 305.512, data: lab.haToMn(2, mn, accepted(103)), comment: 'HA2 BA accepts' },
  ];
  return {
    name: 'registration-and-switch',
    description: 'Quick start: MN 2001:db8:1::1000 registers with HA1 over ESP (NULL, HMAC-SHA1-96), refreshes, '
      + 'receives an RFC 5142 Home Agent Switch from HA1 listing HA2 (Binding Refresh Advice 60 s), one retransmission after 5 s, '
      + 'then de-registers from HA1 and registers with HA2.',
    packets: lab.inTimeOrder(packets),
  };
}

// ---- conformant scenarios --------------------------------------------------

export function refresh(): Scenario {
  const lab = new Lab();
  const packets: ScenarioPacket[] = [];
  // The BA advises a refresh every 200 s (50 units) of a 240 s lifetime.
  for (let k = 0; k < 4; k++) {
    const seq = 500 + k;
    packets.push(
      { t: k * 200, data: lab.mnToHa(1, 1, homeRegistration(seq, 60)), comment: k === 0 ? 'home registration' : `refresh ${k}` },
      { t: k * 200 + 0.011, data: lab.haToMn(1, 1, accepted(seq, 60, 50)), comment: 'BA: lifetime 240 s, refresh advised after 200 s' },
    );
  }
  return {
    name: 'refresh',
    description: 'Home registration of MN 2001:db8:1::1001 with HA1 and three periodic refreshes as the Binding Refresh Advice asks; ESP NULL, 12-byte ICV.',
    packets: lab.inTimeOrder(packets),
  };
}

export function maintenanceSwitch(): Scenario {
  const lab = new Lab();
  const mn = 2;
  const packets: ScenarioPacket[] = [...register(lab, 0, mn, 1, 40)];
  let t = 10;
  packets.push({ t, data: lab.haToMn(1, mn, switchTo([2], 15)), comment: 'HA1 going down for maintenance: Home Agent Switch to HA2, refresh advice 60 s' });
  for (const wait of HA_SWITCH_BACKOFF) {
    t += wait;
    packets.push({ t, data: lab.haToMn(1, mn, switchTo([2], 15)), comment: `retransmission after ${wait} s (RFC 5142 8 backoff)` });
  }
  packets.push(
    { t: t + 0.3, data: lab.mnToHa(mn, 1, deRegistration(41)), comment: 'MN acknowledges: de-registration from HA1' },
    { t: t + 0.312, data: lab.haToMn(1, mn, accepted(41, 0)) },
    ...register(lab, t + 0.4, mn, 2, 42),
  );
  return {
    name: 'maintenance-switch',
    description: 'RFC 5142 maintenance switch: HA1 sends a Home Agent Switch listing HA2 with a Binding Refresh Advice; '
      + 'retransmissions after 5, 10, 20 and 20 s; the MN acknowledges with a de-registration and registers with HA2.',
    packets: lab.inTimeOrder(packets),
  };
}

export function hardSwitchFailover(): Scenario {
  const lab = new Lab();
  const mns = 50;
  const packets: ScenarioPacket[] = [];
  for (let i = 0; i < mns; i++) packets.push(...register(lab, 0.5 + i * 0.05, i, 1, 1000 + i));
  const failAt = 10; // HA1's last Hello
  const takeover = 13; // three missed Hellos: HA1's 3 s lifetime ran out
  const end = takeover + 0.5 + mns + 20;
  packets.push(
    ...hellos(lab, { ha: 1, preference: 30, from: 0, until: failAt, active: () => true, peers: [2, 3] }),
    ...hellos(lab, { ha: 2, preference: 20, from: 0, until: end, active: (t) => t >= takeover, peers: [1, 3], reaches: (peer, t) => peer !== 1 || t < takeover }),
    ...hellos(lab, { ha: 3, preference: 10, from: 0, until: end, active: () => false, peers: [1, 2], reaches: (peer, t) => peer !== 1 || t < takeover }),
  );
  // MNs slow to answer, and how many retransmissions each needs.
  const slow = new Map<number, number>([[7, 1], [23, 1], [41, 2]]);
  for (let i = 0; i < mns; i++) {
    // MAX_HA_SWITCH_TRANSMIT_RATE: one new switch per second.
    let t = takeover + 0.5 + i;
    packets.push({ t, data: lab.haToMn(2, i, switchTo([2])), comment: i === 0 ? 'HA2 took over: Home Agent Switch to every MN of HA1, one per second' : undefined });
    let wait = 5;
    for (let r = 0; r < (slow.get(i) ?? 0); r++) {
      // Half a second later than the minimum, so retransmissions fall between the new switches.
      t += wait + 0.5;
      packets.push({ t, data: lab.haToMn(2, i, switchTo([2])), comment: `retransmission ${r + 1} to a slow MN` });
      wait = Math.min(wait * 2, 20);
    }
    packets.push(...register(lab, t + 0.2, i, 2, 2000 + i, 'registration with the new HA'));
  }
  return {
    name: 'hard-switch-failover',
    description: 'Home Agent Hard Switch (hareliability-01 5.3, 7.9): redundant set of HA1 (preference 30, active), HA2 (20), HA3 (10), group 7, '
      + 'Hellos every second over ESP (HMAC-SHA-256-128); 50 MNs registered at HA1. HA1 fails after t=10 s; HA2 sets A at t=13 s and sends a '
      + 'Home Agent Switch to each MN at one per second, retransmitting with backoff to three slow MNs; every MN re-registers with HA2.',
    packets: lab.inTimeOrder(packets),
  };
}

export function virtualSwitchFailover(): Scenario {
  const lab = new Lab();
  const serviceAddress = SHARED_HA_ADDRESS;
  const mns = 3;
  const packets: ScenarioPacket[] = [];
  // MNs know only the shared service address; HA1 answers for it until it fails.
  for (let i = 0; i < mns; i++) {
    const seq = 300 + i;
    packets.push(
      { t: 0.5 + i * 0.1, data: lab.mnToHa(i, serviceAddress, homeRegistration(seq, 15), { haNumber: 1 }), comment: i === 0 ? 'MNs register with the virtual HA address 2001:db8:1::a0' : undefined },
      { t: 0.512 + i * 0.1, data: lab.haToMn(serviceAddress, i, accepted(seq, 15), { haNumber: 1 }) },
    );
  }
  packets.push({
    t: 2, comment: 'HA1 replicates its binding cache to HA2 (unsolicited State Synchronization Reply)',
    data: lab.haToHa(1, 2, {
      ...stateSynchronization('reply', 0),
      options: Array.from({ length: mns }, (_, i) => bindingCacheInformation({ flags: 0xd000, sequence: 300 + i, lifetimeUnits: 15, homeAddress: mnHome(i), careOfAddress: mnCareOf(i) })),
    }),
  });
  const failAt = 10;
  const takeover = 13;
  packets.push(
    ...hellos(lab, { ha: 1, preference: 30, from: 0, until: failAt, active: () => true, peers: [2] }),
    // HA2 keeps sending Hellos to HA1, the other member of the redundant set, so HA1 learns the new active HA when it comes back.
    ...hellos(lab, { ha: 2, preference: 20, from: 0, until: 40, active: (t) => t >= takeover, peers: [1] }),
  );
  // The standby takes over the service address: an unsolicited Neighbor Advertisement moves it to HA2's MAC.
  const na = concat(Uint8Array.of(0xa0, 0, 0, 0), ipv6Address(serviceAddress), Uint8Array.of(2, 1), macAddress(haMac(2)));
  packets.push({
    t: takeover + 0.01, comment: 'HA2 claims the virtual HA address',
    data: lab.custom(haMac(2), '33:33:00:00:00:01', { src: haLinkLocal(2), dst: 'ff02::1', hopLimit: 255, payload: icmpv6({ type: 136, body: na }) }),
  });
  // Refreshes now reach HA2, which continues the replicated SAs.
  for (let i = 0; i < mns; i++) {
    const seq = 310 + i;
    packets.push(
      { t: 30 + i * 0.1, data: lab.mnToHa(i, serviceAddress, homeRegistration(seq, 15), { haNumber: 1, macOf: 2 }), comment: i === 0 ? 'refreshes are served by HA2 without the MNs noticing' : undefined },
      { t: 30.012 + i * 0.1, data: lab.haToMn(serviceAddress, i, accepted(seq, 15), { haNumber: 1, macOf: 2 }) },
    );
  }
  return {
    name: 'virtual-switch-failover',
    description: 'Home Agent Virtual Switch (hareliability-01 5.2): HA1 and HA2 share the HA address 2001:db8:1::a0 and exchange Hellos '
      + 'from their own addresses; HA1 replicates state, fails after t=10 s, HA2 sets A at t=13 s and serves the MNs\' refreshes.',
    packets: lab.inTimeOrder(packets),
  };
}

export function manualSwitchover(): Scenario {
  const lab = new Lab();
  // HA1 active until it hands over at 5.0 s (reply at 5.01, HA2 active from 5.2);
  // HA1 takes back at 30.0 s (reply 30.01, HA1 active from 30.2).
  const ha2Active = (t: number): boolean => t >= 5.2 && t < 30.01;
  const ha1Active = (t: number): boolean => t < 5.01 || t >= 30.2;
  const packets: ScenarioPacket[] = [
    ...register(lab, 0.2, 0, 1, 10),
    ...hellos(lab, { ha: 1, preference: 30, from: 0, until: 40, active: ha1Active, peers: [2], extra: [5.02, 30.2] }),
    ...hellos(lab, { ha: 2, preference: 20, from: 0, until: 40, active: ha2Active, peers: [1], extra: [5.2, 30.02] }),
    { t: 5.0, data: lab.haToHa(1, 2, homeAgentControl('switchBackRequest')), comment: 'HA1 (active) asks HA2 to take over for maintenance: SwitchBack Request' },
    { t: 5.01, data: lab.haToHa(2, 1, homeAgentControl('switchBackReply', 0)), comment: 'SwitchBack Reply, status 0; HA2 turns active 190 ms later (LINK_TRAVERSAL_TIME is 150 ms)' },
    { t: 30.0, data: lab.haToHa(1, 2, homeAgentControl('switchOverRequest')), comment: 'maintenance over: HA1 (standby) asks to become active again' },
    { t: 30.01, data: lab.haToHa(2, 1, homeAgentControl('switchOverReply', 0)), comment: 'SwitchOver Reply, status 0' },
  ];
  return {
    name: 'manual-switchover',
    description: 'Manual switch-over with Home Agent Control messages (hareliability-01 6.1.2, 7.8): HA1 sends SwitchBack Request, HA2 replies '
      + 'and turns active at least LINK_TRAVERSAL_TIME later; later HA1 takes back with SwitchOver Request/Reply. Hellos show the A flag moving.',
    packets: lab.inTimeOrder(packets),
  };
}

export function stateSync(): Scenario {
  const lab = new Lab();
  const packets: ScenarioPacket[] = [];
  for (let i = 0; i < 3; i++) packets.push(...register(lab, 0.3 + i * 0.1, i, 1, 70 + i));
  packets.push(
    ...hellos(lab, { ha: 1, preference: 30, from: 0, until: 20, active: () => true, peers: [2] }),
    ...hellos(lab, { ha: 2, preference: 20, from: 0, until: 20, active: () => false, peers: [1] }),
    {
      t: 1.5, comment: 'solicited: HA2 asks for the binding of 2001:db8:1::1000, Identifier 0x0101',
      data: lab.haToHa(2, 1, { ...stateSynchronization('request', 0x0101), options: [ipAddressOption(HARELIABILITY_IP_CODE.homeAddress, mnHome(0))] }),
    },
    {
      t: 1.51, comment: 'Reply copies the Identifier; Binding Cache Information and AAA Information',
      data: lab.haToHa(1, 2, {
        ...stateSynchronization('reply', 0x0101),
        options: [
          bindingCacheInformation({ flags: 0xd000, sequence: 70, lifetimeUnits: LIFETIME, homeAddress: mnHome(0), careOfAddress: mnCareOf(0) }),
          aaaInformation([{ type: 1, value: 'mn1000@example.net' }, { type: 25, value: 'session-0001' }]),
        ],
      }),
    },
    {
      t: 3.0, comment: 'solicited request for a mobile router by its Mobile Network Prefix, Identifier 0x0102',
      data: lab.haToHa(2, 1, { ...stateSynchronization('request', 0x0102), options: [mobileNetworkPrefix('2001:db8:55::', 48)] }),
    },
    {
      t: 3.01,
      data: lab.haToHa(1, 2, {
        ...stateSynchronization('reply', 0x0102),
        options: [
          bindingCacheInformation({ flags: 0xd400, sequence: 71, lifetimeUnits: LIFETIME, homeAddress: mnHome(1), careOfAddress: mnCareOf(1) }),
          mobileNetworkPrefix('2001:db8:55::', 48),
        ],
      }),
    },
  );
  for (const t of [5, 10, 15]) {
    packets.push({
      t, comment: t === 5 ? 'periodic unsolicited Replies carry Identifier 0' : undefined,
      data: lab.haToHa(1, 2, {
        ...stateSynchronization('reply', 0),
        options: [0, 1, 2].map((i) => bindingCacheInformation({ flags: 0xd000, sequence: 70 + i, lifetimeUnits: LIFETIME, homeAddress: mnHome(i), careOfAddress: mnCareOf(i) })),
      }),
    });
  }
  return {
    name: 'state-sync',
    description: 'State Synchronization (hareliability-01 6.1.1, 7.7): solicited Request/Reply pairs with matching Identifiers (by Home Address '
      + 'IP Address option and by Mobile Network Prefix) and periodic unsolicited Replies with Identifier 0, carrying Binding Cache Information and AAA Information.',
    packets: lab.inTimeOrder(packets),
  };
}

/** A HELLO a broken sample sends with another Sequence than its sender's counter gives, and the packet comment saying so. */
interface BentHello { from: number; to: number; round: number; sequence: number; comment: string }

/**
 * HAHA HA HELLOs every 5 s among HA1-HA3, unicast to each peer; each sender's
 * Sequence goes up by one per message (haha-spec-00 4.1.1, 5.4). `bent` gives
 * one HELLO another Sequence without holding back the sender's counter.
 */
function hahaHelloPackets(lab: Lab, until: number, bent?: BentHello): ScenarioPacket[] {
  const out: ScenarioPacket[] = [];
  const seqs = new Map<number, number>();
  for (let t = 0; t <= until; t += 5) {
    for (const from of [1, 2, 3]) {
      for (const to of [1, 2, 3]) {
        if (from === to) continue;
        const seq = (seqs.get(from) ?? 0) + 1;
        seqs.set(from, seq);
        const b = bent && bent.from === from && bent.to === to && bent.round === t ? bent : undefined;
        const packet: ScenarioPacket = {
          t: t + from * 0.003 + to * 0.0005,
          data: lab.haToHa(from, to, hahaHello({ sequence: b?.sequence ?? seq, preference: 40 - from * 10, lifetime: 15, helloInterval: 5, prefixLength: 64, homeAgentAddress: haAddress(from) })),
        };
        if (b) packet.comment = b.comment;
        out.push(packet);
      }
    }
  }
  return out;
}

/** The Binding Cache Entry Information option (haha-spec-00 4.2.3) of MN `mn`'s home registration with sequence `seq`. */
function bindingEntry(mn: number, seq: number) {
  return bindingCacheEntryInformation({ homeAddress: mnHome(mn), careOfAddress: mnCareOf(mn), flags: 0xd000, sequence: seq, lifetimeUnits: LIFETIME });
}

export function hahaBindingSync(): Scenario {
  const lab = new Lab();
  const bce = bindingEntry;
  // Identifiers are random-looking and never 0 or 1 (haha-spec-00 4.1.2, 4.1.3); an Acknowledgment copies its Update's (4.1.4).
  const lookup = 0x6b2d;
  const packets: ScenarioPacket[] = [
    ...hahaHelloPackets(lab, 30),
    ...register(lab, 2, 0, 1, 90, 'registration with its primary HA'),
    { t: 2.1, data: lab.haToHa(1, 2, { ...bindingInformationUpdate(0x3a17), options: [bce(0, 90)] }), comment: 'proactive: HA1 pushes the new binding to the other primary HAs' },
    { t: 2.1005, data: lab.haToHa(1, 3, { ...bindingInformationUpdate(0x3a18), options: [bce(0, 90)] }) },
    { t: 2.11, data: lab.haToHa(2, 1, bindingInformationAck(0x3a17, 0)), comment: 'acknowledged with the same Identifier' },
    { t: 2.112, data: lab.haToHa(3, 1, bindingInformationAck(0x3a18, 0)) },
    ...register(lab, 8, 4, 1, 95, 'registration (not pushed to peers)'),
    {
      t: 12, comment: 'reactive: HA3 misses the binding of 2001:db8:1::1004 and floods a Binding Information Request to every other primary HA',
      data: lab.haToHa(3, 1, { ...bindingInformationRequest(lookup), options: [ipAddressOption(HAHA_IP_CODE.homeAddress, mnHome(4))] }),
    },
    {
      t: 12.0005, comment: 'HA2 is not the primary HA of 2001:db8:1::1004, so it ignores the request (haha-spec-00 5.2)',
      data: lab.haToHa(3, 2, { ...bindingInformationRequest(lookup), options: [ipAddressOption(HAHA_IP_CODE.homeAddress, mnHome(4))] }),
    },
    { t: 12.01, data: lab.haToHa(1, 3, { ...bindingInformationUpdate(lookup), options: [bce(4, 95)] }), comment: 'HA1, the primary HA, answers with the binding, copying the Identifier' },
    { t: 12.02, data: lab.haToHa(3, 1, bindingInformationAck(lookup, 0)) },
  ];
  return {
    name: 'haha-binding-sync',
    description: 'HAHA (haha-spec-00, global-haha-01): three primary home agents whose home links are joined at layer 2 (haha-spec-00 3.1, Figure 3) '
      + 'exchange HA HELLOs every 5 s; HA1 proactively pushes a new binding with a Binding Information Update (Binding Cache Entry Information) '
      + 'that each peer acknowledges; later HA3 floods a reactive Binding Information Request for a home address to the other primary HAs and the '
      + 'primary HA1 answers with an Update carrying the same Identifier. All HA-to-HA messages in ESP NULL, HMAC-SHA-256-128.',
    packets: lab.inTimeOrder(packets),
  };
}

/** Packets of a scenario and the way to add one at time t (with an optional packet comment). */
function packetList(): { packets: ScenarioPacket[]; at: (t: number, data: Uint8Array, comment?: string) => void } {
  const packets: ScenarioPacket[] = [];
  return { packets, at: (t, data, comment) => { packets.push(comment === undefined ? { t, data } : { t, data, comment }); } };
}

export function vharFailover(): Scenario {
  const lab = new Lab();
  const vha = SHARED_HA_ADDRESS;
  const { packets, at } = packetList();
  // Each HA's role over time: HA1 Active until it fails after 9.1 s; HA2 and HA3 Backup once HA1's MCUR reached them;
  // HA2 Active from 13 s; HA4 Inactive until HA2 makes it a Backup.
  const role = (ha: number, t: number): 'active' | 'backup' | 'inactive' => {
    if (ha === 1) return 'active';
    if (ha === 2) return t >= 13 ? 'active' : t >= 1.03 ? 'backup' : 'inactive';
    if (ha === 3) return t >= 1.03 ? 'backup' : 'inactive';
    return t >= 13.1 ? 'backup' : 'inactive';
  };
  const ra = (ha: number, t: number) => {
    const r = role(ha, t);
    return lab.haIcmpLinkLocal(ha, 'all-nodes', routerAdvertisement({
      flags: { H: true, A: r === 'active', B: r === 'backup' }, routerLifetime: 1800,
      options: [sourceLinkLayerAddressOption(haMac(ha)), homeAgentInformationOption(50 - ha * 10, 1800)],
    }));
  };
  const binding = (mn: number, sequence: number): VharBindingRecord => ({
    homeAddress: mnHome(mn), careOfAddress: mnCareOf(mn), lifetime: LIFETIME * 4, flag: true, sequence, usage: 0,
  });
  // The MN-HA SAs of a mobile node (RFC 3776 transport mode between home address and HA address): outgoing with the
  // HA's sequence counter, incoming with the highest sequence number received; the window is 0 for outgoing SAs.
  const sas = (mn: number, sent: number, received: number) => [
    { outbound: true, protocol: 1, interfaceId: 1, esp: true, tunnel: false, spi: haToMnSpi(mn, 1), src: vha, dst: mnHome(mn), sequenceCounter: sent, antiReplayWindow: 0 },
    { outbound: false, protocol: 1, interfaceId: 1, esp: true, tunnel: false, spi: mnToHaSpi(mn, 1), src: mnHome(mn), dst: vha, sequenceCounter: received, antiReplayWindow: 64 },
  ];
  const seqNoSynch = (t: number, from: number, to: number, mn: number, sent: number, comment?: string): void => {
    at(t, lab.haIcmpLinkLocal(from, to, vharSeqNoSynch(haToMnSpi(mn, 1), sent, 0)), comment);
    at(t + 0.001, lab.haIcmpLinkLocal(from, to, vharSeqNoSynch(haToMnSpi(mn, 1), sent, 0)), comment === undefined ? undefined : 'the same SeqNo Synch again: it is sent twice and never acknowledged');
  };

  // Router Advertisements every 3 s with H and the sender's role in A/B; HA1 falls silent after 9.1 s.
  for (let t = 0; t <= 30; t += 3) {
    for (const ha of [1, 2, 3, 4]) {
      if (ha === 1 && t > 9) continue;
      const when = t + ha * 0.1;
      at(when, ra(ha, when), t === 0 && ha === 1 ? 'RA with H and A: HA1 is the Active HA; HA2-HA4 advertise H only (Inactive)'
        : t === 3 && ha === 2 ? 'HA2 and HA3 now advertise B: Backup HAs' : t === 15 && ha === 4 ? 'HA4 now advertises B' : undefined);
    }
  }

  // Registration of MN 0 (vhar-02 4.3): BU to the Global HA address, MCUR to two HAs that become Backups, then the BA.
  at(1.0, lab.mnToHa(0, vha, homeRegistration(60), { haNumber: 1 }), 'MN 2001:db8:1::1000 registers with the Global HA address 2001:db8:1::a0; HA1, the Active HA, receives it');
  at(1.01, lab.haIcmpLinkLocal(1, 2, vharMnContextUpdateRequest(0x0101, [binding(0, 60)])), 'HA1 sends MN Context Update Requests to HA2 and HA3, which become Backup HAs');
  at(1.011, lab.haIcmpLinkLocal(1, 3, vharMnContextUpdateRequest(0x0102, [binding(0, 60)])));
  at(1.02, lab.haIcmpLinkLocal(2, 1, vharMnContextUpdateReply(0x0101)));
  at(1.021, lab.haIcmpLinkLocal(3, 1, vharMnContextUpdateReply(0x0102)));
  at(1.03, lab.haToMn(vha, 0, accepted(60), { haNumber: 1 }), 'with both replies in, HA1 sends the BA');
  at(1.04, lab.haIcmpLinkLocal(1, 2, vharSpSynch(0x0201, sas(0, 1, 1))), 'SP Synch: the MN\'s IPsec SAs to the new Backup HAs (vhar-02 5.1)');
  at(1.041, lab.haIcmpLinkLocal(1, 3, vharSpSynch(0x0202, sas(0, 1, 1))));
  at(1.05, lab.haIcmpLinkLocal(2, 1, vharSpReply(0x0201)));
  at(1.051, lab.haIcmpLinkLocal(3, 1, vharSpReply(0x0202)));
  seqNoSynch(1.06, 1, 2, 0, 1, 'SeqNo Synch of the outgoing SA after the BA');
  seqNoSynch(1.07, 1, 3, 0, 1);

  // Registration of MN 1, whose binding HA3 still holds: MN Release first, then the existing Backups get the context.
  at(2.0, lab.mnToHa(1, vha, homeRegistration(70), { haNumber: 1 }), 'MN 2001:db8:1::1001 registers');
  at(2.01, lab.haIcmpLinkLocal(1, 3, vharMnReleaseRequest(0x0301, mnHome(1))), 'HA3 still holds a binding of 2001:db8:1::1001: HA1 asks it to release it');
  at(2.02, lab.haIcmpLinkLocal(3, 1, vharMnReleaseReply(0x0301)));
  at(2.03, lab.haIcmpLinkLocal(1, 2, vharMnContextUpdateRequest(0x0103, [binding(1, 70)])), 'the Backup HAs already exist: MCUR to them directly');
  at(2.031, lab.haIcmpLinkLocal(1, 3, vharMnContextUpdateRequest(0x0104, [binding(1, 70)])));
  at(2.04, lab.haIcmpLinkLocal(2, 1, vharMnContextUpdateReply(0x0103)));
  at(2.041, lab.haIcmpLinkLocal(3, 1, vharMnContextUpdateReply(0x0104)));
  at(2.05, lab.haToMn(vha, 1, accepted(70), { haNumber: 1 }));
  at(2.06, lab.haIcmpLinkLocal(1, 2, vharSpSynch(0x0203, sas(1, 1, 1))));
  at(2.061, lab.haIcmpLinkLocal(1, 3, vharSpSynch(0x0204, sas(1, 1, 1))));
  at(2.07, lab.haIcmpLinkLocal(2, 1, vharSpReply(0x0203)));
  at(2.071, lab.haIcmpLinkLocal(3, 1, vharSpReply(0x0204)));
  seqNoSynch(2.08, 1, 2, 1, 1);
  seqNoSynch(2.09, 1, 3, 1, 1);

  // HA1 fails (vhar-02 4.4.1): no RA at 12.1 s; the others unicast Router Solicitations to it, and none is answered.
  for (const ha of [2, 3, 4]) {
    at(12.5 + ha * 0.001, lab.haIcmpLinkLocal(ha, 1, { type: 133, body: zeros(4) }), ha === 2 ? 'HA1\'s RA is overdue: HA2, HA3 and HA4 solicit it with unicast Router Solicitations' : undefined);
  }
  // Backup HA2 becomes Active: it claims the Global HA address with an unsolicited Neighbor Advertisement (R and O flags)
  // and advertises A; then it makes Inactive HA4 a Backup so that two Backups remain.
  const na = concat(Uint8Array.of(0xa0, 0, 0, 0), ipv6Address(vha), Uint8Array.of(2, 1), macAddress(haMac(2)));
  at(13.0, lab.custom(haMac(2), '33:33:00:00:00:01', { src: haLinkLocal(2), dst: 'ff02::1', hopLimit: 255, payload: icmpv6({ type: 136, body: na }) }),
    'no answer: Backup HA2 becomes the Active HA and claims the Global HA address');
  at(13.01, ra(2, 13.01), 'HA2 advertises A');
  at(13.05, lab.haIcmpLinkLocal(2, 4, vharMnContextUpdateRequest(0x0401, [binding(0, 60), binding(1, 70)])), 'HA2 makes Inactive HA4 a Backup HA');
  at(13.06, lab.haIcmpLinkLocal(4, 2, vharMnContextUpdateReply(0x0401)));
  at(13.07, lab.haIcmpLinkLocal(2, 4, vharSpSynch(0x0501, [...sas(0, 1, 1), ...sas(1, 1, 1)])));
  at(13.08, lab.haIcmpLinkLocal(4, 2, vharSpReply(0x0501)));

  // The MNs did not notice: MN 0's refresh reaches HA2, which continues the synchronized SAs and updates its Backups.
  at(20.0, lab.mnToHa(0, vha, homeRegistration(61), { haNumber: 1, macOf: 2 }), 'MN 2001:db8:1::1000 refreshes; HA2 answers for the Global HA address with the synchronized SAs');
  at(20.01, lab.haIcmpLinkLocal(2, 3, vharMnContextUpdateRequest(0x0402, [binding(0, 61)])));
  at(20.011, lab.haIcmpLinkLocal(2, 4, vharMnContextUpdateRequest(0x0403, [binding(0, 61)])));
  at(20.02, lab.haIcmpLinkLocal(3, 2, vharMnContextUpdateReply(0x0402)));
  at(20.021, lab.haIcmpLinkLocal(4, 2, vharMnContextUpdateReply(0x0403)));
  at(20.03, lab.haToMn(vha, 0, accepted(61), { haNumber: 1, macOf: 2 }));
  seqNoSynch(20.04, 2, 3, 0, 2);
  seqNoSynch(20.05, 2, 4, 0, 2);
  return {
    name: 'vhar-failover',
    description: 'VHAR (draft-jfaizan-mipv6-vhar-02) with four home agents sharing the Global HA address 2001:db8:1::a0 and talking link-local ICMPv6: '
      + 'MN registration through the Active HA1 with MN Context Update Request/Reply to two HAs that become Backups, an MN Release for a binding '
      + 'another HA held, SP Synch/Reply and SeqNo Synch (sent twice) of the MN\'s SAs, Router Advertisements with H and A/B; HA1 fails, the others '
      + 'solicit it, Backup HA2 claims the address (Neighbor Advertisement), turns Active and makes HA4 a Backup; a refresh is then served by HA2 '
      + 'without the MN noticing. MN-HA signalling in ESP NULL, HMAC-SHA1-96.',
    packets: lab.inTimeOrder(packets),
  };
}

export function iFlagRekey(): Scenario {
  const lab = new Lab();
  const mns = [0, 1, 2];
  const packets: ScenarioPacket[] = [];
  for (const i of mns) packets.push(...register(lab, 0.2 + i * 0.1, i, 1, 20 + i));
  packets.push(
    ...hellos(lab, { ha: 1, preference: 30, from: 0, until: 40, active: () => true, peers: [2], reaches: (_peer, t) => t < 5 || t >= 20, extra: [20.01] }),
    ...hellos(lab, { ha: 2, preference: 20, from: 0, until: 4, active: () => false, peers: [1] }),
    // HA2 comes back after its failure, with fresh state, and asks for Hellos (R flag).
    { t: 20, data: lab.haToHa(2, 1, homeAgentHello({ sequence: 1, preference: 20, lifetime: 3, helloInterval: 1, groupId: GROUP_ID, replyRequested: true })), comment: 'HA2 recovered: Hello with R' },
    ...hellos(lab, { ha: 2, preference: 20, from: 21, until: 40, active: () => false, peers: [1], firstSeq: 2 }),
  );
  for (const [k, i] of mns.entries()) {
    const t = 22 + k;
    packets.push({ t, data: lab.haToMn(2, i, switchTo([2], undefined, true)), comment: k === 0 ? 'recovered HA2 asks every MN to re-key with it (I flag); the MNs keep HA1' : undefined });
    const spiI = 0x1000n + BigInt(i);
    const spiR = 0x2000n + BigInt(i);
    packets.push(
      { t: t + 0.1, data: lab.ike(i, 2, true, ikeMessage({ spiI, spiR: 0n, exchange: 'IKE_SA_INIT', response: false, messageId: 0 })), comment: k === 0 ? 'IKEv2 with HA2' : undefined },
      { t: t + 0.11, data: lab.ike(i, 2, false, ikeMessage({ spiI, spiR, exchange: 'IKE_SA_INIT', response: true, messageId: 0 })) },
      { t: t + 0.2, data: lab.ike(i, 2, true, ikeMessage({ spiI, spiR, exchange: 'IKE_AUTH', response: false, messageId: 1 })) },
      { t: t + 0.21, data: lab.ike(i, 2, false, ikeMessage({ spiI, spiR, exchange: 'IKE_AUTH', response: true, messageId: 1 })) },
    );
  }
  packets.push(...register(lab, 35, 0, 1, 23, 'refresh, still with HA1'));
  return {
    name: 'i-flag-rekey',
    description: 'hareliability-01 8.3: standby HA2 fails and recovers, then sends each MN a Home Agent Switch with the I flag listing itself; '
      + 'the MNs re-key with HA2 (IKEv2) and keep HA1 as their active home agent.',
    packets: lab.inTimeOrder(packets),
  };
}

/**
 * A Wireshark ESP SA table (the esp_sa UAT file, also read by `mip6scope --esp-sa`), HMAC-SHA-1-96 integrity.
 * Wireshark matches SAs on the addresses it shows, which for MN-HA signalling are the home address
 * (from the Home Address option or the type 2 routing header), not the care-of address.
 */
function espSaTable(sas: readonly { src: string; dst: string; spi: number; enc: 'NULL' | 'AES-CBC [RFC3602]'; encKey?: Uint8Array; authKey: Uint8Array }[]): string {
  const hex = (b: Uint8Array | undefined) => (b === undefined ? '' : `0x${Buffer.from(b).toString('hex')}`);
  return [
    '# This file is automatically generated, DO NOT MODIFY.',
    ...sas.map((sa) => `"IPv6","${sa.src}","${sa.dst}","0x${sa.spi.toString(16).padStart(8, '0')}","${sa.enc}","${hex(sa.encKey)}","HMAC-SHA-1-96 [RFC2404]","${hex(sa.authKey)}"`),
    '',
  ].join('\n');
}

export function espEncrypted(): Scenario {
  const mn = 0;
  const packets: ScenarioPacket[] = [];
  for (const [k, t] of [0, 240].entries()) {
    const seq = 600 + k;
    packets.push(
      { t, data: encryptedMnToHa(mn, 1, { ...homeRegistration(seq), options: [alternateCareOfAddress(mnCareOf(mn))] }, k + 1), comment: k === 0 ? 'home registration, ESP AES-CBC + HMAC-SHA1-96' : 'refresh' },
      { t: t + 0.012, data: encryptedHaToMn(1, mn, accepted(seq, LIFETIME, 60), k + 1) },
    );
  }
  // Wireshark matches SAs on the addresses it shows, which are the home address
  // (from the Home Address option or the type 2 routing header), not the care-of address.
  const text = espSaTable([
    { src: mnHome(mn), dst: haAddress(1), spi: ENCRYPTED_SA.mnToHaSpi, enc: 'AES-CBC [RFC3602]', encKey: ENCRYPTED_SA.encKey, authKey: ENCRYPTED_SA.authKey },
    { src: haAddress(1), dst: mnHome(mn), spi: ENCRYPTED_SA.haToMnSpi, enc: 'AES-CBC [RFC3602]', encKey: ENCRYPTED_SA.encKey, authKey: ENCRYPTED_SA.authKey },
  ]);
  return {
    name: 'esp-encrypted',
    description: 'Home registration and one refresh under ESP with AES-128-CBC and HMAC-SHA1-96; keys in esp-encrypted.esp_sa (Wireshark ESP SA table format).',
    packets,
    sidecars: [{ name: 'esp-encrypted.esp_sa', text }],
  };
}

// ---- broken variants: one rule family each ---------------------------------

export function badNoBackoff(): Scenario {
  const lab = new Lab();
  const packets: ScenarioPacket[] = [...register(lab, 0, 3, 1, 10)];
  for (let k = 0; k < 6; k++) {
    packets.push({ t: 10 + k, data: lab.haToMn(1, 3, switchTo([2], 15)), comment: k === 0 ? 'Home Agent Switch' : 'BROKEN: retransmitted after 1 s, no backoff' });
  }
  packets.push(
    { t: 15.3, data: lab.mnToHa(3, 1, deRegistration(11)) },
    { t: 15.312, data: lab.haToMn(1, 3, accepted(11, 0)) },
    ...register(lab, 15.4, 3, 2, 12),
  );
  return { name: 'bad-no-backoff', description: 'BROKEN: a Home Agent Switch retransmitted every second instead of backing off from INITIAL_HA_SWITCH_TIMEOUT (RFC 5142 8).', packets: lab.inTimeOrder(packets) };
}

export function badSwitchRate(): Scenario {
  const lab = new Lab();
  const packets: ScenarioPacket[] = [];
  for (let i = 0; i < 10; i++) packets.push(...register(lab, 0.2 + i * 0.05, i, 1, 50 + i));
  for (let i = 0; i < 10; i++) {
    packets.push({ t: 10 + i * 0.1, data: lab.haToMn(1, i, switchTo([2])), comment: i === 0 ? 'BROKEN: ten MNs switched within one second' : undefined });
    packets.push(
      { t: 10.05 + i * 0.1, data: lab.mnToHa(i, 1, deRegistration(60 + i)) },
      { t: 10.06 + i * 0.1, data: lab.haToMn(1, i, accepted(60 + i, 0)) },
      ...register(lab, 10.07 + i * 0.1, i, 2, 61 + i),
    );
  }
  return { name: 'bad-switch-rate', description: 'BROKEN: HA1 sends Home Agent Switch to 10 MNs in one second, above MAX_HA_SWITCH_TRANSMIT_RATE (RFC 5142 8).', packets: lab.inTimeOrder(packets) };
}

export function badBuSequence(): Scenario {
  const lab = new Lab();
  return {
    name: 'bad-bu-sequence',
    description: 'BROKEN: a Binding Update retransmitted with the same Sequence Number (RFC 6275 11.8 requires a greater one).',
    packets: lab.inTimeOrder([
      { t: 0, data: lab.mnToHa(4, 1, homeRegistration(200)), comment: 'BU seq 200, lost' },
      { t: 1.5, data: lab.mnToHa(4, 1, homeRegistration(200)), comment: 'BROKEN: retransmission reuses seq 200' },
      { t: 1.512, data: lab.haToMn(1, 4, accepted(200)) },
    ]),
  };
}

export function badSplitBrain(): Scenario {
  const lab = new Lab();
  return {
    name: 'bad-split-brain',
    description: 'BROKEN: HA1 and HA2 of group 7 both set the A flag in their Hellos: two active home agents.',
    packets: lab.inTimeOrder([
      ...hellos(lab, { ha: 1, preference: 30, from: 0, until: 10, active: () => true, peers: [2] }),
      ...hellos(lab, { ha: 2, preference: 20, from: 0, until: 10, active: (t) => t >= 4, peers: [1] }),
    ]),
  };
}

export function badUnanswered(): Scenario {
  const lab = new Lab();
  const packets: ScenarioPacket[] = [];
  // Correct retransmission (InitialBindackTimeoutFirstReg, doubling, new sequence numbers) but no BA ever comes.
  let t = 0;
  let wait = 1.5;
  for (let k = 0; k < 4; k++) {
    packets.push({ t, data: lab.mnToHa(5, 1, homeRegistration(300 + k)), comment: k === 0 ? 'BROKEN: BU with A, never acknowledged' : 'retransmission' });
    t += wait;
    wait *= 2;
  }
  packets.push(
    { t: 30, data: lab.haToHa(2, 1, { ...stateSynchronization('request', 0x0301), options: [ipAddressOption(HARELIABILITY_IP_CODE.homeAddress, mnHome(5))] }), comment: 'BROKEN: State Synchronization Request never answered' },
    { t: 33, data: lab.haToHa(2, 1, { ...stateSynchronization('request', 0x0301), options: [ipAddressOption(HARELIABILITY_IP_CODE.homeAddress, mnHome(5))] }), comment: 'retransmitted after INITIAL_STATE_SYNC_REQ_TIMER' },
  );
  return { name: 'bad-unanswered', description: 'BROKEN: a home registration BU with A set that is never answered, and a State Synchronization Request that is never answered.', packets: lab.inTimeOrder(packets) };
}

export function badUnprotected(): Scenario {
  const lab = new Lab();
  const clear = { esp: false };
  return {
    name: 'bad-unprotected',
    description: 'BROKEN: home registration BU/BA and a Home Agent Switch sent outside ESP (RFC 6275 5.1 / RFC 3776, RFC 5142 5).',
    packets: lab.inTimeOrder([
      { t: 0, data: lab.mnToHa(6, 1, homeRegistration(1), clear), comment: 'BROKEN: home registration without ESP' },
      { t: 0.012, data: lab.haToMn(1, 6, accepted(1), clear), comment: 'BROKEN: BA without ESP' },
      { t: 10, data: lab.haToMn(1, 6, switchTo([2]), clear), comment: 'BROKEN: Home Agent Switch without ESP' },
      { t: 10.2, data: lab.mnToHa(6, 1, deRegistration(2)) },
      { t: 10.212, data: lab.haToMn(1, 6, accepted(2, 0)) },
      ...register(lab, 10.3, 6, 2, 3),
    ]),
  };
}

export function badChecksum(): Scenario {
  const lab = new Lab();
  return {
    name: 'bad-checksum',
    description: 'BROKEN: a Binding Update whose Mobility Header checksum is off by one (RFC 6275 9.2: silently discarded), then the good retransmission.',
    packets: lab.inTimeOrder([
      { t: 0, data: lab.mnToHa(7, 1, { ...homeRegistration(400), checksumAdjust: 1 }), comment: 'BROKEN: MH checksum off by one' },
      { t: 1.5, data: lab.mnToHa(7, 1, homeRegistration(401)), comment: 'retransmission with a correct checksum' },
      { t: 1.512, data: lab.haToMn(1, 7, accepted(401)) },
    ]),
  };
}

export function badEsp(): Scenario {
  const lab = new Lab();
  const mn = 8;
  const packets: ScenarioPacket[] = [
    ...register(lab, 0, mn, 1, 10),
    { t: 0.5, data: lab.mnToHa(mn, 1, homeRegistration(10), { seq: 1 }), comment: 'BROKEN: replay of the first BU (same SPI and ESP sequence 1)' },
    { t: 100, data: lab.mnToHa(mn, 1, homeRegistration(11), { corruptIcv: true }), comment: 'BROKEN: ICV does not verify (tampered in transit; the HA drops it)' },
    ...register(lab, 101.5, mn, 1, 12, 'retransmission'),
  ];
  // The NULL SAs' integrity keys, so that Wireshark and `mip6scope lint --esp-sa` can check the ICVs.
  const text = espSaTable([
    { src: mnHome(mn), dst: haAddress(1), spi: mnToHaSpi(mn, 1), enc: 'NULL', authKey: LAB_KEYS.hmacSha1 },
    { src: haAddress(1), dst: mnHome(mn), spi: haToMnSpi(mn, 1), enc: 'NULL', authKey: LAB_KEYS.hmacSha1 },
  ]);
  return {
    name: 'bad-esp',
    description: `BROKEN: ESP replay (SPI 0x${mnToHaSpi(mn, 1).toString(16)} sequence 1 twice) and a tampered ESP packet whose ICV does not verify `
      + '(RFC 4303 3.4.3, 3.4.4); ESP NULL with HMAC-SHA1-96, integrity keys in bad-esp.esp_sa so the ICVs can be checked.',
    packets: lab.inTimeOrder(packets),
    sidecars: [{ name: 'bad-esp.esp_sa', text }],
  };
}

export function badHelloSequence(): Scenario {
  const lab = new Lab();
  const sequences = [1, 2, 3, 3, 4, 2, 6];
  const packets: ScenarioPacket[] = sequences.map((seq, k) => ({
    t: k,
    data: lab.haToHa(1, 2, homeAgentHello({ sequence: seq, preference: 30, lifetime: 3, helloInterval: 1, groupId: GROUP_ID, active: true })),
    comment: k === 3 ? 'BROKEN: sequence repeated' : k === 5 ? 'BROKEN: sequence went backwards' : undefined,
  }));
  packets.push(...hellos(lab, { ha: 2, preference: 20, from: 0, until: 6, active: () => false, peers: [1] }));
  return { name: 'bad-hello-sequence', description: 'BROKEN: HA1\'s Hello Sequence Number repeats and goes backwards (hareliability-01 7.6.2: +1 per message).', packets: lab.inTimeOrder(packets) };
}

export function badOptions(): Scenario {
  const lab = new Lab();
  const mn = 9;
  // An Alternate Care-of Address laid by hand at offset 12, which is 8n+4 instead of 8n+6.
  const misaligned = concat(Uint8Array.of(3, 16), ipv6Address(mnCareOf(mn)), padNOption(2));
  return {
    name: 'bad-options',
    description: 'BROKEN: a misaligned Alternate Care-of Address option, a Binding Refresh Advice in a Binding Update (not allowed there), '
      + 'and a Binding Update whose Header Len (0) is below its minimum of 1 (RFC 6275 6.2, 9.2).',
    packets: lab.inTimeOrder([
      { t: 0, data: lab.mnToHa(mn, 1, { ...homeRegistration(1), options: [misaligned] }), comment: 'BROKEN: Alternate CoA at 8n+4' },
      { t: 0.012, data: lab.haToMn(1, mn, accepted(1)) },
      { t: 10, data: lab.mnToHa(mn, 1, { ...homeRegistration(2), options: [bindingRefreshAdvice(15)] }), comment: 'BROKEN: Binding Refresh Advice is valid only in BA and HA Switch' },
      { t: 10.012, data: lab.haToMn(1, mn, accepted(2)) },
      { t: 20, data: lab.mnToHa(mn, 1, { type: 5, body: u16(3) }), comment: 'BROKEN: Binding Update cut to 8 bytes, Header Len 0' },
      { t: 21.5, data: lab.mnToHa(mn, 1, homeRegistration(4)) },
      { t: 21.512, data: lab.haToMn(1, mn, accepted(4)) },
    ]),
  };
}

export function badHaha(): Scenario {
  const lab = new Lab();
  const homeAddressOf = (mn: number) => [ipAddressOption(HAHA_IP_CODE.homeAddress, mnHome(mn))];
  const packets: ScenarioPacket[] = [
    // HA2's counter is at 7 in the round at 15 s; its HELLO to HA1 carries 5, the number its HELLO to HA1 had 5 s before.
    ...hahaHelloPackets(lab, 30, {
      from: 2, to: 1, round: 15, sequence: 5,
      comment: 'BROKEN: stale HA HELLO: HA2 sends HA1 Sequence 5 again, though its HELLOs since went up to 6',
    }),
    ...register(lab, 2, 0, 1, 90, 'registration with its primary HA'),
    { t: 2.1, data: lab.haToHa(1, 2, { ...bindingInformationUpdate(0x3a21), options: [bindingEntry(0, 90)] }), comment: 'proactive: HA1 pushes the new binding to HA2 and HA3' },
    { t: 2.1005, data: lab.haToHa(1, 3, { ...bindingInformationUpdate(0x3a22), options: [bindingEntry(0, 90)] }), comment: 'BROKEN: HA3 never acknowledges this Binding Information Update' },
    { t: 2.11, data: lab.haToHa(2, 1, bindingInformationAck(0x3a21, 0)), comment: 'HA2 acknowledges with the same Identifier' },
    { t: 3.1005, data: lab.haToHa(1, 3, { ...bindingInformationUpdate(0x3a22), options: [bindingEntry(0, 90)] }), comment: 'HA1 retries once after 1 s, gets no acknowledgment either, and gives up' },
    ...register(lab, 8, 4, 1, 95, 'registration (not pushed to peers)'),
    { t: 12, data: lab.haToHa(3, 1, { ...bindingInformationRequest(0), options: homeAddressOf(4) }), comment: 'BROKEN: HA3 floods a Binding Information Request with Identifier 0 (it must be random and never 0)' },
    { t: 12.0005, data: lab.haToHa(3, 2, { ...bindingInformationRequest(0), options: homeAddressOf(4) }), comment: 'BROKEN: the same request to HA2, Identifier 0 again; HA2 is not the primary HA and ignores it' },
    { t: 12.01, data: lab.haToHa(1, 3, { ...bindingInformationUpdate(0), options: [bindingEntry(4, 95)] }), comment: 'HA1, the primary HA, answers copying the Identifier' },
    { t: 12.02, data: lab.haToHa(3, 1, bindingInformationAck(0, 0)) },
    ...register(lab, 18, 5, 1, 97, 'registration (not pushed to peers)'),
    { t: 22.5, data: lab.haToHa(2, 1, { ...bindingInformationRequest(0x51c4), options: homeAddressOf(5) }), comment: 'HA2 asks HA1 for the binding of 2001:db8:1::1005, Identifier 0x51c4' },
    { t: 22.51, data: lab.haToHa(1, 2, { ...bindingInformationUpdate(0x51c5), options: [bindingEntry(5, 97)] }), comment: 'BROKEN: HA1 answers with Identifier 0x51c5 instead of copying the Request\'s 0x51c4' },
    { t: 22.52, data: lab.haToHa(2, 1, bindingInformationAck(0x51c5, 0)), comment: 'HA2 acknowledges the Update it got, copying its Identifier' },
    { t: 25.5, data: lab.haToHa(2, 1, bindingInformationRequest(0x7e02)), comment: 'BROKEN: Binding Information Request with neither a Home Address (IP Address option) nor a Mobile Network Prefix option: it names no binding' },
  ];
  return {
    name: 'bad-haha',
    description: 'BROKEN: HAHA (haha-spec-00) among three primary home agents exchanging HA HELLOs every 5 s: a Binding Information Update that HA3 '
      + 'never acknowledges (retried once), a Binding Information Request flooded with Identifier 0, a solicited Update that does not copy its '
      + 'Request\'s Identifier, a Request naming no binding (no Home Address or Mobile Network Prefix option), and a stale HA HELLO whose Sequence '
      + 'repeats an older one. All HA-to-HA messages in ESP NULL, HMAC-SHA-256-128.',
    packets: lab.inTimeOrder(packets),
  };
}

export function badVhar(): Scenario {
  const lab = new Lab();
  const vha = SHARED_HA_ADDRESS;
  const { packets, at } = packetList();
  // HA1 is the Active HA throughout. HA2 becomes its only Backup once HA1's MCUR reached it (1.03 s); from 9 s to 15 s it
  // no longer hears HA1 and claims Active as well, first without clearing B. HA3 stays Inactive.
  const flags = (ha: number, t: number): { A?: boolean; B?: boolean } => {
    if (ha === 1) return { A: true };
    if (ha === 2) return t >= 9 && t < 15 ? { A: true, B: t < 12 } : { B: t >= 1.03 };
    return {};
  };
  const ra = (ha: number, t: number) => lab.haIcmpLinkLocal(ha, 'all-nodes', routerAdvertisement({
    flags: { H: true, ...flags(ha, t) }, routerLifetime: 1800,
    options: [sourceLinkLayerAddressOption(haMac(ha)), homeAgentInformationOption(50 - ha * 10, 1800)],
  }));
  const raComments: Record<string, string> = {
    '0-1': 'BROKEN: HA1 is the Active HA but will make only HA2 a Backup HA; VHAR wants at least two Backups on the link',
    '3-2': 'HA2 advertises B: the only Backup HA',
    '9-2': 'BROKEN: HA2 stops hearing HA1 and claims Active without clearing B: a Router Advertisement with both A and B',
    '12-1': 'HA1, still the Active HA, keeps advertising A: both HAs now claim Active',
    '12-2': 'BROKEN: HA2 keeps advertising A: two Active HAs on the link',
    '15-1': 'HA1 advertises A again after HA2\'s second RA with A',
    '15-2': 'HA2 hears HA1 again and falls back to Backup',
  };
  for (let t = 0; t <= 21; t += 3) {
    for (const ha of [1, 2, 3]) {
      const when = t + ha * 0.1;
      at(when, ra(ha, when), raComments[`${t}-${ha}`]);
    }
  }
  const binding = (mn: number, sequence: number): VharBindingRecord => ({
    homeAddress: mnHome(mn), careOfAddress: mnCareOf(mn), lifetime: LIFETIME * 4, flag: true, sequence, usage: 0,
  });
  const sas = (mn: number) => [
    { outbound: true, protocol: 1, interfaceId: 1, esp: true, tunnel: false, spi: haToMnSpi(mn, 1), src: vha, dst: mnHome(mn), sequenceCounter: 1, antiReplayWindow: 0 },
    { outbound: false, protocol: 1, interfaceId: 1, esp: true, tunnel: false, spi: mnToHaSpi(mn, 1), src: mnHome(mn), dst: vha, sequenceCounter: 1, antiReplayWindow: 64 },
  ];
  const seqNoSynch = (mn: number) => lab.haIcmpLinkLocal(1, 2, vharSeqNoSynch(haToMnSpi(mn, 1), 1, 0));

  // MN 0 registers: MN Context Update and SP Synch to HA2 alone, and a SeqNo Synch sent only once.
  at(1.0, lab.mnToHa(0, vha, homeRegistration(60), { haNumber: 1 }), 'MN 2001:db8:1::1000 registers with the Global HA address 2001:db8:1::a0');
  at(1.01, lab.haIcmpLinkLocal(1, 2, vharMnContextUpdateRequest(0x0101, [binding(0, 60)])), 'HA1 sends an MN Context Update Request to HA2 only');
  at(1.02, lab.haIcmpLinkLocal(2, 1, vharMnContextUpdateReply(0x0101)));
  at(1.03, lab.haToMn(vha, 0, accepted(60), { haNumber: 1 }));
  at(1.04, lab.haIcmpLinkLocal(1, 2, vharSpSynch(0x0201, sas(0))));
  at(1.05, lab.haIcmpLinkLocal(2, 1, vharSpReply(0x0201)));
  at(1.06, seqNoSynch(0), 'BROKEN: SeqNo Synch sent only once; it is never acknowledged, so it must be sent twice');

  // MN 1 registers; HA3 still holds its binding and never answers the MN Release Request.
  at(2.0, lab.mnToHa(1, vha, homeRegistration(70), { haNumber: 1 }), 'MN 2001:db8:1::1001 registers');
  at(2.01, lab.haIcmpLinkLocal(1, 3, vharMnReleaseRequest(0x0301, mnHome(1))), 'BROKEN: MN Release Request that HA3 never answers');
  at(2.51, lab.haIcmpLinkLocal(1, 3, vharMnReleaseRequest(0x0301, mnHome(1))), 'sent again after 0.5 s; still no MN Release Reply, and HA1 goes on without it');
  const global = (from: number, to: number, message: Parameters<typeof icmpv6>[0]) => lab.custom(haMac(from), haMac(to), {
    src: haAddress(from), dst: haAddress(to), hopLimit: 255, payload: icmpv6(message),
  });
  at(3.0, global(1, 2, vharMnContextUpdateRequest(0x0102, [binding(1, 70)])), 'BROKEN: MN Context Update Request between the HAs\' global addresses; VHAR messages are link-local');
  at(3.01, global(2, 1, vharMnContextUpdateReply(0x0102)), 'BROKEN: the reply between global addresses too');
  at(3.02, lab.haToMn(vha, 1, accepted(70), { haNumber: 1 }));
  at(3.03, lab.haIcmpLinkLocal(1, 2, vharSpSynch(0x0202, sas(1))));
  at(3.04, lab.haIcmpLinkLocal(2, 1, vharSpReply(0x0202)));
  at(3.05, seqNoSynch(1), 'this SeqNo Synch is sent twice, as it should be');
  at(3.051, seqNoSynch(1));
  return {
    name: 'bad-vhar',
    description: 'BROKEN: VHAR (draft-jfaizan-mipv6-vhar-02) with three home agents sharing the Global HA address 2001:db8:1::a0: the Active HA1 '
      + 'makes only HA2 a Backup (VHAR wants at least two), sends a SeqNo Synch only once, gets no reply to an MN Release Request from HA3, and '
      + 'sends an MN Context Update Request between global addresses; from 9 s Backup HA2 claims Active while HA1 still is, first with A and B '
      + 'in one Router Advertisement, so for two RA intervals the link has two Active HAs. MN-HA signalling in ESP NULL, HMAC-SHA1-96.',
    packets: lab.inTimeOrder(packets),
  };
}

/** Every capture, in the order the samples README lists them. */
export const SCENARIOS: readonly (() => Scenario)[] = [
  registrationAndSwitch,
  refresh,
  maintenanceSwitch,
  hardSwitchFailover,
  virtualSwitchFailover,
  manualSwitchover,
  stateSync,
  hahaBindingSync,
  vharFailover,
  iFlagRekey,
  espEncrypted,
  badNoBackoff,
  badSwitchRate,
  badBuSequence,
  badSplitBrain,
  badUnanswered,
  badUnprotected,
  badChecksum,
  badEsp,
  badHelloSequence,
  badOptions,
  badHaha,
  badVhar,
];

export { haToHaSpi };
