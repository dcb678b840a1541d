/**
 * The analysis engine: takes each dissected packet once, extracts its facts,
 * advances the timers to its time, hands the facts to the selected rules, and
 * collects their findings. Files are fed in time order (the pipeline merges
 * several); live capture advances the clock between packets with advanceTo().
 *
 * This module loads no dissection code: an engine that is given facts
 * (createFactsEngine, lint's analyzing thread) never needs it. createEngine()
 * (engine.ts) makes one that also takes dissected packets (feed()), with the
 * fields the dissectors declare.
 */
import type { Frame } from '../capture/frame.js';
import type { DissectContext } from '../dissect/context.js';
import type { ConstantName, MhTypeKey } from '../profile/defaults.js';
import type { Profile } from '../profile/profile.js';
import { getDefaultProfile } from '../profile/profile.js';
import { AddressTable } from './address.js';
import { BindingTable } from './bindings.js';
import { FlowMap } from './flowmap.js';
import { FactExtractor, type Facts } from './facts.js';
import type { FieldSet } from './fields.js';
import { DEFAULT_IDLE_TIMEOUT, MIN_SWEEP_EVERY, saKey, SaWindows, SWEEP_CHECK, sweepDue } from './sa-windows.js';
import { ALL_RULES } from './rules/index.js';
import { TimerQueue } from './timers.js';
import type { Finding, FlowTable, Origin, ReportOptions, Rule, RuleContext, RuleHandlers, TimerFn } from './types.js';

export interface Tolerance {
  /** Fraction of the expected value (0.1 = 10%). */
  fraction: number;
  /** Smallest allowance in seconds, for short intervals where capture jitter dominates. */
  floor: number;
}

export const DEFAULT_TOLERANCE: Tolerance = { fraction: 0.1, floor: 0.05 };

export interface EngineOptions {
  profile?: Profile;
  /** Constant overrides on top of the profile's (normally already in the profile via --const). */
  constants?: Partial<Record<ConstantName, number>>;
  tolerance?: Partial<Tolerance>;
  /** Only these rule ids (default: all). */
  rules?: readonly string[];
  /** Rule ids to switch off. */
  disable?: readonly string[];
  /** Seconds of inactivity after which a flow is forgotten (default 600). */
  idleTimeout?: number;
  /** Called for each finding as it is reported (live output). */
  onFinding?: (f: Finding) => void;
  /**
   * Keep every finding in `engine.findings` for finish() to return (default true).
   * Live capture sets false: findings go only to onFinding, so memory stays flat
   * however long it runs (the per-rule counts are still kept).
   */
  retainFindings?: boolean;
  /** The rule catalog to choose from (tests may pass their own). */
  catalog?: readonly Rule[];
  /** Addresses interned before unused ones are recycled (default 65,536). */
  maxAddresses?: number;
}

export class RuleSelectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RuleSelectionError';
  }
}

/** Choose rules by --rules / --disable; unknown ids are refused with the list of known ones. */
export function selectRules(catalog: readonly Rule[], only?: readonly string[], disable?: readonly string[]): Rule[] {
  const ids = new Map(catalog.map((r) => [r.meta.id, r]));
  const check = (list: readonly string[] | undefined, flag: string): Set<string> | null => {
    if (!list || list.length === 0) return null;
    const out = new Set<string>();
    for (const raw of list) {
      const id = raw.trim().toUpperCase();
      if (!id) continue;
      if (id.endsWith('*')) {
        const prefix = id.slice(0, -1);
        const hits = catalog.filter((r) => r.meta.id.startsWith(prefix));
        if (hits.length === 0) throw new RuleSelectionError(`${flag} ${raw}: no rule id starts with ${prefix} (see mip6scope rules)`);
        for (const r of hits) out.add(r.meta.id);
      } else if (ids.has(id)) {
        out.add(id);
      } else {
        throw new RuleSelectionError(`${flag} ${raw}: unknown rule id (see mip6scope rules)`);
      }
    }
    return out;
  };
  const keep = check(only, '--rules');
  const drop = check(disable, '--disable');
  return catalog.filter((r) => (keep === null || keep.has(r.meta.id)) && !(drop?.has(r.meta.id)));
}

interface Table {
  map: FlowMap<{ last: number }>;
  idle: number;
  onExpire?: (key: number, v: { last: number }) => void;
  /** Analysis time of the table's next sweep. */
  nextSweep: number;
}

/*
 * A table is swept every half of its idle time (sweepDue; tables with a short
 * idle time, such as the rate windows, more often), so a flow is forgotten at
 * most 50% after it went idle, and a sweep, which visits every slot, runs rarely
 * enough to cost little per packet. The engine looks for tables due a sweep
 * every SWEEP_CHECK seconds of analysis time (sa-windows.ts keeps the SAs'
 * windows on the same schedule).
 */
/**
 * Interned addresses are recycled only past this many (a capture of a fixed
 * population stays interned, so every id keeps its address for the whole run),
 * and only those unused for twice the idle time and ADDRESS_GRACE seconds more,
 * after any flow that referred to them has been forgotten (a flow is forgotten
 * at most 1.5 idle times after its last packet); addresses of live bindings and
 * those rules hold for longer (RuleContext.holdAddresses) are kept. Findings decided long after their packet keep the text they need.
 */
const MAX_ADDRESSES = 1 << 16;
const ADDRESS_GRACE = 60;

export class Engine {
  readonly profile: Profile;
  readonly constants: Readonly<Record<ConstantName, number>>;
  readonly tolerance: Tolerance;
  readonly rules: readonly Rule[];
  readonly bindings = new BindingTable();
  readonly findings: Finding[] = [];
  /** File names by index, as fed. */
  readonly files: string[] = [];
  /** Per rule id, how many findings it reported. */
  readonly counts = new Map<string, number>();
  packets = 0;

  /** What feed() extracts a dissected packet's facts with (its Facts object, this engine's address table); made when first asked for. */
  private extractorMade: FactExtractor | null = null;
  private readonly timers = new TimerQueue();
  private readonly tables: Table[] = [];
  private readonly sharedState = new Map<string, unknown>();
  /** What rules' state holds beyond flows and bindings (RuleContext.holdAddresses). */
  private readonly addressHolders: ((keep: Set<number>) => void)[] = [];
  /** Every address of the run, interned (Facts carry their ids). */
  readonly addresses = new AddressTable();
  /** The receiver's anti-replay window per SA (for packets whose facts come without a verdict). */
  private readonly saWindows: SaWindows;
  private readonly onFinding?: (f: Finding) => void;
  private readonly idleTimeout: number;
  private readonly retainFindings: boolean;
  private readonly maxAddresses: number;
  private current = -Infinity;
  /** The analysis clock the flow tables stamp their entries with. */
  private readonly clock = { now: -Infinity };
  private first = NaN;
  private nextSweep = -Infinity;
  private nextBindingSweep = -Infinity;
  private finished = false;

  // Handlers by hook, so each packet reaches only the rules that asked for it.
  private readonly hPacket: ((f: Facts) => void)[] = [];
  private readonly hMhNotes: ((f: Facts) => void)[] = [];
  private readonly hMh: ((f: Facts) => void)[] = [];
  private readonly hIcmpv6: ((f: Facts) => void)[] = [];
  private readonly hEsp: ((f: Facts) => void)[] = [];
  private readonly hEspIrregular: ((f: Facts) => void)[] = [];
  private readonly hMhUnknown: ((f: Facts) => void)[] = [];
  private readonly hMessage: ((f: Facts) => void)[][] = [];
  private readonly hFinish: (() => void)[] = [];

  /** `fields`: what the dissectors declare, for feed(); null for an engine that takes facts only. */
  constructor(opts: EngineOptions = {}, private readonly fields: (() => FieldSet) | null = null) {
    this.profile = opts.profile ?? getDefaultProfile();
    this.constants = Object.freeze({ ...this.profile.constants, ...(opts.constants ?? {}) }) as Record<ConstantName, number>;
    this.tolerance = { ...DEFAULT_TOLERANCE, ...(opts.tolerance ?? {}) };
    this.idleTimeout = opts.idleTimeout ?? DEFAULT_IDLE_TIMEOUT;
    this.onFinding = opts.onFinding;
    this.retainFindings = opts.retainFindings ?? true;
    this.maxAddresses = opts.maxAddresses ?? MAX_ADDRESSES;
    for (let i = 0; i < 256; i++) this.hMessage.push([]);
    this.saWindows = new SaWindows(this.idleTimeout);
    this.rules = selectRules(opts.catalog ?? ALL_RULES, opts.rules, opts.disable);
    for (const rule of this.rules) this.install(rule, rule.create(this.contextFor(rule)));
  }

  private install(rule: Rule, h: RuleHandlers): void {
    if (h.packet) this.hPacket.push(h.packet);
    if (h.mhNotes) this.hMhNotes.push(h.mhNotes);
    if (h.mh) this.hMh.push(h.mh);
    if (h.icmpv6) this.hIcmpv6.push(h.icmpv6);
    if (h.esp) this.hEsp.push(h.esp);
    if (h.espIrregular) this.hEspIrregular.push(h.espIrregular);
    if (h.mhUnknown) this.hMhUnknown.push(h.mhUnknown);
    if (h.finish) this.hFinish.push(h.finish);
    for (const [key, fn] of Object.entries(h.message ?? {})) {
      const n = this.profile.mhTypes[key as MhTypeKey];
      if (n === undefined) throw new Error(`rule ${rule.meta.id}: no MH type ${key} in the profile`);
      this.hMessage[n]!.push(fn as (f: Facts) => void);
    }
  }

  private contextFor(rule: Rule): RuleContext {
    const engine = this;
    const meta = rule.meta;
    return {
      profile: this.profile,
      constants: this.constants,
      bindings: this.bindings,
      idleTimeout: this.idleTimeout,
      report(at: Origin, message: string, o?: ReportOptions) {
        engine.record({
          rule: meta.id, severity: o?.severity ?? meta.severity, frame: at.frame, file: engine.files[at.fileIndex] ?? '',
          time: at.time, message, spec: meta.spec, flow: o?.flow ?? '',
        });
      },
      setTimer: (at: number, fn: TimerFn) => this.timers.push(at, fn),
      cancelTimer: (handle: number) => this.timers.cancel(handle),
      now: () => this.current,
      startTime: () => this.first,
      tolerance: (x: number) => this.allowance(x),
      early: (actual: number, expected: number) => actual < expected - this.allowance(expected),
      late: (actual: number, expected: number) => actual > expected + this.allowance(expected),
      name: (key: number) => this.addresses.name(key),
      shared: <T>(key: string, make: () => T): T => {
        let v = this.sharedState.get(key) as T | undefined;
        if (v === undefined) { v = make(); this.sharedState.set(key, v); }
        return v;
      },
      flows: <V extends { last: number }>(onExpire?: (key: number, v: V) => void, idle?: number): FlowTable<V> => this.flowTable(onExpire, idle),
      flowSlots: <V>(columns: number, idle?: number): FlowMap<V> => this.flowTable<V & { last: number }>(undefined, idle, columns) as unknown as FlowMap<V>,
      holdAddresses: (add: (keep: Set<number>) => void): void => { this.addressHolders.push(add); },
    };
  }

  /** A flow table the engine sweeps of idle entries. */
  private flowTable<V extends { last: number }>(onExpire?: (key: number, v: V) => void, idle?: number, columns = 0): FlowMap<V> {
    const map = new FlowMap<V>(16, this.clock, columns);
    this.tables.push({ map: map as unknown as FlowMap<{ last: number }>, idle: idle ?? this.idleTimeout, onExpire: onExpire as Table['onExpire'], nextSweep: -Infinity });
    return map;
  }

  private allowance(expected: number): number {
    return Math.max(Math.abs(expected) * this.tolerance.fraction, this.tolerance.floor);
  }

  private record(f: Finding): void {
    if (this.retainFindings) this.findings.push(f);
    this.counts.set(f.rule, (this.counts.get(f.rule) ?? 0) + 1);
    this.onFinding?.(f);
  }

  /** What feed() extracts a dissected packet's facts with (its Facts object, this engine's address table). */
  get extractor(): FactExtractor {
    if (this.extractorMade === null) {
      if (this.fields === null) throw new Error('this engine takes facts (feedFacts), not dissected packets: make it with createEngine()');
      this.extractorMade = new FactExtractor(this.fields(), this.profile.mhTypes, this.addresses);
    }
    return this.extractorMade;
  }

  /** Feed one dissected packet (ctx.tree holds it). Packets must come in time order. */
  feed(ctx: DissectContext, frame: Frame, file: string, fileIndex = 0): void {
    this.feedFacts(this.extractor.extract(ctx, frame, file, fileIndex));
  }

  /**
   * Feed the facts of one packet, extracted here by feed() or decoded from a
   * dissecting thread's (FactsDecoder, which interns their addresses in this
   * engine's table). Packets must come in time order.
   */
  feedFacts(f: Facts): void {
    if (this.finished) throw new Error('engine.feed after finish()');
    if (this.files[f.fileIndex] === undefined) this.files[f.fileIndex] = f.file;
    if (Number.isNaN(this.first)) { this.first = f.time; this.nextSweep = f.time + SWEEP_CHECK; }
    // The clock moves here rather than through advanceTo(now): a packet time handed to a call that
    // is not inlined is a number allocated on the heap, once per packet.
    const now = f.time;
    if (now > this.current) { this.current = now; this.clock.now = now; }
    this.fireDue();
    this.packets++;
    // Indexed loops: for-of here allocated an iterator result per handler call (measured with the sampling heap profiler).
    const hPacket = this.hPacket;
    for (let i = 0; i < hPacket.length; i++) hPacket[i]!(f);
    if (f.espItem >= 0) {
      this.replayCheck(f);
      const hEsp = this.hEsp;
      for (let i = 0; i < hEsp.length; i++) hEsp[i]!(f);
      if (!f.espOpened || f.icv === 'bad' || (f.espVerdict !== 'new' && f.espVerdict !== '')) {
        const hIrregular = this.hEspIrregular;
        for (let i = 0; i < hIrregular.length; i++) hIrregular[i]!(f);
      }
      // A replayed packet never reaches the receiver's Mobility Header processing (RFC 4303 3.4.3).
      if (f.espVerdict === 'replay' || f.espVerdict === 'outside') return;
    }
    if (f.mhItem >= 0) {
      if (f.notes.length !== 0) {
        const hMhNotes = this.hMhNotes;
        for (let i = 0; i < hMhNotes.length; i++) hMhNotes[i]!(f);
      }
      const hMh = this.hMh;
      for (let i = 0; i < hMh.length; i++) hMh[i]!(f);
      if (f.kind === 'mhUnknown') {
        const hUnknown = this.hMhUnknown;
        for (let i = 0; i < hUnknown.length; i++) hUnknown[i]!(f);
      }
      if (f.mhType >= 0) {
        const hType = this.hMessage[f.mhType]!;
        for (let i = 0; i < hType.length; i++) hType[i]!(f);
      }
      // The binding cache follows accepted home registrations (RFC 6275 10.3.1); rules saw the state before.
      if (f.kind === 'bindingAck' && f.status >= 0 && f.status < 128 && f.home !== 0) this.bindings.accepted(f.home, f.src, f.lifetime, f);
    } else if (f.kind === 'icmpv6') {
      const hIcmpv6 = this.hIcmpv6;
      for (let i = 0; i < hIcmpv6.length; i++) hIcmpv6[i]!(f);
    }
  }

  /**
   * The receiver's anti-replay verdict on this packet, unless it came with one
   * (a lint's reading thread keeps the windows then).
   */
  private replayCheck(f: Facts): void {
    if (f.espVerdict !== '' || f.spi < 0 || f.espSeq < 0) return;
    const w = this.addresses.allWords;
    this.saWindows.check(f, saKey(f.spi, w, 4 * f.src, w, 4 * f.dst));
  }

  /** Advance analysis time to `now` (packet time, or the clock for live capture), firing due timers. */
  advanceTo(now: number): void {
    if (now > this.current) { this.current = now; this.clock.now = now; }
    this.fireDue();
  }

  /** Fire the timers due at the current time, and sweep the tables when a sweep is due. */
  private fireDue(): void {
    this.saWindows.advance(this.current);
    while (this.timers.peek() <= this.current) {
      const fn = this.timers.pop();
      fn(this.current, false);
    }
    if (this.current >= this.nextSweep) {
      this.nextSweep = this.current + SWEEP_CHECK;
      this.sweep();
    }
  }

  /** Forget flows idle for longer than their table allows. */
  private sweep(): void {
    const now = this.current;
    for (const t of this.tables) if (sweepDue(t, now)) t.map.expireIdle(now - t.idle, t.onExpire);
    if (now >= this.nextBindingSweep) {
      this.nextBindingSweep = now + Math.max(MIN_SWEEP_EVERY, this.idleTimeout / 2);
      this.bindings.sweep(now - this.idleTimeout);
      if (this.addresses.size > this.maxAddresses) {
        const keep = this.bindings.addressesInUse();
        for (const add of this.addressHolders) add(keep);
        this.addresses.sweep(now - 2 * this.idleTimeout - ADDRESS_GRACE, keep);
      }
    }
  }

  /** Number of live flows over every rule's tables (for tests of bounded memory). */
  flowCount(): number {
    let n = this.saWindows.size;
    for (const t of this.tables) n += t.map.size;
    return n;
  }

  /** The capture ended: fire every pending timer with atEnd, let rules conclude, return the findings in frame order. */
  finish(): Finding[] {
    if (!this.finished) {
      this.finished = true;
      while (this.timers.size > 0) {
        const fn = this.timers.pop();
        fn(this.current, true);
      }
      for (const h of this.hFinish) h();
      const order = new Map(this.files.map((f, i) => [f, i]));
      this.findings.sort((a, b) => a.time - b.time || (order.get(a.file)! - order.get(b.file)!) || a.frame - b.frame || a.rule.localeCompare(b.rule));
    }
    return this.findings;
  }
}

/** An engine that takes facts only (feedFacts), without loading the dissectors: lint's analyzing thread. */
export function createFactsEngine(opts: EngineOptions = {}): Engine {
  return new Engine(opts);
}
