/**
 * The failover and switch story of a capture for `lint --timeline`, read from the
 * dissected packets the way `stats` reads them: which home agent is active, its
 * last Hello before it went silent, who took over, the Home Agent Switch messages
 * that followed and the mobile nodes' re-registrations, each at its frame.
 *
 * Runs of switches and re-registrations are told by their first and last packet
 * (with counts), not packet by packet, so a failover of thousands of mobile nodes
 * stays a few lines. State is bounded like the stats tables.
 */
import type { Frame } from '../capture/frame.js';
import { type FieldDef, fieldByAbbrev } from '../dissect/fields.js';
import { ipv6ToString } from '../dissect/format.js';
import type { Tree } from '../dissect/tree.js';
import type { MhTypeKey } from '../profile/defaults.js';
// Every dissector declares its fields on import; the lookups below need them all.
import '../dissect/index.js';

export interface TimelineEvent {
  /** Epoch seconds of the frame. */
  time: number;
  frame: number;
  file: string;
  fileIndex: number;
  text: string;
}

/** Home agents, mobile nodes and events kept at most. */
const MAX_KEYS = 100_000;
const MAX_EVENTS = 10_000;
/** Switches (or re-registrations) further apart than this start a new run (RFC 6275 MAX_BINDACK_TIMEOUT). */
const RUN_GAP = 32;
/** hareliability-01: a Hello without a usable lifetime counts as 3 s. */
const DEFAULT_LIFETIME = 3;

interface Where { time: number; frame: number; file: string; fileIndex: number }

interface HomeAgent {
  addr: string;
  group: number;
  active: boolean;
  preference: number;
  seq: number;
  lifetime: number;
  last: Where;
}

interface Run {
  /** The home agent sending the switches, or where the MNs re-register. */
  ha: string;
  first: Where;
  firstMn: string;
  /** What the first message said: where the switch sends the MN, or how long the MN took. */
  firstDetail: string;
  last: Where;
  lastMn: string;
  count: number;
  mns: Set<string>;
  minDelay: number;
  maxDelay: number;
}

interface PendingSwitch { from: string; to: string[]; first: number }

const lookupFields = () => ({
  ipv6Src: fieldByAbbrev('ipv6.src'), ipv6Dst: fieldByAbbrev('ipv6.dst'), homeAddress: fieldByAbbrev('ipv6.home_address'),
  mip6: fieldByAbbrev('mip6'), mhtype: fieldByAbbrev('mip6.mhtype'),
  baStatus: fieldByAbbrev('mip6.ba.status'), baLifetime: fieldByAbbrev('mip6.ba.lifetime'),
  hasAddress: fieldByAbbrev('mip6.has.address'),
  helloSeq: fieldByAbbrev('mip6.harel.hello.seq'), helloPref: fieldByAbbrev('mip6.harel.hello.pref'),
  helloLifetime: fieldByAbbrev('mip6.harel.hello.lifetime'), helloGroup: fieldByAbbrev('mip6.harel.hello.group'),
  helloActive: fieldByAbbrev('mip6.harel.hello.a_flag'),
});

const secs = (x: number): string => `${x.toFixed(3)} s`;
const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

function address(tree: Tree, item: number): string | null {
  if (item < 0 || tree.length[item]! < 16) return null;
  return ipv6ToString(tree.bufferOf(item), tree.start[item]!);
}

function within(tree: Tree, def: FieldDef | undefined, root: number, fallback = -1): number {
  if (!def) return fallback;
  const i = tree.firstWithin(def, root);
  return i < 0 ? fallback : tree.value[i]!;
}

export class TimelineCollector {
  private readonly F = lookupFields();
  private readonly out: TimelineEvent[] = [];
  private readonly has = new Map<string, HomeAgent>();
  /** Per group, the home agent that last claimed to be active. */
  private readonly activeOf = new Map<number, string>();
  private readonly switching = new Map<string, Run>();
  private readonly rereg = new Map<string, Run>();
  private readonly pending = new Map<string, PendingSwitch>();
  private end = -Infinity;
  private dropped = 0;
  private finished = false;

  constructor(private readonly types: Readonly<Partial<Record<MhTypeKey, number>>>) {}

  /** Account for one dissected packet (ctx.tree) of `file`. */
  add(tree: Tree, frame: Frame, file: string, fileIndex = 0): void {
    const F = this.F;
    const time = frame.tsSec + frame.tsNsec / 1e9;
    if (time > this.end) this.end = time;
    if (!F.mip6 || !F.mhtype) return;
    const root = tree.first(F.mip6);
    if (root < 0) return;
    const type = within(tree, F.mhtype, root);
    const t = this.types;
    if (type !== t.homeAgentHello && type !== t.homeAgentSwitch && type !== t.bindingAck) return;
    const src = address(tree, tree.lastBefore(F.ipv6Src, root));
    const dst = address(tree, tree.lastBefore(F.ipv6Dst, root));
    if (src === null || dst === null) return;
    const at: Where = { time, frame: frame.number, file, fileIndex };
    if (type === t.homeAgentHello) this.hello(tree, root, at, src);
    else {
      const mn = address(tree, tree.lastBefore(F.homeAddress, root)) ?? dst;
      if (type === t.homeAgentSwitch) this.homeAgentSwitch(tree, root, at, src, mn);
      else this.bindingAck(tree, root, at, src, mn);
    }
  }

  private event(at: Where, text: string): void {
    if (this.out.length >= MAX_EVENTS) { this.dropped++; return; }
    this.out.push({ time: at.time, frame: at.frame, file: at.file, fileIndex: at.fileIndex, text });
  }

  private hello(tree: Tree, root: number, at: Where, src: string): void {
    const F = this.F;
    const active = within(tree, F.helloActive, root, 0) === 1;
    const group = within(tree, F.helloGroup, root);
    const preference = within(tree, F.helloPref, root);
    const seq = within(tree, F.helloSeq, root);
    const lt = within(tree, F.helloLifetime, root);
    const lifetime = lt > 0 ? lt : DEFAULT_LIFETIME;
    let ha = this.has.get(src);
    const wasActive = ha?.active ?? false;
    if (ha && at.time - ha.last.time > this.silence(ha)) {
      this.event(ha.last, `last Hello from ${src} (${ha.active ? 'active' : 'standby'}, group ${ha.group}, seq ${ha.seq}) before ${secs(at.time - ha.last.time)} of silence`);
      this.event(at, `${src} sends Hellos again (${active ? 'active' : 'standby'}, seq ${seq})`);
    }
    if (!ha) {
      if (this.has.size >= MAX_KEYS) { this.dropped++; return; }
      ha = { addr: src, group, active, preference, seq, lifetime, last: at };
      this.has.set(src, ha);
    }
    const holder = this.activeOf.get(group);
    if (active && (!wasActive || ha.group !== group)) {
      const prev = holder !== undefined && holder !== src ? this.has.get(holder) : undefined;
      if (!prev) {
        this.event(at, `${src} is the active home agent of group ${group} (preference ${preference})`);
      } else if (prev.active && at.time - prev.last.time <= this.silence(prev)) {
        this.event(at, `${src} claims active for group ${group} (preference ${preference}) while ${prev.addr} (preference ${prev.preference}) is still active, last Hello ${secs(at.time - prev.last.time)} ago`);
      } else if (prev.active) {
        this.event(at, `${src} takes over as the active home agent of group ${group} (preference ${preference}), ${secs(at.time - prev.last.time)} after the last Hello of ${prev.addr} (#${prev.last.frame})`);
      } else {
        this.event(at, `${src} takes over as the active home agent of group ${group} (preference ${preference}) from ${prev.addr}, which stepped down`);
      }
      this.activeOf.set(group, src);
    } else if (!active && wasActive) {
      this.event(at, `${src} steps down to standby in group ${ha.group}`);
    }
    Object.assign(ha, { group, active, preference, seq, lifetime, last: at });
  }

  /** How long a home agent may stay quiet before it counts as gone: its advertised lifetime (hareliability-01 7.9). */
  private silence(ha: HomeAgent): number {
    return ha.lifetime;
  }

  private homeAgentSwitch(tree: Tree, root: number, at: Where, src: string, mn: string): void {
    const F = this.F;
    const to: string[] = [];
    if (F.hasAddress) {
      for (let i = tree.first(F.hasAddress); i >= 0; i = tree.next(F.hasAddress, i)) {
        if (i < root) continue;
        const a = address(tree, i);
        if (a && to.length < 8) to.push(a);
      }
    }
    const go = to.length ? ` (go to ${to.join(', ')})` : '';
    const run = this.continueRun(this.switching, src, at, mn, go, (r) => this.closeSwitchRun(r));
    run.lastMn = mn;
    if (run.mns.size < MAX_KEYS) run.mns.add(mn);
    const p = this.pending.get(mn);
    if (!p || p.from !== src) {
      if (p || this.pending.size < MAX_KEYS) this.pending.set(mn, { from: src, to, first: at.time });
      else this.dropped++;
    }
  }

  private bindingAck(tree: Tree, root: number, at: Where, ha: string, mn: string): void {
    const F = this.F;
    if (within(tree, F.baStatus, root, 0) >= 128 || within(tree, F.baLifetime, root, 0) === 0) return;
    const p = this.pending.get(mn);
    // RFC 5142 5: after a switch the MN registers with one of the listed home agents (any, when none is listed).
    if (!p || (p.to.length > 0 && !p.to.includes(ha))) return;
    this.pending.delete(mn);
    const delay = at.time - p.first;
    const run = this.continueRun(this.rereg, ha, at, mn, `${secs(delay)} after its first Home Agent Switch`, (r) => this.closeReregRun(r));
    run.lastMn = mn;
    if (run.mns.size < MAX_KEYS) run.mns.add(mn);
    if (delay < run.minDelay) run.minDelay = delay;
    if (delay > run.maxDelay) run.maxDelay = delay;
  }

  /** The run of `ha` this packet belongs to, a new one after a long gap (closing the old). */
  private continueRun(runs: Map<string, Run>, ha: string, at: Where, mn: string, detail: string, close: (r: Run) => void): Run {
    let run = runs.get(ha);
    if (run && at.time - run.last.time > RUN_GAP) { close(run); run = undefined; }
    if (!run) {
      if (runs.size >= MAX_KEYS) {
        // Close the oldest run to make room: its story is complete enough.
        const [k, r] = runs.entries().next().value as [string, Run];
        close(r);
        runs.delete(k);
      }
      run = { ha, first: at, firstMn: mn, firstDetail: detail, last: at, lastMn: '', count: 0, mns: new Set(), minDelay: Infinity, maxDelay: -Infinity };
      runs.set(ha, run);
    }
    run.count++;
    run.last = at;
    return run;
  }

  private closeSwitchRun(r: Run): void {
    if (r.count === 1) { this.event(r.first, `${r.ha} sends a Home Agent Switch to ${r.firstMn}${r.firstDetail}`); return; }
    this.event(r.first, `first Home Agent Switch from ${r.ha}, to ${r.firstMn}${r.firstDetail}`);
    const retx = r.count - r.mns.size;
    this.event(r.last, `last Home Agent Switch from ${r.ha}, to ${r.lastMn}: ${r.count} sent to ${plural(r.mns.size, 'mobile node')}`
      + `${retx > 0 ? ` (${plural(retx, 'retransmission')})` : ''} over ${secs(r.last.time - r.first.time)}`);
  }

  private closeReregRun(r: Run): void {
    const first = `${r.firstMn} re-registers at ${r.ha}, ${r.firstDetail}`;
    this.event(r.first, r.count === 1 ? first : `first re-registration after a Home Agent Switch: ${first}`);
    if (r.count === 1) return;
    this.event(r.last, `last re-registration at ${r.ha}: ${r.lastMn}; ${plural(r.mns.size, 'mobile node')} re-registered, `
      + `${secs(r.minDelay)} to ${secs(r.maxDelay)} after their first Home Agent Switch`);
  }

  /** Every event in time order; call once the capture has ended. */
  events(): TimelineEvent[] {
    if (!this.finished) {
      this.finished = true;
      for (const r of this.switching.values()) this.closeSwitchRun(r);
      for (const r of this.rereg.values()) this.closeReregRun(r);
      for (const ha of this.has.values()) {
        if (this.end - ha.last.time > this.silence(ha)) {
          this.event(ha.last, `last Hello from ${ha.addr} (${ha.active ? 'active' : 'standby'}, group ${ha.group}, seq ${ha.seq}); silent for the last ${secs(this.end - ha.last.time)} of the capture`);
        }
      }
      this.out.sort((a, b) => a.time - b.time || a.fileIndex - b.fileIndex || a.frame - b.frame);
    }
    return this.out;
  }

  /** Events not kept because the bound was reached. */
  get droppedEvents(): number {
    return this.dropped;
  }
}
