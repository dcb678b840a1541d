/**
 * A hash map from the analyzer's numeric keys (53-bit address and flow keys,
 * see address.ts) to values, for the per-flow tables on the per-packet path.
 *
 * A JavaScript Map stores such keys as heap numbers: measured here, a lookup
 * costs about 2.5x a lookup with small-integer keys, and every insert boxes
 * its key. This table keeps the keys unboxed in a Float64Array with linear
 * probing and backward-shift deletion, so lookups allocate nothing and touch
 * two arrays. It has the Map methods the rules use.
 *
 * Each slot also keeps the clock time of its last get or set beside its key, so
 * idle flows are found by one sequential pass over that array without visiting
 * the values (expireIdle).
 */

const MIN_CAPACITY = 16;
const TWO32 = 4294967296;
/** Touch time of an empty slot. */
const EMPTY = -Infinity;

/** 32 mixed bits of a 53-bit key (keys made by key2/key3 are not uniform in their low bits). */
export function hashKey(key: number): number {
  const lo = key >>> 0;
  const hi = ((key - lo) / TWO32) | 0;
  let h = Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 15;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

function slotOf(key: number, mask: number): number {
  return hashKey(key) & mask;
}

/** Where the current time comes from (the engine's analysis clock). */
export interface Clock { now: number }

const NO_CLOCK: Clock = { now: 0 };

function emptySlots(cap: number): Float64Array {
  const kt = new Float64Array(cap * 2);
  for (let i = 1; i < kt.length; i += 2) kt[i] = EMPTY;
  return kt;
}

export class FlowMap<V> {
  /** Pairs per slot: [key, touched]; touched is EMPTY for a free slot. */
  private kt: Float64Array;
  private vals: (V | undefined)[];
  private mask: number;
  private count = 0;
  private readonly clock: Clock;

  constructor(capacity = MIN_CAPACITY, clock: Clock = NO_CLOCK) {
    let cap = MIN_CAPACITY;
    while (cap < capacity) cap *= 2;
    this.kt = emptySlots(cap);
    this.vals = new Array<V | undefined>(cap).fill(undefined);
    this.mask = cap - 1;
    this.clock = clock;
  }

  get size(): number {
    return this.count;
  }

  /** Slots allocated (a sweep visits each). */
  get capacity(): number {
    return this.mask + 1;
  }

  private find(key: number): number {
    const kt = this.kt;
    const mask = this.mask;
    for (let i = slotOf(key, mask); kt[2 * i + 1] !== EMPTY; i = (i + 1) & mask) {
      if (kt[2 * i] === key) return i;
    }
    return -1;
  }

  /** The value for `key`; a hit counts as activity of that flow. */
  get(key: number): V | undefined {
    const i = this.find(key);
    if (i < 0) return undefined;
    this.kt[2 * i + 1] = this.clock.now;
    return this.vals[i];
  }

  has(key: number): boolean {
    return this.find(key) >= 0;
  }

  set(key: number, v: V): this {
    const kt = this.kt;
    const mask = this.mask;
    let i = slotOf(key, mask);
    for (; kt[2 * i + 1] !== EMPTY; i = (i + 1) & mask) {
      if (kt[2 * i] === key) { this.vals[i] = v; kt[2 * i + 1] = this.clock.now; return this; }
    }
    kt[2 * i] = key;
    kt[2 * i + 1] = this.clock.now;
    this.vals[i] = v;
    this.count++;
    if (this.count * 2 > mask + 1) this.resize((mask + 1) * 2);
    return this;
  }

  delete(key: number): boolean {
    const i = this.find(key);
    if (i < 0) return false;
    this.removeAt(i);
    const cap = this.mask + 1;
    if (cap > MIN_CAPACITY * 4 && this.count * 8 < cap) this.resize(cap / 2);
    return true;
  }

  /** Backward-shift deletion: move later members of the probe run into the hole. */
  private removeAt(i: number): void {
    const kt = this.kt;
    const mask = this.mask;
    let hole = i;
    for (let j = (i + 1) & mask; kt[2 * j + 1] !== EMPTY; j = (j + 1) & mask) {
      const home = slotOf(kt[2 * j]!, mask);
      // j's entry may move into the hole unless its home slot lies cyclically in (hole, j].
      const stays = hole <= j ? home > hole && home <= j : home > hole || home <= j;
      if (!stays) {
        kt[2 * hole] = kt[2 * j]!;
        kt[2 * hole + 1] = kt[2 * j + 1]!;
        this.vals[hole] = this.vals[j];
        hole = j;
      }
    }
    kt[2 * hole] = 0;
    kt[2 * hole + 1] = EMPTY;
    this.vals[hole] = undefined;
    this.count--;
  }

  clear(): void {
    this.kt = emptySlots(MIN_CAPACITY);
    this.vals = new Array<V | undefined>(MIN_CAPACITY).fill(undefined);
    this.mask = MIN_CAPACITY - 1;
    this.count = 0;
  }

  private resize(cap: number): void {
    const old = this.kt;
    const oldVals = this.vals;
    const kt = emptySlots(cap);
    const vals = new Array<V | undefined>(cap).fill(undefined);
    const mask = cap - 1;
    for (let i = 0; i < oldVals.length; i++) {
      if (old[2 * i + 1] === EMPTY) continue;
      let j = slotOf(old[2 * i]!, mask);
      while (kt[2 * j + 1] !== EMPTY) j = (j + 1) & mask;
      kt[2 * j] = old[2 * i]!;
      kt[2 * j + 1] = old[2 * i + 1]!;
      vals[j] = oldVals[i];
    }
    this.kt = kt;
    this.vals = vals;
    this.mask = mask;
  }

  /**
   * Remove every entry not touched (get or set) since `cutoff`; calls `onRemove`
   * for each after removing it. One sequential pass over the keys; values are
   * visited only for entries removed.
   */
  expireIdle(cutoff: number, onRemove?: (key: number, v: V) => void): void {
    const kt = this.kt;
    let doomed: number[] | null = null;
    for (let i = 1; i < kt.length; i += 2) {
      const t = kt[i]!;
      if (t < cutoff && t !== EMPTY) (doomed ??= []).push(kt[i - 1]!);
    }
    if (doomed) this.removeKeys(doomed, onRemove);
  }

  /** Remove every entry `expired` says is done; calls `onRemove` for each after removing it. */
  removeWhere(expired: (v: V) => boolean, onRemove?: (key: number, v: V) => void): void {
    const doomed: number[] = [];
    for (let i = 0; i < this.vals.length; i++) {
      if (this.kt[2 * i + 1] !== EMPTY && expired(this.vals[i]!)) doomed.push(this.kt[2 * i]!);
    }
    this.removeKeys(doomed, onRemove);
  }

  private removeKeys(doomed: readonly number[], onRemove?: (key: number, v: V) => void): void {
    for (const k of doomed) {
      const i = this.find(k);
      if (i < 0) continue;
      const v = this.vals[i]!;
      this.removeAt(i);
      onRemove?.(k, v);
    }
    const cap = this.mask + 1;
    if (cap > MIN_CAPACITY * 4 && this.count * 8 < cap) {
      let c = cap;
      while (c > MIN_CAPACITY * 4 && this.count * 8 < c) c /= 2;
      this.resize(c);
    }
  }

  *entries(): IterableIterator<[number, V]> {
    // A snapshot, so callers may delete while iterating.
    const out: [number, V][] = [];
    for (let i = 0; i < this.vals.length; i++) if (this.kt[2 * i + 1] !== EMPTY) out.push([this.kt[2 * i]!, this.vals[i]!]);
    yield* out;
  }

  *values(): IterableIterator<V> {
    for (const [, v] of this.entries()) yield v;
  }

  [Symbol.iterator](): IterableIterator<[number, V]> {
    return this.entries();
  }
}
