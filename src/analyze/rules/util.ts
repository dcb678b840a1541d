/**
 * Small state machines several rule families share: a sliding-window rate
 * counter and the retransmission series of a request that expects a reply.
 */
import { key3 } from '../address.js';
import { hashKey } from '../flowmap.js';
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

/** Ways per set of RecentRates' cache. */
const WAYS = 4;

/**
 * The way of the set starting at `set` that holds flow `key` busy at `t`; else
 * -2 - the way whose flow went quiet longest ago (free for another), or -1 when
 * every way is busy.
 */
function scanSet(a: Float64Array, stride: number, set: number, key: number, t: number, staleAfter: number): number {
  let free = -1;
  let oldest = Infinity;
  for (let w = set; w < set + WAYS; w++) {
    const last = a[w * stride + 1]!;
    if (a[w * stride] === key && t - last <= staleAfter) return w;
    if (t - last > staleAfter && last < oldest) { oldest = last; free = w; }
  }
  return -2 - free;
}

/**
 * Message rates per flow: the last `limit + 1` event times of each, to tell whether
 * more than `limit` events fell inside a window (the rules shrink it by the tolerance,
 * so events exactly at the allowed pace never count as too fast). Made for very many
 * flows, most of which send once and go quiet (MH-RATE keeps one per sender,
 * destination and message type; HAS-RATE one per sender, HAR-RATE one per pair of
 * HAs). Only the last second of a flow matters, so flows live in a set-associative
 * cache (sets of WAYS ways, typed arrays, nothing allocated per flow) and a flow
 * quiet for longer than `staleAfter` leaves its way to the next newcomer: no table
 * to insert into and sweep for every message. The cache starts small and doubles
 * its sets (up to `maxSets`) when a newcomer finds every way of its set busy, so it
 * stays as small as the flows busy at once need (a few kilobytes for a home link's
 * registrations, where a table sized for every flow missed the processor's cache
 * on each message). Past `maxSets`, the newcomer goes to an overflow table, so the
 * answer stays exact.
 */
export class RecentRates {
  /**
   * Every way's state in one run of `stride` doubles (for the default limit, one
   * 64-byte cache line): key, time of the last event, time of the last report,
   * ring head * 256 + events counted, then limit + 1 event times.
   */
  private readonly ways: Float64Array;
  private readonly stride: number;
  private readonly depth: number;
  /** Sets in use (a power of two, at most maxSets) and their mask. */
  private sets: number;
  private mask: number;
  private readonly maxSets: number;
  private readonly overflow = new Map<number, number>();
  /** Overflow ways, reused (their numbers are past the cache's). */
  private readonly spare: number[] = [];
  private overflowTop: number;
  private readonly total: number;

  /**
   * `limit` events are allowed within the window; `staleAfter` seconds (at least the
   * window and the gap between reports) after its last event a flow is forgotten.
   */
  constructor(readonly limit: number, private readonly staleAfter: number, maxSets = 4096, overflowCap = 1 << 16, initialSets = 16) {
    this.depth = Math.min(255, Math.max(1, Math.floor(limit)) + 1);
    this.stride = 4 + this.depth;
    this.maxSets = maxSets;
    this.sets = Math.min(initialSets, maxSets);
    this.mask = this.sets - 1;
    this.overflowTop = maxSets * WAYS;
    this.total = maxSets * WAYS + overflowCap;
    this.ways = new Float64Array(this.total * this.stride);
    // Ways of sets not in use yet, and overflow ways, are claimed when first used (their memory untouched until then).
    for (let w = 0; w < this.sets * WAYS; w++) this.claim(w, 0);
  }

  /**
   * Record an event of flow key3(a, b, c) at `at`'s time. True when more than `limit`
   * events fell within `window` seconds and the flow was not reported in the last
   * `gap` seconds (one report per burst); the report is then recorded at that time.
   *
   * The key and the time are made here from small numbers and the packet, and the
   * usual way (a flow busy in its set, or a set with a free way) is found here too:
   * a key or a time handed to a call that is not inlined is a number allocated on
   * the heap, which on the per-packet path was most of what the analysis allocated.
   */
  add(ka: number, kb: number, kc: number, at: Origin, window: number, gap: number): boolean {
    const key = key3(ka, kb, kc);
    const t = at.time;
    const a = this.ways;
    const stride = this.stride;
    let way = scanSet(a, stride, (hashKey(key) & this.mask) * WAYS, key, t, this.staleAfter);
    if (way < 0) {
      // A way of the set that went quiet, when no flow is in the overflow table (else the general path).
      if (way <= -2 && this.overflow.size === 0) { way = -2 - way; this.claim(way, key); } else way = this.wayFor(key, t);
    }
    const base = way * stride;
    const d = this.depth;
    const hc = a[base + 3]!;
    const head = Math.floor(hc / 256);
    const n = hc - head * 256;
    a[base + 4 + head] = t;
    const next = head + 1 === d ? 0 : head + 1;
    if (t > a[base + 1]!) a[base + 1] = t;
    const counted = n < d ? n + 1 : n;
    a[base + 3] = next * 256 + counted;
    if (counted < d) return false;
    // The oldest of the last limit+1 events.
    if (!(t - a[base + 4 + next]! < window) || t - a[base + 2]! < gap) return false;
    a[base + 2] = t;
    return true;
  }

  private wayFor(key: number, t: number): number {
    const a = this.ways;
    const stride = this.stride;
    const found = scanSet(a, stride, (hashKey(key) & this.mask) * WAYS, key, t, this.staleAfter);
    if (found >= 0) return found;
    let free = -2 - found;
    if (this.overflow.size > 0) {
      const o = this.overflow.get(key);
      if (o !== undefined) {
        if (t - a[o * stride + 1]! <= this.staleAfter) return o;
        this.overflow.delete(key);
        this.spare.push(o);
      }
    }
    if (free < 0) {
      if (this.sets < this.maxSets) {
        this.grow();
        return this.wayFor(key, t);
      }
      free = this.spill(key, t);
    }
    this.claim(free, key);
    return free;
  }

  /**
   * Double the sets: set s's flows stay in s or move to s + sets, as the new
   * bit of their hash says (at most WAYS of them, into a set that is empty).
   */
  private grow(): void {
    const a = this.ways;
    const stride = this.stride;
    const old = this.sets;
    for (let w = old * WAYS; w < 2 * old * WAYS; w++) this.claim(w, 0);
    for (let set = 0; set < old; set++) {
      let to = (set + old) * WAYS;
      for (let w = set * WAYS; w < (set + 1) * WAYS; w++) {
        const base = w * stride;
        if (a[base + 1] === -Infinity || (hashKey(a[base]!) & old) === 0) continue;
        a.copyWithin(to * stride, base, base + stride);
        this.claim(w, 0);
        to++;
      }
    }
    this.sets = 2 * old;
    this.mask = this.sets - 1;
  }

  /** Every way of the set is busy: a way of the overflow table (swept when it is full). */
  private spill(key: number, t: number): number {
    const a = this.ways;
    const stride = this.stride;
    if (this.spare.length === 0 && this.overflowTop === this.total) {
      for (const [k, o] of this.overflow) if (t - a[o * stride + 1]! > this.staleAfter) { this.overflow.delete(k); this.spare.push(o); }
      // Still full: the oldest goes (only with more than overflowCap flows busy within staleAfter).
      if (this.spare.length === 0) {
        let victim = -1;
        let oldest = Infinity;
        for (const [k, o] of this.overflow) if (a[o * stride + 1]! < oldest) { oldest = a[o * stride + 1]!; victim = k; }
        this.spare.push(this.overflow.get(victim)!);
        this.overflow.delete(victim);
      }
    }
    const o = this.spare.length > 0 ? this.spare.pop()! : this.overflowTop++;
    this.overflow.set(key, o);
    return o;
  }

  private claim(way: number, key: number): void {
    const base = way * this.stride;
    this.ways[base] = key;
    this.ways[base + 1] = -Infinity;
    this.ways[base + 2] = -Infinity;
    this.ways[base + 3] = 0;
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

/**
 * A rate constant (events a second) as a whole number of events allowed within a window: the
 * window is one second, or as long as one event takes at a rate below one a second (0.5 a
 * second: one event in 2 s), so a fractional rate is neither rounded up to 1 a second nor down to
 * 0. `within` is the window for a finding's text ("a second", "2 s"). The profile refuses rate 0.
 */
export function rateLimit(rate: number): { limit: number; window: number; within: string } {
  const window = rate > 0 && rate < 1 ? 1 / rate : 1;
  return { limit: Math.max(1, Math.floor(rate * window + 1e-9)), window, within: window === 1 ? 'a second' : secs(window) };
}

export function secs(x: number): string {
  return `${Math.round(x * 1000) / 1000} s`;
}

export function arrow(ctx: RuleContext, a: number, b: number): string {
  return `${ctx.name(a)} -> ${ctx.name(b)}`;
}
