/**
 * The receiver's anti-replay window of every SA a capture shows (RFC 4303
 * 3.4.3), keyed by the SPI and the two addresses' bytes, and the verdict on each
 * ESP packet's sequence number. The engine keeps one; a lint that analyzes on a
 * second thread keeps it on the reading thread instead, where the addresses'
 * bytes are at hand, and ships the verdicts with the facts, taking a table
 * lookup per ESP packet off the busier analyzing thread.
 *
 * An SA unused for the idle time is forgotten, on the schedule the engine
 * sweeps its flow tables by (checked every SWEEP_CHECK seconds of analysis
 * time, a table swept every half idle time), so either thread, fed the same
 * packet times, keeps and forgets the same windows.
 */
import { checkWindow, VERDICTS } from '../esp/replay.js';
import type { Facts } from './facts.js';
import { finish, mix } from './address.js';
import { FlowMap } from './flowmap.js';

/** How often the engine looks for tables due a sweep, in seconds of analysis time. */
export const SWEEP_CHECK = 1;
/** A table is swept at most this often (seconds), and at least every half idle time. */
export const MIN_SWEEP_EVERY = 1;
/** Seconds a flow is kept unused when the engine is not told otherwise. */
export const DEFAULT_IDLE_TIMEOUT = 600;

/**
 * A table's turn in a sweep at `now`: whether its entries idle for longer than
 * `t.idle` are to be forgotten now. A table is swept every half of its idle time
 * (at least MIN_SWEEP_EVERY seconds); its first turn only sets that schedule.
 */
export function sweepDue(t: { nextSweep: number; idle: number }, now: number): boolean {
  if (now < t.nextSweep) return false;
  const first = t.nextSweep === -Infinity;
  t.nextSweep = now + Math.max(MIN_SWEEP_EVERY, t.idle / 2);
  return !first;
}

/** An absent address's words (the engine's id 0 has four zeros). */
const NO_ADDRESS = new Int32Array(4);

/** Cells of an SA's slot: the highest sequence number accepted, and the 64-bit window (two 32-bit words). */
const HIGHEST = 2;
const BITS = 3;

/**
 * The SA key of an SPI and the source and destination addresses whose
 * big-endian words are src[s..s+4) and dst[d..d+4): a 53-bit hash (never 0).
 */
export function saKey(spi: number, src: Int32Array, s: number, dst: Int32Array, d: number): number {
  let lo = mix(0x811c9dc5, spi | 0);
  let hi = mix(0x01000193, spi | 0);
  for (let k = 0; k < 4; k++) {
    lo = mix(lo, src[s + k]!);
    hi = mix(hi, dst[d + k]! ^ k);
  }
  lo = mix(lo, hi);
  hi = mix(hi, lo);
  return finish(hi, lo);
}

export class SaWindows {
  /** The analysis clock the table stamps its entries with. */
  private readonly clock = { now: -Infinity };
  private readonly map = new FlowMap<never>(16, this.clock, 2);
  private current = -Infinity;
  private nextCheck = NaN;
  /** The table's sweep schedule (sweepDue). */
  private readonly schedule: { nextSweep: number; idle: number };

  constructor(idle = DEFAULT_IDLE_TIMEOUT) {
    this.schedule = { nextSweep: -Infinity, idle };
  }

  /** Analysis time is at `now` (each packet's time, in order): forget the SAs idle too long when a sweep is due. */
  advance(now: number): void {
    if (this.nextCheck !== this.nextCheck) this.nextCheck = now + SWEEP_CHECK;
    if (now > this.current) { this.current = now; this.clock.now = now; }
    if (this.current < this.nextCheck) return;
    this.nextCheck = this.current + SWEEP_CHECK;
    if (sweepDue(this.schedule, this.current)) this.map.expireIdle(this.current - this.schedule.idle);
  }

  /** Judge the ESP packet `f` of the SA `key` (saKey): sets f.espVerdict and f.espHighestBefore. */
  check(f: Facts, key: number): void {
    const map = this.map;
    const at = map.slot(key);
    const cells = map.cells;
    f.espHighestBefore = cells[at + HIGHEST]!;
    f.espVerdict = VERDICTS[checkWindow(cells, at + HIGHEST, map.words, 2 * (at + BITS), f.espSeq)]!;
  }

  /**
   * Advance to `f`'s time and judge it when it is an ESP packet, on a dissecting
   * thread: its addresses are the AddressRecorder's numbers 1, 2 ... (their words
   * at 4 * (n - 1) in `recorded`), 0 when absent, as the engine's id 0.
   */
  judgeRecorded(f: Facts, recorded: Int32Array): void {
    this.advance(f.time);
    if (f.espItem < 0 || f.spi < 0 || f.espSeq < 0) return;
    const s = f.src;
    const d = f.dst;
    this.check(f, saKey(f.spi, s > 0 ? recorded : NO_ADDRESS, s > 0 ? 4 * (s - 1) : 0, d > 0 ? recorded : NO_ADDRESS, d > 0 ? 4 * (d - 1) : 0));
  }

  /** SAs whose windows are kept. */
  get size(): number {
    return this.map.size;
  }
}
