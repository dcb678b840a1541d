/**
 * The analyzer's vocabulary: rule metadata, findings, the context a rule reports
 * through, and the handlers a rule returns (ESLint's meta/create shape; Zeek's
 * split between analyzers that raise facts and policies that keep state).
 */
import type { FlowMap } from './flowmap.js';
import type { ConstantName, MhTypeKey } from '../profile/defaults.js';
import type { Profile } from '../profile/profile.js';
import type { Facts } from './facts.js';
import type { BindingTable } from './bindings.js';

export type Severity = 'error' | 'warning' | 'info';

export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { info: 1, warning: 2, error: 3 };

export interface RuleMeta {
  /** Stable id, e.g. "HAS-BACKOFF". */
  id: string;
  /** Default severity: error for a MUST, warning for a SHOULD, info for measurements. */
  severity: Severity;
  /** Spec section the rule enforces ("RFC 5142 8"). */
  spec: string;
  /** One line for the catalog. */
  summary: string;
  /** A paragraph for `mip6scope rules ID`. */
  description: string;
  /** What a capture that triggers it looks like. */
  example: string;
}

export interface Finding {
  rule: string;
  severity: Severity;
  /** 1-based frame number within `file`. */
  frame: number;
  file: string;
  /** Epoch seconds of that frame. */
  time: number;
  message: string;
  spec: string;
  /** The flow the finding concerns ("2001:db8:1::1000 -> 2001:db8:1::a1"), '' when none. */
  flow: string;
}

/** Where a finding points: the current packet (Facts) or a remembered one. */
export interface Origin {
  readonly frame: number;
  readonly fileIndex: number;
  readonly time: number;
}

/** Called when a timer fires; `atEnd` is true when the capture ended first (engine.finish()). */
export type TimerFn = (now: number, atEnd: boolean) => void;

/** Handlers a rule returns from create(); each is optional. */
export interface RuleHandlers {
  /** Every packet. */
  packet?(f: Facts): void;
  /**
   * Mobility Header messages the dissector noted something on (f.notes not empty),
   * before the `mh` handlers: the rules that turn notes into findings. Most
   * messages carry none, and are not handed to those rules at all.
   */
  mhNotes?(f: Facts): void;
  /** Every Mobility Header message, known or not. */
  mh?(f: Facts): void;
  /** Mobility Header messages of a type the profile does not know (kind 'mhUnknown'), after the `mh` handlers. */
  mhUnknown?(f: Facts): void;
  /** Mobility Header messages by their profile key. */
  message?: Partial<Record<MhTypeKey, (f: Facts) => void>>;
  /** Every ICMPv6 message. */
  icmpv6?(f: Facts): void;
  /** Every packet carrying ESP. */
  esp?(f: Facts): void;
  /**
   * ESP packets out of the ordinary, after the `esp` handlers: not opened, failing
   * their ICV, or with a sequence number the anti-replay window did not take as
   * the next one (a replay, left of the window, a gap). Most ESP packets are none
   * of these, and are not handed to the rules that report them.
   */
  espIrregular?(f: Facts): void;
  /** The capture ended (after every pending timer fired with atEnd). */
  finish?(): void;
}

export interface ReportOptions {
  /** Overrides the rule's default severity for this finding (a gap reported as info). */
  severity?: Severity;
  flow?: string;
}

export interface RuleContext {
  readonly profile: Profile;
  /** Constants of the profile with --const overrides applied. */
  readonly constants: Readonly<Record<ConstantName, number>>;
  /** Who is registered where, from accepted Binding Acknowledgements (updated after the rules ran). */
  readonly bindings: BindingTable;
  /** Seconds a flow may stay idle before it is forgotten. */
  readonly idleTimeout: number;
  report(at: Origin, message: string, opts?: ReportOptions): void;
  /** Run fn when packet time (or the clock, live) reaches `at`, or at the end of the capture; the handle is for cancelTimer(). */
  setTimer(at: number, fn: TimerFn): number;
  /** Withdraw a timer that has not fired yet. */
  cancelTimer(handle: number): void;
  /** Current analysis time (the last packet's, or the clock's when advanced live). */
  now(): number;
  /** Time of the first packet (NaN before it). */
  startTime(): number;
  /** The allowance for a timing comparison against `expected` seconds. */
  tolerance(expected: number): number;
  /** True when `actual` falls short of `expected` by more than the tolerance. */
  early(actual: number, expected: number): boolean;
  /** True when `actual` exceeds `expected` by more than the tolerance. */
  late(actual: number, expected: number): boolean;
  /** Text of an address key seen in this run ('?' when forgotten). */
  name(key: number): string;
  /** State shared by the rules of one family, made once per engine. */
  shared<T>(key: string, make: () => T): T;
  /**
   * State that refers to addresses for longer than flows and bindings do (a
   * failover followed for as long as its HA needs to switch every MN) names
   * them here: `add` is asked for its address ids whenever the address table
   * recycles unused ones, and those are kept.
   */
  holdAddresses(add: (keep: Set<number>) => void): void;
  /**
   * A table of flows that keeps `columns` numbers per entry in its slots (FlowMap.slot) beside an
   * optional value, forgetting entries idle longer than idleTimeout (or `idle`).
   */
  flowSlots<V>(columns: number, idle?: number): FlowMap<V>;
  /** A table of flows that forgets entries idle longer than idleTimeout (or `idle`). */
  flows<V extends { last: number }>(onExpire?: (key: number, v: V) => void, idle?: number): FlowTable<V>;
}

export interface FlowTable<V extends { last: number }> {
  get(key: number): V | undefined;
  set(key: number, v: V): void;
  /** get(key2(a, b)) and set(key2(a, b), v), without the key crossing a call (see FlowMap.get2). */
  get2(a: number, b: number): V | undefined;
  set2(a: number, b: number, v: V): void;
  delete(key: number): void;
  readonly size: number;
  /** A copy of the values, taken before the loop (entries may be removed during it). */
  values(): IterableIterator<V>;
  entries(): IterableIterator<[number, V]>;
  /** An allocation-free walk over the entries (FlowMap.nextAt; none added or removed during it): `for (let at = t.nextAt(-1); at >= 0; at = t.nextAt(at)) t.valueAt(at)`. */
  nextAt(at: number): number;
  valueAt(at: number): V | undefined;
}

export interface Rule {
  meta: RuleMeta;
  create(context: RuleContext): RuleHandlers;
}
