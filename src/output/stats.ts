/**
 * `mip6scope stats`: counters and timing distributions over a whole capture,
 * the way `tshark -z` summarises one, for the home-agent reliability signalling.
 *
 * Everything is read from dissected trees by field abbreviation (a field no
 * dissector declares simply contributes nothing). State is bounded: at most
 * MAX_KEYS entities per table and MAX_SAMPLES kept per distribution; beyond
 * that, counts stay exact and the report says what was left out.
 */
import Table from 'cli-table3';
import { type FieldDef, fieldByAbbrev } from '../dissect/fields.js';
import { ipv6ToString } from '../dissect/format.js';
import type { Tree } from '../dissect/tree.js';
import type { MhTypeKey } from '../profile/defaults.js';
import { colorize, type Colors } from './color.js';
// Every dissector declares its fields on import; the lookups below need them all.
import '../dissect/index.js';

const MAX_KEYS = 100_000;
const MAX_SAMPLES = 100_000;
/** SAs and transmissions remembered per BU attempt, for matching a BA's sequence number. */
const MAX_ATTEMPT_SEQS = 16;
/** RFC 4303 3.4.3: the receiver's anti-replay window; 64 is the usual size. */
const REPLAY_WINDOW = 64;
/**
 * A BU or HA Switch repeated within this many seconds of the previous one, still
 * unanswered, is a retransmission (RFC 6275 13: MAX_BINDACK_TIMEOUT is 32 s; the
 * HA Switch backoff of RFC 5142 stays below it too).
 */
const RETRANSMIT_HORIZON = 32;

export interface MessageRow { type: number; name: string; direction: string; packets: number }
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
  /** BUs with the A flag and HA Switches never answered by the end of the capture. */
  unanswered: { bindingUpdates: number; homeAgentSwitches: number };
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

interface HomeAgentState {
  mns: Set<string>; bu: number; ba: number; switches: number; switchRetx: number; hellos: number; syncSent: number; syncRecv: number;
}
interface MobileNodeState {
  bu: number; bindings: number; rejected: number; dereg: number; ha: string | null; switches: number; rereg: number[];
  /** An HA Switch waiting for the registration it asks for. */
  switchedAt: number; switchTo: string[] | null;
}
interface Attempt { first: number; last: number; sent: number; seqs: number[]; times: number[] }
interface SaState {
  spi: number; src: string; dst: string; packets: number; opened: number; badIcv: number; gaps: number; replays: number;
  first: number; top: number; window: Uint8Array;
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
});
let F = lookupFields();

/** Value of the first occurrence of def at or after `from` (the message's own fields follow its root). */
function numAfter(tree: Tree, def: FieldDef | undefined, from: number, fallback = -1): number {
  if (!def) return fallback;
  let i = tree.first(def);
  while (i >= 0 && i < from) i = tree.next(def, i);
  return i < 0 ? fallback : tree.value[i]!;
}

/** The last occurrence of def before `item` (the innermost IPv6 header carrying it). */
function lastBefore(tree: Tree, def: FieldDef | undefined, item: number): number {
  if (!def) return -1;
  let found = -1;
  for (let i = tree.first(def); i >= 0 && i < item; i = tree.next(def, i)) found = i;
  return found;
}

function addressText(tree: Tree, item: number): string | null {
  if (item < 0 || tree.length[item]! < 16) return null;
  return ipv6ToString(tree.bufferOf(item), tree.start[item]!);
}

const isMulticast = (a: string): boolean => a.startsWith('ff');

export class StatsCollector {
  private packets = 0;
  private mobility = 0;
  private firstTime = NaN;
  private lastTime = NaN;
  private dropped = 0;
  private readonly byType = new Map<string, number>();
  private readonly homeAgentAddrs = new Set<string>();
  private readonly mobileAddrs = new Set<string>();
  private readonly has = new Map<string, HomeAgentState>();
  private readonly mns = new Map<string, MobileNodeState>();
  private readonly sas = new Map<string, SaState>();
  private readonly buPending = new Map<string, Attempt>();
  private readonly hasPending = new Map<string, Attempt>();
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
  };
  private readonly type: Partial<Record<MhTypeKey, number>>;

  constructor(mhTypes: Readonly<Record<MhTypeKey, number>>, private readonly typeName: (n: number) => string = defaultTypeName) {
    this.type = mhTypes;
    F = lookupFields();
  }

  /** Account for one dissected packet taken at `time` (epoch seconds). */
  add(tree: Tree, time: number): void {
    this.packets++;
    if (Number.isNaN(this.firstTime)) this.firstTime = time;
    this.lastTime = time;
    if (F.esp && tree.first(F.esp) >= 0) this.addEsp(tree);
    if (F.mip6 && F.mhtype) {
      const root = tree.first(F.mip6);
      if (root >= 0) this.addMobility(tree, root, time);
    }
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
    const src = addressText(tree, lastBefore(tree, F.ipv6Src, root)) ?? '?';
    const dst = addressText(tree, lastBefore(tree, F.ipv6Dst, root)) ?? '?';
    const sa = this.bounded(this.sas, `${spi}/${dst}`, () => ({
      spi, src, dst, packets: 0, opened: 0, badIcv: 0, gaps: 0, replays: 0, first: seq, top: 0, window: new Uint8Array(REPLAY_WINDOW),
    }));
    if (!sa) return;
    sa.packets++;
    if (numAfter(tree, F.espDecrypted, root, 0) === 1) sa.opened++;
    if (numAfter(tree, F.espIcvStatus, root, -1) === 0) sa.badIcv++;
    // RFC 4303 3.4.3: a sliding window over the highest sequence number seen.
    if (sa.packets === 1 || seq > sa.top) {
      if (sa.packets > 1) {
        sa.gaps += seq - sa.top - 1;
        const shift = Math.min(seq - sa.top, REPLAY_WINDOW);
        sa.window.copyWithin(shift, 0, REPLAY_WINDOW - shift);
        sa.window.fill(0, 0, shift);
      }
      sa.window[0] = 1;
      sa.top = seq;
    } else {
      const back = sa.top - seq;
      if (back >= REPLAY_WINDOW || sa.window[back]) sa.replays++;
      else { sa.window[back] = 1; sa.gaps--; } // a late packet fills a gap counted earlier
    }
  }

  private addMobility(tree: Tree, root: number, time: number): void {
    this.mobility++;
    const type = numAfter(tree, F.mhtype, root);
    const src = addressText(tree, lastBefore(tree, F.ipv6Src, root));
    const dst = addressText(tree, lastBefore(tree, F.ipv6Dst, root));
    if (src === null || dst === null) return;
    const hoaItem = lastBefore(tree, F.homeAddress, root);
    const t = this.type;
    const key = `${type}|${src}|${dst}`;
    if (this.byType.has(key) || this.byType.size < MAX_KEYS) this.byType.set(key, (this.byType.get(key) ?? 0) + 1);
    else this.dropped++;

    if (type === t.bindingUpdate) {
      const hoa = addressText(tree, hoaItem) ?? src;
      this.onBindingUpdate(tree, root, time, hoa, src, dst);
    } else if (type === t.bindingAck) {
      const hoa = addressText(tree, hoaItem) ?? dst;
      this.onBindingAck(tree, root, time, hoa, src, dst);
    } else if (type === t.homeAgentSwitch) {
      const hoa = addressText(tree, hoaItem) ?? dst;
      this.onHomeAgentSwitch(tree, root, time, hoa, src, dst);
    } else if (type === t.bindingRefreshRequest || type === t.bindingError) {
      this.homeAgentAddrs.add(src);
      this.mobileAddrs.add(dst);
    } else if (type === t.homeAgentHello || type === t.hahaHello) {
      this.homeAgentAddrs.add(src);
      const ha = this.ha(src);
      if (ha) ha.hellos++;
      if (!isMulticast(dst)) this.homeAgentAddrs.add(dst);
    } else if (type === t.stateSynchronization || type === t.homeAgentControl || type === t.bindingInformationRequest
      || type === t.bindingInformationUpdate || type === t.bindingInformationAck) {
      this.homeAgentAddrs.add(src);
      if (!isMulticast(dst)) this.homeAgentAddrs.add(dst);
      if (type === t.stateSynchronization) {
        const s = this.ha(src);
        if (s) s.syncSent++;
        if (!isMulticast(dst)) { const d = this.ha(dst); if (d) d.syncRecv++; }
      }
    }
  }

  private ha(a: string): HomeAgentState | undefined {
    return this.bounded(this.has, a, () => ({ mns: new Set<string>(), bu: 0, ba: 0, switches: 0, switchRetx: 0, hellos: 0, syncSent: 0, syncRecv: 0 }));
  }

  private mn(a: string): MobileNodeState | undefined {
    return this.bounded(this.mns, a, () => ({ bu: 0, bindings: 0, rejected: 0, dereg: 0, ha: null, switches: 0, rereg: [], switchedAt: 0, switchTo: null }));
  }

  private onBindingUpdate(tree: Tree, root: number, time: number, hoa: string, coa: string, haAddr: string): void {
    this.homeAgentAddrs.add(haAddr);
    this.mobileAddrs.add(hoa).add(coa);
    const ha = this.ha(haAddr);
    const mn = this.mn(hoa);
    if (ha) ha.bu++;
    if (mn) { mn.bu++; if (numAfter(tree, F.buLifetime, root) === 0) mn.dereg++; }
    const seq = numAfter(tree, F.buSeq, root);
    const key = `${hoa}|${haAddr}`;
    // RFC 5142 5: the MN's BU to the switching HA is what ends the HA Switch retransmissions.
    const sw = this.hasPending.get(`${haAddr}|${hoa}`);
    if (sw) {
      this.dist.hasToBu.add(time - sw.last);
      this.dist.firstHasToBu.add(time - sw.first);
      this.dist.hasSent.add(sw.sent);
      this.hasPending.delete(`${haAddr}|${hoa}`);
    }
    if (numAfter(tree, F.buA, root, 0) !== 1) return;
    const prev = this.buPending.get(key);
    if (prev && time - prev.last <= RETRANSMIT_HORIZON) {
      this.dist.buRetxInterval.add(time - prev.last);
      prev.sent++;
      prev.last = time;
      if (prev.seqs.length < MAX_ATTEMPT_SEQS) { prev.seqs.push(seq); prev.times.push(time); }
    } else {
      this.bounded(this.buPending, key, () => ({ first: time, last: time, sent: 1, seqs: [seq], times: [time] }));
      if (prev) this.buPending.set(key, { first: time, last: time, sent: 1, seqs: [seq], times: [time] });
    }
  }

  private onBindingAck(tree: Tree, root: number, time: number, hoa: string, haAddr: string, coa: string): void {
    this.homeAgentAddrs.add(haAddr);
    this.mobileAddrs.add(hoa).add(coa);
    const ha = this.ha(haAddr);
    const mn = this.mn(hoa);
    if (ha) ha.ba++;
    const key = `${hoa}|${haAddr}`;
    const attempt = this.buPending.get(key);
    if (attempt) {
      const seq = numAfter(tree, F.baSeq, root);
      const k = attempt.seqs.lastIndexOf(seq);
      this.dist.buToBa.add(time - (k >= 0 ? attempt.times[k]! : attempt.last));
      this.dist.firstBuToBa.add(time - attempt.first);
      this.dist.buSent.add(attempt.sent);
      this.buPending.delete(key);
    }
    if (!mn) return;
    const status = numAfter(tree, F.baStatus, root, 0);
    if (status >= 128) { mn.rejected++; return; }
    if (numAfter(tree, F.baLifetime, root, 0) === 0) return;
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

  private onHomeAgentSwitch(tree: Tree, root: number, time: number, hoa: string, haAddr: string, coa: string): void {
    this.homeAgentAddrs.add(haAddr);
    this.mobileAddrs.add(hoa).add(coa);
    const ha = this.ha(haAddr);
    const mn = this.mn(hoa);
    if (ha) ha.switches++;
    const key = `${haAddr}|${hoa}`;
    const prev = this.hasPending.get(key);
    if (prev && time - prev.last <= RETRANSMIT_HORIZON) {
      if (ha) ha.switchRetx++;
      this.dist.hasRetxInterval.add(time - prev.last);
      prev.sent++;
      prev.last = time;
      return;
    }
    this.hasPending.delete(key);
    this.bounded(this.hasPending, key, () => ({ first: time, last: time, sent: 1, seqs: [], times: [] }));
    if (!mn) return;
    mn.switches++;
    // hareliability-01 8.3: with I set the MN re-keys and keeps its home agent; no re-registration to time.
    if (numAfter(tree, F.hasI, root, 0) === 1) return;
    const listed: string[] = [];
    if (F.hasAddress) {
      for (let i = tree.first(F.hasAddress); i >= 0; i = tree.next(F.hasAddress, i)) {
        if (i > root) { const a = addressText(tree, i); if (a) listed.push(a); }
      }
    }
    mn.switchedAt = time;
    mn.switchTo = listed;
  }

  private role(a: string): string {
    if (this.homeAgentAddrs.has(a)) return 'HA';
    if (this.mobileAddrs.has(a)) return 'MN';
    if (isMulticast(a)) return 'multicast';
    return 'other';
  }

  report(): StatsReport {
    const grouped = new Map<string, MessageRow>();
    for (const [key, n] of this.byType) {
      const [type, src, dst] = key.split('|') as [string, string, string];
      const direction = `${this.role(src)} → ${this.role(dst)}`;
      const g = `${type}|${direction}`;
      const row = grouped.get(g) ?? { type: +type, name: this.typeName(+type), direction, packets: 0 };
      row.packets += n;
      grouped.set(g, row);
    }
    const messages = [...grouped.values()].sort((a, b) => a.type - b.type || b.packets - a.packets || (a.direction < b.direction ? -1 : 1));
    const homeAgents: HomeAgentRow[] = [...this.has].filter(([a]) => this.homeAgentAddrs.has(a)).map(([address, h]) => ({
      address, mnsServed: h.mns.size, bindingUpdates: h.bu, bindingAcks: h.ba, switchesSent: h.switches,
      switchRetransmissions: h.switchRetx, hellosSent: h.hellos, stateSyncSent: h.syncSent, stateSyncReceived: h.syncRecv,
    })).sort((a, b) => compareAddresses(a.address, b.address));
    const mobileNodes: MobileNodeRow[] = [...this.mns].map(([homeAddress, m]) => ({
      homeAddress, bindingUpdates: m.bu, bindings: m.bindings, rejected: m.rejected, deregistrations: m.dereg,
      homeAgent: m.ha, switchesReceived: m.switches, reregistrationTimes: m.rereg,
    })).sort((a, b) => compareAddresses(a.homeAddress, b.homeAddress));
    const espSas: EspSaRow[] = [...this.sas.values()].map((s) => ({
      spi: s.spi, source: s.src, destination: s.dst, packets: s.packets, opened: s.opened, badIcv: s.badIcv,
      gaps: Math.max(0, s.gaps), replays: s.replays, firstSequence: s.first, lastSequence: s.top,
    })).sort((a, b) => a.spi - b.spi || compareAddresses(a.destination, b.destination));
    let unansweredBu = 0;
    for (const a of this.buPending.values()) unansweredBu += a.sent > 0 ? 1 : 0;
    return {
      packets: this.packets,
      mobilityPackets: this.mobility,
      duration: this.packets ? Math.round((this.lastTime - this.firstTime) * 1e6) / 1e6 : 0,
      messages, homeAgents, mobileNodes, espSas,
      distributions: Object.values(this.dist).map((d) => d.summary()),
      unanswered: { bindingUpdates: unansweredBu, homeAgentSwitches: this.hasPending.size },
      dropped: this.dropped,
    };
  }
}

function defaultTypeName(n: number): string {
  return fieldByAbbrev('mip6.mhtype')?.vals?.[n] ?? `MH type ${n}`;
}

/** Numeric order for addresses of the same shape (…::a2 before …::a10), text order otherwise. */
function compareAddresses(a: string, b: string): number {
  const pa = a.split(':');
  const pb = b.split(':');
  if (pa.length === pb.length) {
    for (let i = 0; i < pa.length; i++) {
      const x = parseInt(pa[i]! || '0', 16);
      const y = parseInt(pb[i]! || '0', 16);
      if (x !== y) return x - y;
    }
    return 0;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

// ------------------------------------------------------------ rendering

const fmtTime = (x: number | null): string => (x === null ? '-' : x.toFixed(3));
const fmtCount = (x: number | null): string => (x === null ? '-' : Number.isInteger(x) ? String(x) : x.toFixed(2));

function table(head: string[]): Table.Table {
  // No colour codes in the borders or head: the output is often piped or diffed.
  return new Table({ head, style: { head: [], border: [], compact: true } });
}

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

  heading('Mobility Header messages by type and direction');
  const m = table(['MH type', 'Message', 'Direction', 'Packets']);
  for (const row of r.messages) m.push([String(row.type), row.name, row.direction, String(row.packets)]);
  out.push(m.toString());

  heading('Home agents');
  const h = table(['Home agent', 'MNs served', 'BU recv', 'BA sent', 'Switches sent', 'of which retrans.', 'Hellos sent', 'State sync sent', 'State sync recv']);
  for (const a of r.homeAgents) {
    h.push([a.address, a.mnsServed, a.bindingUpdates, a.bindingAcks, a.switchesSent, a.switchRetransmissions, a.hellosSent, a.stateSyncSent, a.stateSyncReceived].map(String));
  }
  out.push(h.toString());

  heading('Mobile nodes');
  const n = table(['Home address', 'BU sent', 'Bindings', 'Rejected', 'De-reg.', 'Home agent', 'Switches recv', 'Re-registered after (s)']);
  for (const mn of r.mobileNodes) {
    n.push([mn.homeAddress, mn.bindingUpdates, mn.bindings, mn.rejected, mn.deregistrations, mn.homeAgent ?? '-', mn.switchesReceived,
      mn.reregistrationTimes.length ? mn.reregistrationTimes.map((x) => x.toFixed(3)).join(', ') : '-'].map(String));
  }
  out.push(n.toString());

  heading('ESP security associations');
  const e = table(['SPI', 'Source', 'Destination', 'Packets', 'Opened', 'Bad ICV', 'Seq first', 'Seq last', 'Gaps', 'Replays']);
  for (const s of r.espSas) {
    e.push([`0x${s.spi.toString(16).padStart(8, '0')}`, s.source, s.destination, s.packets, s.opened === s.packets ? 'yes' : s.opened === 0 ? 'no' : `${s.opened}/${s.packets}`,
      s.badIcv, s.firstSequence, s.lastSequence, s.gaps, s.replays].map(String));
  }
  out.push(e.toString());

  heading('Retransmissions and response times');
  const d = table(['Measure', 'Count', 'Min', 'Mean', 'p50', 'p90', 'Max']);
  for (const x of r.distributions) {
    const f = x.unit === 's' ? fmtTime : fmtCount;
    d.push([`${x.name}${x.unit === 's' ? ' (s)' : ''}`, String(x.count), f(x.min), f(x.mean), f(x.p50), f(x.p90), f(x.max)]);
  }
  out.push(d.toString());
  out.push(`Unanswered at the end: ${r.unanswered.bindingUpdates} BU (A set), ${r.unanswered.homeAgentSwitches} HA Switch`);
  if (r.dropped) out.push(`Not tracked (table bound of ${MAX_KEYS} reached): ${r.dropped}`);
  return out.join('\n');
}

/** The report for machines (`-T json`). */
export function statsJson(r: StatsReport): string {
  return JSON.stringify(r, null, 2);
}
