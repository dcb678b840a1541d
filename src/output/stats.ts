/**
 * `mip6scope stats`: counters and timing distributions over a whole capture,
 * the way `tshark -z` summarises one, for the home-agent reliability signalling.
 *
 * Home agents talk three dialects here: the Mobility Header messages of
 * hareliability-01 and HAHA, and VHAR's ICMPv6 messages and Router Advertisements
 * (H set, with the A/B flags). The per-HA table folds them together: Hellos are
 * the Home Agent Hello, the HAHA HA HELLO and a home agent's Router Advertisement;
 * state synchronization is State Synchronization, the HAHA Binding Information
 * messages and the VHAR messages (release, context update, SP and SeqNo synch).
 *
 * A packet is read from its dissected tree by field abbreviation (a field no
 * dissector declares simply contributes nothing), or from the facts
 * analyze/direct.ts reads from its bytes (addFacts: BUs, BAs, HA Switches and
 * Hellos, when no display filter needs the tree), the same counts either way.
 * Addresses are interned once (AddressTable: a number each, its text made once),
 * and the tables are keyed by those numbers: text keys made and hashed for every
 * packet cost most of the time. State is bounded: at most MAX_KEYS entities per table and MAX_SAMPLES
 * kept per distribution; beyond that, counts stay exact and the report says what
 * was left out. Each address a counted message carries is kept once, some 50
 * bytes, as the sets of HA and MN addresses keep every such address anyway.
 */
import { AddressTable, type AddressInterner } from '../analyze/address.js';
import type { Facts } from '../analyze/facts.js';
import { FlowMap } from '../analyze/flowmap.js';
import { type FieldDef, fieldByAbbrev } from '../dissect/fields.js';
import type { Tree } from '../dissect/tree.js';
import type { MhTypeKey } from '../profile/defaults.js';
import { colorize, type Colors } from './color.js';
// Every dissector declares its fields on import; the lookups below need them all.
import '../dissect/index.js';
import { TextTable } from './text-table.js';

const MAX_KEYS = 100_000;
const MAX_SAMPLES = 100_000;
/** SAs and transmissions remembered per BU attempt, for matching a BA's sequence number. */
const MAX_ATTEMPT_SEQS = 16;
/** RFC 4303 3.4.3: the receiver's anti-replay window; 64 is the usual size (SaState.window's two 32-bit words). */
const REPLAY_WINDOW = 64;
/**
 * A BU or HA Switch repeated within this many seconds of the previous one, still
 * unanswered, is a retransmission (RFC 6275 13: MAX_BINDACK_TIMEOUT is 32 s; the
 * HA Switch backoff of RFC 5142 stays below it too).
 */
const RETRANSMIT_HORIZON = 32;

/** `protocol` MH: a Mobility Header message by MH type; ICMPv6: a VHAR message or a home agent's Router Advertisement, by ICMPv6 type. */
export interface MessageRow { protocol: 'MH' | 'ICMPv6'; type: number; name: string; direction: string; packets: number }
export interface HomeAgentRow {
  address: string; mnsServed: number; bindingUpdates: number; bindingAcks: number;
  switchesSent: number; switchRetransmissions: number; hellosSent: number; stateSyncSent: number; stateSyncReceived: number;
}
export interface MobileNodeRow {
  homeAddress: string; bindingUpdates: number; bindings: number; rejected: number; deregistrations: number;
  homeAgent: string | null; switchesReceived: number; reregistrationTimes: number[];
}
export interface EspSaRow {
  spi: number; source: string; destination: string; packets: number; opened: number; badIcv: number;
  gaps: number; replays: number; firstSequence: number; lastSequence: number;
}
export interface Distribution {
  name: string; unit: 's' | 'count'; count: number; min: number | null; mean: number | null;
  p50: number | null; p90: number | null; max: number | null;
}
export interface StatsReport {
  packets: number;
  mobilityPackets: number;
  /** Seconds from the first to the last packet. */
  duration: number;
  messages: MessageRow[];
  homeAgents: HomeAgentRow[];
  mobileNodes: MobileNodeRow[];
  espSas: EspSaRow[];
  distributions: Distribution[];
  /** BUs with the A flag, HA Switches and inter-HA requests (State Synchronization, HA Control, HAHA Binding Information Update, VHAR) never answered by the end of the capture. */
  unanswered: { bindingUpdates: number; homeAgentSwitches: number; interHaRequests: number };
  /** Entities not tracked because a table reached its bound. */
  dropped: number;
}

class Samples {
  count = 0; sum = 0; min = Infinity; max = -Infinity;
  readonly kept: number[] = [];
  constructor(readonly name: string, readonly unit: 's' | 'count') {}
  add(x: number): void {
    this.count++; this.sum += x;
    if (x < this.min) this.min = x;
    if (x > this.max) this.max = x;
    if (this.kept.length < MAX_SAMPLES) this.kept.push(x);
  }
  summary(): Distribution {
    const s = [...this.kept].sort((a, b) => a - b);
    const q = (p: number): number | null => (s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))]! : null);
    const r = (x: number | null): number | null => (x === null ? null : Math.round(x * 1e6) / 1e6);
    return {
      name: this.name, unit: this.unit, count: this.count,
      min: this.count ? r(this.min) : null, mean: this.count ? r(this.sum / this.count) : null,
      p50: r(q(0.5)), p90: r(q(0.9)), max: this.count ? r(this.max) : null,
    };
  }
}

/** Addresses below are AddressTable numbers (0: none). */
interface HomeAgentState {
  mns: Set<number>; bu: number; ba: number; switches: number; switchRetx: number; hellos: number; syncSent: number; syncRecv: number;
}
interface MobileNodeState {
  bu: number; bindings: number; rejected: number; dereg: number; ha: number; switches: number; rereg: number[];
  /** An HA Switch waiting for the registration it asks for. */
  switchedAt: number; switchTo: number[] | null;
}
/** Packets of one message type between two addresses. */
interface MessageCount { protocol: 'MH' | 'ICMPv6'; type: number; src: number; dst: number; packets: number }
/**
 * One BU, HA Switch or inter-HA request and its retransmissions: the first and
 * last transmission's times, how many, and the first MAX_ATTEMPT_SEQS
 * transmissions' sequence numbers and times (`n` of them).
 */
interface Attempt { first: number; last: number; sent: number; n: number; seqs: Float64Array; times: Float64Array }

/** An attempt of one transmission at `time`, with no sequence number yet. */
function newAttempt(time: number): Attempt {
  return { first: time, last: time, sent: 1, n: 0, seqs: new Float64Array(MAX_ATTEMPT_SEQS), times: new Float64Array(MAX_ATTEMPT_SEQS) };
}

/** The time of the last transmission of `at` that carried sequence number `seq`, or its last transmission's time. */
function sentWith(at: Attempt, seq: number): number {
  for (let k = at.n - 1; k >= 0; k--) if (at.seqs[k] === seq) return at.times[k]!;
  return at.last;
}
interface SaState {
  spi: number; src: string; dst: string; packets: number; opened: number; badIcv: number; gaps: number; replays: number;
  first: number; top: number;
  /** Bit k (of word k >> 5) set: sequence number top - k was seen (k < REPLAY_WINDOW). */
  window: Int32Array;
}

/** Fields by abbreviation; absent ones are undefined and skipped. Looked up when a collector is made, once every dissector has declared its fields. */
const lookupFields = () => ({
  ipv6Src: fieldByAbbrev('ipv6.src'), ipv6Dst: fieldByAbbrev('ipv6.dst'), homeAddress: fieldByAbbrev('ipv6.home_address'),
  mip6: fieldByAbbrev('mip6'), mhtype: fieldByAbbrev('mip6.mhtype'),
  buSeq: fieldByAbbrev('mip6.bu.seqnr'), buA: fieldByAbbrev('mip6.bu.a_flag'), buLifetime: fieldByAbbrev('mip6.bu.lifetime'),
  baStatus: fieldByAbbrev('mip6.ba.status'), baSeq: fieldByAbbrev('mip6.ba.seqnr'), baLifetime: fieldByAbbrev('mip6.ba.lifetime'),
  hasAddress: fieldByAbbrev('mip6.has.address'), hasI: fieldByAbbrev('mip6.has.i_flag'),
  esp: fieldByAbbrev('esp'), espSpi: fieldByAbbrev('esp.spi'), espSeq: fieldByAbbrev('esp.sequence'),
  espDecrypted: fieldByAbbrev('esp.decrypted'), espIcvStatus: fieldByAbbrev('esp.icv.status'),
  syncType: fieldByAbbrev('mip6.harel.sync.type'), syncId: fieldByAbbrev('mip6.harel.sync.id'), ctrlType: fieldByAbbrev('mip6.harel.ctrl.type'),
  biuId: fieldByAbbrev('mip6.haha.biu.id'), biaId: fieldByAbbrev('mip6.haha.bia.id'),
  icmpv6: fieldByAbbrev('icmpv6'), icmpv6Type: fieldByAbbrev('icmpv6.type'), icmpv6Invoking: fieldByAbbrev('icmpv6.invoking_packet'), raH: fieldByAbbrev('icmpv6.nd.ra.flag.h'),
  vharMessage: fieldByAbbrev('icmpv6.vhar.message'), vharId: fieldByAbbrev('icmpv6.vhar.identifier'),
});
let F = lookupFields();

/** Value of the first occurrence of def at or after `from` (the message's own fields follow its root). */
function numAfter(tree: Tree, def: FieldDef | undefined, from: number, fallback = -1): number {
  if (!def) return fallback;
  let i = tree.first(def);
  while (i >= 0 && i < from) i = tree.next(def, i);
  return i < 0 ? fallback : tree.value[i]!;
}

const isMulticast = (a: string): boolean => a.startsWith('ff');

// What addMobility() does with a Mobility Header message (StatsCollector.branches, by MH Type number).
const OTHER = 0;
const BU = 1;
const BA = 2;
const HAS = 3;
const REFRESH_OR_ERROR = 4;
const HELLO = 5;
const INTER_HA = 6;

/**
 * Each MH Type number's branch: a number the profile gives two messages is
 * counted as the first of them in this order (BU, BA, HA Switch, Binding
 * Refresh Request or Binding Error, Hello, the inter-HA messages).
 */
function branchesOf(t: Partial<Record<MhTypeKey, number>>): Uint8Array {
  const order: [number, MhTypeKey[]][] = [
    [INTER_HA, ['stateSynchronization', 'homeAgentControl', 'bindingInformationRequest', 'bindingInformationUpdate', 'bindingInformationAck']],
    [HELLO, ['homeAgentHello', 'hahaHello']],
    [REFRESH_OR_ERROR, ['bindingRefreshRequest', 'bindingError']],
    [HAS, ['homeAgentSwitch']], [BA, ['bindingAck']], [BU, ['bindingUpdate']],
  ];
  const branches = new Uint8Array(256);
  // Later entries overwrite earlier ones: the first of the order wins.
  for (const [branch, keys] of order) {
    for (const k of keys) { const n = t[k]; if (n !== undefined && n >= 0 && n < 256) branches[n] = branch; }
  }
  return branches;
}

/** The branch of each kind of message analyze/direct.ts reads from the bytes. */
const DIRECT_BRANCH: Readonly<Record<string, number>> = { bindingUpdate: BU, bindingAck: BA, homeAgentSwitch: HAS, homeAgentHello: HELLO };

/**
 * Table keys made of address numbers are exact numbers for addresses numbered
 * below this (the first two million): an SA is SPI * 2^21 + destination, a
 * message type between two addresses source * 2^32 + destination * 2^11 +
 * (type + 1) * 2 + protocol. Entries with larger numbers are keyed by text.
 */
const EXACT_ADDRESSES = 2 ** 21;

/**
 * A table keyed by an exact number, or by text (`text` not null) for the few
 * entries whose numbers are too large for one (past millions of addresses).
 */
class ExactKeyed<V> {
  /** An open-addressing table (FlowMap): a JavaScript Map boxes every key past 2^30 it is given. */
  private readonly byNumber = new FlowMap<V>();
  private readonly byText = new Map<string, V>();

  get size(): number {
    return this.byNumber.size + this.byText.size;
  }

  get(key: number, text: string | null): V | undefined {
    return text === null ? this.byNumber.get(key) : this.byText.get(text);
  }

  set(key: number, text: string | null, v: V): void {
    if (text === null) this.byNumber.set(key, v); else this.byText.set(text, v);
  }

  values(): V[] {
    return [...this.byNumber.values(), ...this.byText.values()];
  }
}

/**
 * BUs or HA Switches waiting for their answer, keyed by two address numbers
 * (FlowMap.get2: the key made inside the call, never boxed), their Attempt
 * objects reused once answered: a registration's attempt lives for a few
 * packets, and a new object (and two arrays) each time, with a JavaScript Map
 * boxing its key and reallocating as it shrinks and grows, was most of what
 * stats allocated.
 */
class PendingAttempts {
  private readonly map = new FlowMap<Attempt>();
  private readonly spare: Attempt[] = [];

  get size(): number {
    return this.map.size;
  }

  get(a: number, b: number): Attempt | undefined {
    return this.map.get2(a, b);
  }

  /** A new attempt of one transmission at `time` (with its sequence number, if given), unless MAX_KEYS are pending (false). */
  start(a: number, b: number, time: number, seq: number | undefined): boolean {
    if (this.map.size >= MAX_KEYS) return false;
    const at = this.spare.pop() ?? newAttempt(time);
    at.first = time;
    at.last = time;
    at.sent = 1;
    at.n = 0;
    if (seq !== undefined) { at.seqs[0] = seq; at.times[0] = time; at.n = 1; }
    this.map.set2(a, b, at);
    return true;
  }

  /** Forget the attempt (answered, or followed by a new one); its object is reused. */
  end(a: number, b: number, at: Attempt): void {
    this.map.delete2(a, b);
    if (this.spare.length < 1024) this.spare.push(at);
  }

  values(): IterableIterator<Attempt> {
    return this.map.values();
  }
}

export class StatsCollector {
  private packets = 0;
  private mobility = 0;
  private firstTime = NaN;
  private lastTime = NaN;
  private dropped = 0;
  private readonly addresses = new AddressTable();
  /** By message key (EXACT_ADDRESSES), else by `protocol|type|src|dst` (address numbers). */
  private readonly byType = new ExactKeyed<MessageCount>();
  private readonly homeAgentAddrs = new Set<number>();
  private readonly mobileAddrs = new Set<number>();
  private readonly has = new Map<number, HomeAgentState>();
  private readonly mns = new Map<number, MobileNodeState>();
  /** By SPI * EXACT_ADDRESSES + destination, else by `spi/dst`. */
  private readonly sas = new ExactKeyed<SaState>();
  /** BUs by (home address, HA); HA Switches by (HA, home address) (key2: exact below 2^26 addresses, some 3 GB of them). */
  private readonly buPending = new PendingAttempts();
  private readonly hasPending = new PendingAttempts();
  private readonly dist = {
    buToBa: new Samples('BU → BA (from the BU answered)', 's'),
    firstBuToBa: new Samples('BU → BA (from the first transmission)', 's'),
    buSent: new Samples('BU transmissions per answered BU', 'count'),
    buRetxInterval: new Samples('BU retransmission interval', 's'),
    hasToBu: new Samples('HA Switch → acknowledging BU (from the last transmission)', 's'),
    firstHasToBu: new Samples('HA Switch → acknowledging BU (from the first transmission)', 's'),
    hasSent: new Samples('HA Switch transmissions per acknowledged switch', 'count'),
    hasRetxInterval: new Samples('HA Switch retransmission interval', 's'),
    rereg: new Samples('HA Switch → re-registration (accepted BA)', 's'),
    syncReply: new Samples('State Synchronization Request → Reply (from the last transmission)', 's'),
    controlReply: new Samples('HA Control Request → Reply (from the last transmission)', 's'),
    biuAck: new Samples('Binding Information Update → Acknowledgment (from the last transmission)', 's'),
    vharReply: new Samples('VHAR request → reply (from the last transmission)', 's'),
    interHaRetxInterval: new Samples('Inter-HA request retransmission interval', 's'),
  };
  /** Inter-HA requests waiting for their answer, by the key the answer will carry. */
  private readonly interHaPending = new Map<string, Attempt>();
  private readonly type: Partial<Record<MhTypeKey, number>>;
  private readonly branches: Uint8Array;

  /** `exactBelow`: key by number the entries of addresses numbered below it (EXACT_ADDRESSES; tests lower it to exercise the text keys). */
  constructor(
    mhTypes: Readonly<Record<MhTypeKey, number>>, private readonly typeName: (n: number) => string = defaultTypeName,
    private readonly exactBelow = EXACT_ADDRESSES,
  ) {
    this.type = mhTypes;
    this.branches = branchesOf(mhTypes);
    F = lookupFields();
  }

  /** The table the packets' addresses are numbered in: give it to directFacts() for addFacts(). */
  get addressTable(): AddressInterner {
    return this.addresses;
  }

  /** The number of the address at `item` (0: none, or not an address). */
  private address(tree: Tree, item: number): number {
    if (item < 0 || tree.length[item]! < 16) return 0;
    return this.addresses.intern(tree.bufferOf(item), tree.start[item]!);
  }

  /** An address's text ('?' for 0). */
  private text(a: number): string {
    return this.addresses.name(a);
  }

  private multicast(a: number): boolean {
    return isMulticast(this.text(a));
  }

  /** Account for one dissected packet taken at `time` (epoch seconds). */
  add(tree: Tree, time: number): void {
    this.packets++;
    if (Number.isNaN(this.firstTime)) this.firstTime = time;
    this.lastTime = time;
    // An ICMPv6 error's invoking packet (from that item on) was counted when it was sent, if captured.
    const quoted = F.icmpv6Invoking ? tree.first(F.icmpv6Invoking) : -1;
    const outside = quoted < 0 ? 0x7fffffff : quoted;
    if (F.esp) { const e = tree.first(F.esp); if (e >= 0 && e < outside) this.addEsp(tree); }
    if (F.mip6 && F.mhtype) {
      const root = tree.first(F.mip6);
      if (root >= 0 && root < outside) { this.addMobility(tree, root, time); return; }
    }
    if (F.icmpv6 && F.icmpv6Type) {
      const root = tree.first(F.icmpv6);
      if (root >= 0) this.addIcmpv6(tree, root, time);
    }
  }

  /**
   * Account for a packet whose facts directFacts() read from its bytes, its addresses
   * numbered in `addressTable` (IPv6, perhaps ESP NULL, and a BU, BA, HA Switch or
   * Hello with nothing the dissector would note): the counts add() takes from its
   * dissection. False, counting nothing, for a message the profile's numbers send
   * another way here (a number it gives two messages): it is to be dissected.
   */
  addFacts(f: Facts): boolean {
    const type = f.mhType;
    const branch = f.mhItem >= 0 ? DIRECT_BRANCH[f.kind] : OTHER;
    if (f.mhItem >= 0 && (branch === undefined || this.branches[type] !== branch)) return false;
    const time = f.time;
    this.packets++;
    if (Number.isNaN(this.firstTime)) this.firstTime = time;
    this.lastTime = time;
    const src = f.src;
    const dst = f.dst;
    if (f.espItem >= 0) this.espPacket(f.spi, f.espSeq, src, dst, f.espOpened, f.icv === 'bad');
    if (f.mhItem < 0) return true;
    this.mobility++;
    this.countMessage('MH', type, src, dst);
    if (branch === BU) this.onBindingUpdate(time, f.home || src, src, dst, f.seq, f.ack, f.lifetime);
    else if (branch === BA) this.onBindingAck(time, f.home || dst, src, dst, f.seq, f.status, f.lifetime);
    else if (branch === HAS) {
      const mn = this.onHomeAgentSwitch(time, f.home || dst, src, dst, f.rekey);
      if (mn) mn.switchTo = f.listed.slice();
    } else this.hello(src, dst);
    return true;
  }

  private bounded<K, V>(m: Map<K, V>, key: K, make: () => V): V | undefined {
    let v = m.get(key);
    if (v === undefined) {
      if (m.size >= MAX_KEYS) { this.dropped++; return undefined; }
      v = make();
      m.set(key, v);
    }
    return v;
  }

  private addEsp(tree: Tree): void {
    const root = tree.first(F.esp!);
    const spi = numAfter(tree, F.espSpi, root);
    const seq = numAfter(tree, F.espSeq, root);
    if (spi < 0 || seq < 0) return;
    const src = this.address(tree, tree.lastBefore(F.ipv6Src, root));
    const dst = this.address(tree, tree.lastBefore(F.ipv6Dst, root));
    this.espPacket(spi, seq, src, dst, numAfter(tree, F.espDecrypted, root, 0) === 1, numAfter(tree, F.espIcvStatus, root, -1) === 0);
  }

  /** An ESP packet of the SA (spi, dst): opened (payload available), its ICV found bad. */
  private espPacket(spi: number, seq: number, src: number, dst: number, opened: boolean, badIcv: boolean): void {
    const sa = this.sa(spi, src, dst, seq);
    if (!sa) return;
    sa.packets++;
    if (opened) sa.opened++;
    if (badIcv) sa.badIcv++;
    // RFC 4303 3.4.3: a sliding window over the highest sequence number seen, a bit a number
    // (64 bytes moved with copyWithin() and fill() for every packet cost 6% of stats' time).
    const w = sa.window;
    if (sa.packets === 1 || seq > sa.top) {
      if (sa.packets > 1) {
        sa.gaps += seq - sa.top - 1;
        // Bit k moves to k + shift (shift >= 1); those past the window fall out.
        const shift = seq - sa.top;
        if (shift >= REPLAY_WINDOW) { w[0] = 0; w[1] = 0; }
        else if (shift >= 32) { w[1] = w[0]! << (shift - 32); w[0] = 0; }
        else { w[1] = (w[1]! << shift) | (w[0]! >>> (32 - shift)); w[0] = w[0]! << shift; }
      }
      w[0] = w[0]! | 1;
      sa.top = seq;
    } else {
      const back = sa.top - seq;
      if (back >= REPLAY_WINDOW || ((w[back >>> 5]! >>> (back & 31)) & 1) === 1) sa.replays++;
      else {
        w[back >>> 5] = w[back >>> 5]! | (1 << (back & 31));
        // A late packet fills a gap counted earlier; one from before the first packet seen
        // (the capture started mid-stream) widens the range instead, with its own gap.
        if (seq >= sa.first) sa.gaps--;
        else { sa.gaps += sa.first - seq - 1; sa.first = seq; }
      }
    }
  }

  private addMobility(tree: Tree, root: number, time: number): void {
    this.mobility++;
    const type = numAfter(tree, F.mhtype, root);
    const src = this.address(tree, tree.lastBefore(F.ipv6Src, root));
    const dst = this.address(tree, tree.lastBefore(F.ipv6Dst, root));
    if (src === 0 || dst === 0) return;
    const hoaItem = tree.lastBefore(F.homeAddress, root);
    const t = this.type;
    this.countMessage('MH', type, src, dst);

    const branch = type >= 0 && type < 256 ? this.branches[type]! : OTHER;
    if (branch === BU) {
      const hoa = this.address(tree, hoaItem) || src;
      this.onBindingUpdate(time, hoa, src, dst, numAfter(tree, F.buSeq, root), numAfter(tree, F.buA, root, 0) === 1, numAfter(tree, F.buLifetime, root));
    } else if (branch === BA) {
      const hoa = this.address(tree, hoaItem) || dst;
      this.onBindingAck(time, hoa, src, dst, numAfter(tree, F.baSeq, root), numAfter(tree, F.baStatus, root, 0), numAfter(tree, F.baLifetime, root, 0));
    } else if (branch === HAS) {
      const hoa = this.address(tree, hoaItem) || dst;
      const mn = this.onHomeAgentSwitch(time, hoa, src, dst, numAfter(tree, F.hasI, root, 0) === 1);
      if (mn) {
        const listed: number[] = [];
        if (F.hasAddress) {
          for (let i = tree.first(F.hasAddress); i >= 0; i = tree.next(F.hasAddress, i)) {
            if (i > root) { const a = this.address(tree, i); if (a !== 0) listed.push(a); }
          }
        }
        mn.switchTo = listed;
      }
    } else if (branch === REFRESH_OR_ERROR) {
      this.homeAgentAddrs.add(src);
      this.mobileAddrs.add(dst);
    } else if (branch === HELLO) {
      this.hello(src, dst);
    } else if (branch === INTER_HA) {
      this.homeAgentAddrs.add(src);
      if (!this.multicast(dst)) this.homeAgentAddrs.add(dst);
      if (type !== t.homeAgentControl) this.stateSync(src, dst);
      // Inter-HA requests are few: their keys are texts.
      const from = this.text(src);
      const to = this.text(dst);
      if (type === t.stateSynchronization) {
        // hareliability-01 6.1.1: a Reply copies its Request's Identifier (0: unsolicited, no request).
        const id = numAfter(tree, F.syncId, root);
        if (numAfter(tree, F.syncType, root) === 0) this.request(`sync|${from}|${to}|${id}`, time);
        else if (id > 0) this.answered(`sync|${to}|${from}|${id}`, time, this.dist.syncReply);
      } else if (type === t.homeAgentControl) {
        // hareliability-01 6.1.2: SwitchOver/SwitchBack Request (0, 2) answered by its Reply (1, 3).
        const ctl = numAfter(tree, F.ctrlType, root);
        if (ctl === 0 || ctl === 2) this.request(`ctrl|${from}|${to}|${ctl}`, time);
        else if (ctl === 1 || ctl === 3) this.answered(`ctrl|${to}|${from}|${ctl - 1}`, time, this.dist.controlReply);
      } else if (type === t.bindingInformationUpdate) {
        this.request(`biu|${from}|${to}|${numAfter(tree, F.biuId, root)}`, time);
      } else if (type === t.bindingInformationAck) {
        this.answered(`biu|${to}|${from}|${numAfter(tree, F.biaId, root)}`, time, this.dist.biuAck);
      }
    }
  }

  /** The SA (SPI, destination), made on its first packet (undefined past the bound). */
  private sa(spi: number, src: number, dst: number, seq: number): SaState | undefined {
    const key = spi * EXACT_ADDRESSES + dst;
    const text = dst < this.exactBelow ? null : `${spi}/${dst}`;
    let sa = this.sas.get(key, text);
    if (sa === undefined) {
      if (this.sas.size >= MAX_KEYS) { this.dropped++; return undefined; }
      sa = {
        spi, src: this.text(src), dst: this.text(dst), packets: 0, opened: 0, badIcv: 0, gaps: 0, replays: 0, first: seq, top: 0,
        window: new Int32Array(REPLAY_WINDOW / 32),
      };
      this.sas.set(key, text, sa);
    }
    return sa;
  }

  private countMessage(protocol: 'MH' | 'ICMPv6', type: number, src: number, dst: number): void {
    // Message types are a byte (-1: none).
    const low = (type + 1) * 2 + (protocol === 'MH' ? 0 : 1);
    const exact = src < this.exactBelow && dst < this.exactBelow && low >= 0 && low < 2048 && Number.isInteger(low);
    const key = exact ? src * 4294967296 + dst * 2048 + low : 0;
    const text = exact ? null : `${protocol}|${type}|${src}|${dst}`;
    const c = this.byType.get(key, text);
    if (c !== undefined) c.packets++;
    else if (this.byType.size < MAX_KEYS) this.byType.set(key, text, { protocol, type, src, dst, packets: 1 });
    else this.dropped++;
  }

  /** A state synchronization message from one HA to another (or to all, multicast). */
  private stateSync(src: number, dst: number): void {
    const s = this.ha(src);
    if (s) s.syncSent++;
    if (!this.multicast(dst)) { const d = this.ha(dst); if (d) d.syncRecv++; }
  }

  /**
   * One transmission of the attempt under (a, b) in `pending`: a retransmission when the
   * previous one was at most RETRANSMIT_HORIZON before (its interval goes to `retx`;
   * the attempt is returned), else the first of a new attempt (undefined). `seq` is
   * remembered per transmission when given.
   */
  private transmission(pending: PendingAttempts, a: number, b: number, time: number, retx: Samples, seq?: number): Attempt | undefined {
    const prev = pending.get(a, b);
    if (prev && this.again(prev, time, retx, seq)) return prev;
    if (prev) pending.end(a, b, prev);
    if (!pending.start(a, b, time, seq)) this.dropped++;
    return undefined;
  }

  /** Whether `time` retransmits the attempt `prev` (within RETRANSMIT_HORIZON of its last transmission): then counted as such. */
  private again(prev: Attempt, time: number, retx: Samples, seq?: number): boolean {
    if (!(time - prev.last <= RETRANSMIT_HORIZON)) return false;
    retx.add(time - prev.last);
    prev.sent++;
    prev.last = time;
    if (seq !== undefined && prev.n < MAX_ATTEMPT_SEQS) { prev.seqs[prev.n] = seq; prev.times[prev.n] = time; prev.n++; }
    return true;
  }

  /** An inter-HA request; a repeat before its answer is a retransmission. */
  private request(key: string, time: number): void {
    const pending = this.interHaPending;
    const prev = pending.get(key);
    if (prev && this.again(prev, time, this.dist.interHaRetxInterval)) return;
    pending.delete(key);
    this.bounded(pending, key, () => newAttempt(time));
  }

  /** The answer to the request under `key`: the response time from its last transmission. */
  private answered(key: string, time: number, into: Samples): void {
    const req = this.interHaPending.get(key);
    if (!req) return;
    into.add(time - req.last);
    this.interHaPending.delete(key);
  }

  /** VHAR messages and home agents' Router Advertisements (vhar-02; RFC 6275 7.1: H flag). */
  private addIcmpv6(tree: Tree, root: number, time: number): void {
    const type = numAfter(tree, F.icmpv6Type, root);
    const vhar = F.vharMessage ? numAfter(tree, F.vharMessage, root) : -1;
    const homeAgentRa = type === 134 && numAfter(tree, F.raH, root, 0) === 1;
    if (vhar < 0 && !homeAgentRa) return;
    const src = this.address(tree, tree.lastBefore(F.ipv6Src, root));
    const dst = this.address(tree, tree.lastBefore(F.ipv6Dst, root));
    if (src === 0 || dst === 0) return;
    this.countMessage('ICMPv6', type, src, dst);
    this.homeAgentAddrs.add(src);
    if (homeAgentRa) {
      // The Active/Backup advertisement is VHAR's liveness signal, as the Hello is hareliability-01's.
      const ha = this.ha(src);
      if (ha) ha.hellos++;
      return;
    }
    if (!this.multicast(dst)) this.homeAgentAddrs.add(dst);
    this.stateSync(src, dst);
    // vhar-02 5: 161, 163 and 165 are answered by 162, 164 and 166 with the same Identifier; 167 is never answered.
    const id = numAfter(tree, F.vharId, root);
    const from = this.text(src);
    const to = this.text(dst);
    if (vhar === 161 || vhar === 163 || vhar === 165) this.request(`vhar|${from}|${to}|${vhar}|${id}`, time);
    else if (vhar === 162 || vhar === 164 || vhar === 166) this.answered(`vhar|${to}|${from}|${vhar - 1}|${id}`, time, this.dist.vharReply);
  }

  // The maker closures are made only for a new entry (one a call was garbage on every packet).
  private ha(a: number): HomeAgentState | undefined {
    return this.has.get(a) ?? this.bounded(this.has, a, () => ({ mns: new Set<number>(), bu: 0, ba: 0, switches: 0, switchRetx: 0, hellos: 0, syncSent: 0, syncRecv: 0 }));
  }

  private mn(a: number): MobileNodeState | undefined {
    return this.mns.get(a) ?? this.bounded(this.mns, a, () => ({ bu: 0, bindings: 0, rejected: 0, dereg: 0, ha: 0, switches: 0, rereg: [], switchedAt: 0, switchTo: null }));
  }

  /** A Home Agent Hello (or HAHA HA HELLO) from `src`. */
  private hello(src: number, dst: number): void {
    this.homeAgentAddrs.add(src);
    const ha = this.ha(src);
    if (ha) ha.hellos++;
    if (!this.multicast(dst)) this.homeAgentAddrs.add(dst);
  }

  /** A BU from `hoa` (at `coa`) to the HA `haAddr`: its Sequence Number, A flag and Lifetime (0: a deregistration). */
  private onBindingUpdate(time: number, hoa: number, coa: number, haAddr: number, seq: number, ackRequested: boolean, lifetime: number): void {
    this.homeAgentAddrs.add(haAddr);
    this.mobileAddrs.add(hoa).add(coa);
    const ha = this.ha(haAddr);
    const mn = this.mn(hoa);
    if (ha) ha.bu++;
    if (mn) { mn.bu++; if (lifetime === 0) mn.dereg++; }
    // RFC 5142 5: the MN's BU to the switching HA is what ends the HA Switch retransmissions.
    const sw = this.hasPending.get(haAddr, hoa);
    if (sw) {
      this.dist.hasToBu.add(time - sw.last);
      this.dist.firstHasToBu.add(time - sw.first);
      this.dist.hasSent.add(sw.sent);
      this.hasPending.end(haAddr, hoa, sw);
    }
    if (!ackRequested) return;
    this.transmission(this.buPending, hoa, haAddr, time, this.dist.buRetxInterval, seq);
  }

  /** A BA from the HA `haAddr` to `hoa` (at `coa`): its Sequence Number, Status and Lifetime. */
  private onBindingAck(time: number, hoa: number, haAddr: number, coa: number, seq: number, status: number, lifetime: number): void {
    this.homeAgentAddrs.add(haAddr);
    this.mobileAddrs.add(hoa).add(coa);
    const ha = this.ha(haAddr);
    const mn = this.mn(hoa);
    if (ha) ha.ba++;
    const attempt = this.buPending.get(hoa, haAddr);
    if (attempt) {
      this.dist.buToBa.add(time - sentWith(attempt, seq));
      this.dist.firstBuToBa.add(time - attempt.first);
      this.dist.buSent.add(attempt.sent);
      this.buPending.end(hoa, haAddr, attempt);
    }
    if (!mn) return;
    if (status >= 128) { mn.rejected++; return; }
    if (lifetime === 0) return;
    mn.bindings++;
    mn.ha = haAddr;
    if (ha && (ha.mns.size < MAX_KEYS || ha.mns.has(hoa))) ha.mns.add(hoa);
    // RFC 5142 5: after a switch the MN registers with one of the listed home agents.
    if (mn.switchTo && (mn.switchTo.length === 0 || mn.switchTo.includes(haAddr))) {
      const d = time - mn.switchedAt;
      this.dist.rereg.add(d);
      if (mn.rereg.length < MAX_ATTEMPT_SEQS) mn.rereg.push(Math.round(d * 1e6) / 1e6);
      mn.switchTo = null;
    }
  }

  /**
   * An HA Switch from the HA `haAddr` to `hoa` (at `coa`), `rekey` when its I flag is set. Returns
   * the MN when the switch asks it to register elsewhere: the caller sets its `switchTo` to the
   * home agents the message lists (none: any), whose accepted BA ends the switch.
   */
  private onHomeAgentSwitch(time: number, hoa: number, haAddr: number, coa: number, rekey: boolean): MobileNodeState | undefined {
    this.homeAgentAddrs.add(haAddr);
    this.mobileAddrs.add(hoa).add(coa);
    const ha = this.ha(haAddr);
    const mn = this.mn(hoa);
    if (ha) ha.switches++;
    if (this.transmission(this.hasPending, haAddr, hoa, time, this.dist.hasRetxInterval)) {
      if (ha) ha.switchRetx++;
      return undefined;
    }
    if (!mn) return undefined;
    mn.switches++;
    // hareliability-01 8.3: with I set the MN re-keys and keeps its home agent; no re-registration to time.
    if (rekey) return undefined;
    mn.switchedAt = time;
    return mn;
  }

  private role(a: number): string {
    if (this.homeAgentAddrs.has(a)) return 'HA';
    if (this.mobileAddrs.has(a)) return 'MN';
    if (this.multicast(a)) return 'multicast';
    return 'other';
  }

  report(): StatsReport {
    const grouped = new Map<string, MessageRow>();
    for (const { protocol, type, src, dst, packets } of this.byType.values()) {
      const direction = `${this.role(src)} → ${this.role(dst)}`;
      const g = `${protocol}|${type}|${direction}`;
      const name = protocol === 'MH' ? this.typeName(type) : icmpv6Name(type);
      const row = grouped.get(g) ?? { protocol, type, name, direction, packets: 0 };
      row.packets += packets;
      grouped.set(g, row);
    }
    const messages = [...grouped.values()].sort((a, b) => (a.protocol === b.protocol ? 0 : a.protocol === 'MH' ? -1 : 1)
      || a.type - b.type || b.packets - a.packets || (a.direction < b.direction ? -1 : 1));
    const homeAgents: HomeAgentRow[] = [...this.has].filter(([a]) => this.homeAgentAddrs.has(a)).map(([a, h]) => ({
      address: this.text(a), mnsServed: h.mns.size, bindingUpdates: h.bu, bindingAcks: h.ba, switchesSent: h.switches,
      switchRetransmissions: h.switchRetx, hellosSent: h.hellos, stateSyncSent: h.syncSent, stateSyncReceived: h.syncRecv,
    }));
    sortBy(homeAgents, (a) => a.address);
    const mobileNodes: MobileNodeRow[] = [...this.mns].map(([a, m]) => ({
      homeAddress: this.text(a), bindingUpdates: m.bu, bindings: m.bindings, rejected: m.rejected, deregistrations: m.dereg,
      homeAgent: m.ha === 0 ? null : this.text(m.ha), switchesReceived: m.switches, reregistrationTimes: m.rereg,
    }));
    sortBy(mobileNodes, (m) => m.homeAddress);
    const espSas: EspSaRow[] = this.sas.values().map((s) => ({
      spi: s.spi, source: s.src, destination: s.dst, packets: s.packets, opened: s.opened, badIcv: s.badIcv,
      gaps: Math.max(0, s.gaps), replays: s.replays, firstSequence: s.first, lastSequence: s.top,
    }));
    sortBy(espSas, (s) => s.destination, (a, b) => a.spi - b.spi);
    let unansweredBu = 0;
    for (const a of this.buPending.values()) unansweredBu += a.sent > 0 ? 1 : 0;
    return {
      packets: this.packets,
      mobilityPackets: this.mobility,
      duration: this.packets ? Math.round((this.lastTime - this.firstTime) * 1e6) / 1e6 : 0,
      messages, homeAgents, mobileNodes, espSas,
      distributions: Object.values(this.dist).map((d) => d.summary()),
      unanswered: { bindingUpdates: unansweredBu, homeAgentSwitches: this.hasPending.size, interHaRequests: this.interHaPending.size },
      dropped: this.dropped,
    };
  }
}

function icmpv6Name(type: number): string {
  if (type === 134) return 'Router Advertisement (home agent)';
  return fieldByAbbrev('icmpv6.vhar.message')?.vals?.[type] ?? `ICMPv6 type ${type}`;
}

function defaultTypeName(n: number): string {
  return fieldByAbbrev('mip6.mhtype')?.vals?.[n] ?? `MH type ${n}`;
}

/** An address's text as compareAddresses() reads it: its groups' values. */
function addressParts(a: string): number[] {
  return a.split(':').map((p) => parseInt(p || '0', 16));
}

/** Numeric order for addresses of the same shape (…::a2 before …::a10), text order otherwise. */
function compareAddresses(a: string, pa: readonly number[], b: string, pb: readonly number[]): number {
  if (pa.length === pb.length) {
    for (let i = 0; i < pa.length; i++) {
      const x = pa[i]!;
      const y = pb[i]!;
      if (x !== y) return x - y;
    }
    return 0;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Sort `rows` in place by `first`, then by the address `address` gives in
 * compareAddresses' order (stable). Each address is split once, not at every
 * comparison: tens of thousands of rows made the sort most of the report's time.
 */
function sortBy<T>(rows: T[], address: (row: T) => string, first: (a: T, b: T) => number = () => 0): void {
  const keyed = rows.map((row) => { const a = address(row); return { row, a, parts: addressParts(a) }; });
  keyed.sort((x, y) => first(x.row, y.row) || compareAddresses(x.a, x.parts, y.a, y.parts));
  for (let i = 0; i < keyed.length; i++) rows[i] = keyed[i]!.row;
}

// ------------------------------------------------------------ rendering

const fmtTime = (x: number | null): string => (x === null ? '-' : x.toFixed(3));
const fmtCount = (x: number | null): string => (x === null ? '-' : Number.isInteger(x) ? String(x) : x.toFixed(2));


export interface StatsTextOptions {
  /** Colours for the section headings (the tables stay plain: they are often piped or diffed). */
  colors?: Colors;
  /** The -Y filter the packets were selected by. */
  displayFilter?: string;
}

/** The report as tables, like tshark -z. */
export function statsText(r: StatsReport, o: StatsTextOptions = {}): string {
  const c = o.colors ?? colorize(false);
  const out: string[] = [];
  const heading = (title: string): void => { out.push('', c.protocol(title)); };
  out.push(`${r.packets} packets${o.displayFilter !== undefined ? ` matching ${o.displayFilter}` : ''}, ${r.mobilityPackets} with a Mobility Header, over ${r.duration.toFixed(3)} s`);

  heading('Messages by type and direction');
  const m = new TextTable(['Protocol', 'Type', 'Message', 'Direction', 'Packets']);
  for (const row of r.messages) m.push([row.protocol, String(row.type), row.name, row.direction, String(row.packets)]);
  out.push(m.toString());

  heading('Home agents');
  const h = new TextTable(['Home agent', 'MNs served', 'BU recv', 'BA sent', 'Switches sent', 'of which retrans.', 'Hellos sent', 'State sync sent', 'State sync recv']);
  for (const a of r.homeAgents) {
    h.push([a.address, a.mnsServed, a.bindingUpdates, a.bindingAcks, a.switchesSent, a.switchRetransmissions, a.hellosSent, a.stateSyncSent, a.stateSyncReceived].map(String));
  }
  out.push(h.toString());

  heading('Mobile nodes');
  const n = new TextTable(['Home address', 'BU sent', 'Bindings', 'Rejected', 'De-reg.', 'Home agent', 'Switches recv', 'Re-registered after (s)']);
  for (const mn of r.mobileNodes) {
    n.push([mn.homeAddress, mn.bindingUpdates, mn.bindings, mn.rejected, mn.deregistrations, mn.homeAgent ?? '-', mn.switchesReceived,
      mn.reregistrationTimes.length ? mn.reregistrationTimes.map((x) => x.toFixed(3)).join(', ') : '-'].map(String));
  }
  out.push(n.toString());

  heading('ESP security associations');
  const e = new TextTable(['SPI', 'Source', 'Destination', 'Packets', 'Opened', 'Bad ICV', 'Seq first', 'Seq last', 'Gaps', 'Replays']);
  for (const s of r.espSas) {
    e.push([`0x${s.spi.toString(16).padStart(8, '0')}`, s.source, s.destination, s.packets, s.opened === s.packets ? 'yes' : s.opened === 0 ? 'no' : `${s.opened}/${s.packets}`,
      s.badIcv, s.firstSequence, s.lastSequence, s.gaps, s.replays].map(String));
  }
  out.push(e.toString());

  heading('Retransmissions and response times');
  const d = new TextTable(['Measure', 'Count', 'Min', 'Mean', 'p50', 'p90', 'Max']);
  for (const x of r.distributions) {
    const f = x.unit === 's' ? fmtTime : fmtCount;
    d.push([`${x.name}${x.unit === 's' ? ' (s)' : ''}`, String(x.count), f(x.min), f(x.mean), f(x.p50), f(x.p90), f(x.max)]);
  }
  out.push(d.toString());
  out.push(`Unanswered at the end: ${r.unanswered.bindingUpdates} BU (A set), ${r.unanswered.homeAgentSwitches} HA Switch, ${r.unanswered.interHaRequests} inter-HA request`);
  if (r.dropped) out.push(`Not tracked (table bound of ${MAX_KEYS} reached): ${r.dropped}`);
  return out.join('\n');
}

/** The report for machines (`-T json`). */
export function statsJson(r: StatsReport): string {
  return JSON.stringify(r, null, 2);
}
