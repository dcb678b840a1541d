/**
 * Small state machines several rule families share: a sliding-window rate
 * counter and the retransmission series of a request that expects a reply.
 */
import type { Origin, RuleContext } from '../types.js';

/** A remembered packet, for findings decided later (timers, end of capture). */
export interface Seen extends Origin {
  frame: number;
  fileIndex: number;
  time: number;
}

export function seen(at: Origin): Seen {
  return { frame: at.frame, fileIndex: at.fileIndex, time: at.time };
}

export function remember(into: Seen, at: Origin): void {
  into.frame = at.frame;
  into.fileIndex = at.fileIndex;
  into.time = at.time;
}

/**
 * The last `limit + 1` event times in a ring: `add` answers whether more than
 * `limit` events fell inside `window` seconds (shrunk by the tolerance, so
 * events exactly at the allowed pace never count as too fast).
 */
export class RateWindow {
  private readonly times: Float64Array;
  private n = 0;
  private head = 0;
  /** Time of the last report, so one burst yields one finding. */
  reportedAt = -Infinity;

  constructor(readonly limit: number) {
    this.times = new Float64Array(Math.max(1, Math.floor(limit)) + 1);
  }

  /** Forget every event (to reuse the window for another flow). */
  reset(): void {
    this.n = 0;
    this.head = 0;
    this.reportedAt = -Infinity;
  }

  add(t: number, window: number): boolean {
    const cap = this.times.length;
    this.times[this.head] = t;
    this.head = (this.head + 1) % cap;
    if (this.n < cap) this.n++;
    if (this.n < cap) return false;
    // The oldest of the last limit+1 events.
    const oldest = this.times[this.head]!;
    return t - oldest < window;
  }
}

/** A flow of requests that expects a reply: its retransmissions, and whether it was answered. */
export interface RequestFlow {
  first: Seen;
  lastSent: Seen;
  /** How many times it was sent. */
  sent: number;
  /** Interval before the latest retransmission (0 before the first). */
  lastInterval: number;
  answered: boolean;
  /** Set when a finding about it was made (so one flow yields one "unanswered"). */
  concluded: boolean;
  last: number;
  flow: string;
}

export function newRequest(at: Origin, flow: string): RequestFlow {
  return { first: seen(at), lastSent: seen(at), sent: 1, lastInterval: 0, answered: false, concluded: false, last: at.time, flow };
}

/**
 * Check a retransmission against exponential backoff: the k-th retransmission
 * must wait at least min(initial * 2^(k-1), max). Returns the required wait when
 * the interval was too short, 0 when it was fine.
 */
export function backoffShortfall(ctx: RuleContext, interval: number, retransmission: number, initial: number, max: number): number {
  const want = Math.min(initial * 2 ** Math.max(0, retransmission - 1), max);
  return ctx.early(interval, want) ? want : 0;
}

export function secs(x: number): string {
  return `${Math.round(x * 1000) / 1000} s`;
}

export function arrow(ctx: RuleContext, a: number, b: number): string {
  return `${ctx.name(a)} -> ${ctx.name(b)}`;
}
