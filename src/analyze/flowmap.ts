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
 *
 * A table may also keep a few numbers per entry in the slot itself (`columns`),
 * for state that is only numbers: a lookup then reads one cache line, where a
 * value object costs two more dependent reads (its slot in the values array,
 * then the object), which on a table of tens of thousands of flows are cache
 * misses. slot() finds or adds an entry and returns where its cells start.
 */

import { key2 } from './address.js';

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

function emptySlots(cap: number, stride: number): Float64Array {
  const kt = new Float64Array(cap * stride);
  for (let i = 1; i < kt.length; i += stride) kt[i] = EMPTY;
  return kt;
}

export class FlowMap<V> {
  /**
   * `stride` numbers per slot: [key, touched, column 0, column 1 ...]; touched
   * is EMPTY for a free slot. Replaced when the table is resized, so a cell
   * index from slot() holds only until the next insert.
   */
  cells: Float64Array;
  /** The same memory as 32-bit integers: column c of the slot at cell index s is words[2 * (s + 2 + c)] and the word after it. */
  words: Int32Array;
  private vals: (V | undefined)[];
  private mask: number;
  private count = 0;
  private readonly clock: Clock;
  private readonly stride: number;

  /** `columns`: numbers kept in each slot beside its key (see slot()). */
  constructor(capacity = MIN_CAPACITY, clock: Clock = NO_CLOCK, columns = 0) {
    let cap = MIN_CAPACITY;
    while (cap < capacity) cap *= 2;
    this.stride = 2 + columns;
    this.cells = emptySlots(cap, this.stride);
    this.words = new Int32Array(this.cells.buffer);
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
    const kt = this.cells;
    const mask = this.mask;
    const stride = this.stride;
    for (let i = slotOf(key, mask); kt[stride * i + 1] !== EMPTY; i = (i + 1) & mask) {
      if (kt[stride * i] === key) return i;
    }
    return -1;
  }

  /** The value for `key`; a hit counts as activity of that flow. */
  get(key: number): V | undefined {
    const i = this.find(key);
    if (i < 0) return undefined;
    this.cells[this.stride * i + 1] = this.clock.now;
    return this.vals[i];
  }

  /**
   * get(key2(a, b)), the key made here: a key handed to a call that is not
   * inlined is a number allocated on the heap, and key2 of two address ids is
   * past the small integers.
   */
  get2(a: number, b: number): V | undefined {
    return this.get(key2(a, b));
  }

  /** set(key2(a, b), v), the key made here (see get2). */
  set2(a: number, b: number, v: V): this {
    return this.set(key2(a, b), v);
  }

  has(key: number): boolean {
    return this.find(key) >= 0;
  }

  /**
   * Where `key`'s cells start in `cells` (its first column at +2), adding the
   * key with every column 0 when absent; counts as activity of that flow.
   */
  slot(key: number): number {
    return this.stride * this.place(key);
  }

  /** The slot of `key`, added when absent (every column 0), touched now. */
  private place(key: number): number {
    const kt = this.cells;
    const mask = this.mask;
    const stride = this.stride;
    let i = slotOf(key, mask);
    for (; kt[stride * i + 1] !== EMPTY; i = (i + 1) & mask) {
      if (kt[stride * i] === key) { kt[stride * i + 1] = this.clock.now; return i; }
    }
    // Past half full, grow first (which moves every slot) and look again.
    if ((this.count + 1) * 2 > mask + 1) {
      this.resize((mask + 1) * 2);
      return this.place(key);
    }
    kt[stride * i] = key;
    kt[stride * i + 1] = this.clock.now;
    this.count++;
    return i;
  }

  /** slot(key2(a, b)), the key made here (see get2). */
  slot2(a: number, b: number): number {
    return this.stride * this.place(key2(a, b));
  }

  /** findCells(key2(a, b)), the key made here (see get2). */
  findCells2(a: number, b: number): number {
    return this.findCells(key2(a, b));
  }

  /** Where `key`'s cells start, -1 when absent, without counting as activity (a timer looking at its flow). */
  peekCells(key: number): number {
    const i = this.find(key);
    return i < 0 ? -1 : this.stride * i;
  }

  /** The value of the entry whose cells start at `at` (from slot() or findCells(), before any insert). */
  valueAt(at: number): V | undefined {
    return this.vals[at / this.stride];
  }

  setValueAt(at: number, v: V): void {
    this.vals[at / this.stride] = v;
  }

  /** Where `key`'s cells start, -1 when absent; counts as activity of that flow. */
  findCells(key: number): number {
    const i = this.find(key);
    if (i < 0) return -1;
    this.cells[this.stride * i + 1] = this.clock.now;
    return this.stride * i;
  }

  set(key: number, v: V): this {
    // place() first: it may grow the table, which replaces `vals`.
    const i = this.place(key);
    this.vals[i] = v;
    return this;
  }

  /** delete(key2(a, b)), the key made here (see get2). */
  delete2(a: number, b: number): boolean {
    return this.delete(key2(a, b));
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
    const kt = this.cells;
    const mask = this.mask;
    const stride = this.stride;
    let hole = i;
    for (let j = (i + 1) & mask; kt[stride * j + 1] !== EMPTY; j = (j + 1) & mask) {
      const home = slotOf(kt[stride * j]!, mask);
      // j's entry may move into the hole unless its home slot lies cyclically in (hole, j].
      const stays = hole <= j ? home > hole && home <= j : home > hole || home <= j;
      if (!stays) {
        for (let c = 0; c < stride; c++) kt[stride * hole + c] = kt[stride * j + c]!;
        this.vals[hole] = this.vals[j];
        hole = j;
      }
    }
    // A free slot's columns are 0, as slot() hands them out.
    for (let c = 0; c < stride; c++) kt[stride * hole + c] = 0;
    kt[stride * hole + 1] = EMPTY;
    this.vals[hole] = undefined;
    this.count--;
  }

  clear(): void {
    this.cells = emptySlots(MIN_CAPACITY, this.stride);
    this.words = new Int32Array(this.cells.buffer);
    this.vals = new Array<V | undefined>(MIN_CAPACITY).fill(undefined);
    this.mask = MIN_CAPACITY - 1;
    this.count = 0;
  }

  private resize(cap: number): void {
    const old = this.cells;
    const oldVals = this.vals;
    const stride = this.stride;
    const kt = emptySlots(cap, stride);
    const vals = new Array<V | undefined>(cap).fill(undefined);
    const mask = cap - 1;
    for (let i = 0; i < oldVals.length; i++) {
      if (old[stride * i + 1] === EMPTY) continue;
      let j = slotOf(old[stride * i]!, mask);
      while (kt[stride * j + 1] !== EMPTY) j = (j + 1) & mask;
      for (let c = 0; c < stride; c++) kt[stride * j + c] = old[stride * i + c]!;
      vals[j] = oldVals[i];
    }
    this.cells = kt;
    this.words = new Int32Array(kt.buffer);
    this.vals = vals;
    this.mask = mask;
  }

  /**
   * Remove every entry not touched (get, set or slot) since `cutoff`; calls
   * `onRemove` for each after removing it. One sequential pass over the keys;
   * values are visited only for entries removed.
   */
  expireIdle(cutoff: number, onRemove?: (key: number, v: V) => void): void {
    const kt = this.cells;
    let doomed: number[] | null = null;
    for (let i = 1; i < kt.length; i += this.stride) {
      const t = kt[i]!;
      if (t < cutoff && t !== EMPTY) (doomed ??= []).push(kt[i - 1]!);
    }
    if (doomed) this.removeKeys(doomed, onRemove);
  }

  /**
   * Remove every entry `expired` says is done (given its value and where its
   * cells start); calls `onRemove` for each after removing it.
   */
  removeWhere(expired: (v: V, at: number) => boolean, onRemove?: (key: number, v: V) => void): void {
    const doomed: number[] = [];
    const stride = this.stride;
    for (let i = 0; i < this.vals.length; i++) {
      if (this.cells[stride * i + 1] !== EMPTY && expired(this.vals[i]!, stride * i)) doomed.push(this.cells[stride * i]!);
    }
    this.removeKeys(doomed, onRemove);
  }

  /**
   * Where the cells of the first entry after the one at `at` start (-1: from the
   * first), -1 past the last. With valueAt(), a walk over the entries that
   * allocates nothing, for loops on the per-packet path (values() copies the
   * entries first); no entry may be added or removed during it.
   */
  nextAt(at: number): number {
    const kt = this.cells;
    const stride = this.stride;
    for (let i = at < 0 ? 0 : at + stride; i < kt.length; i += stride) if (kt[i + 1] !== EMPTY) return i;
    return -1;
  }

  /** Call `fn` with each entry's key and where its cells start (it must not add or remove entries). */
  forEachSlot(fn: (key: number, at: number) => void): void {
    const kt = this.cells;
    for (let at = 0; at < kt.length; at += this.stride) if (kt[at + 1] !== EMPTY) fn(kt[at]!, at);
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
    for (let i = 0; i < this.vals.length; i++) if (this.cells[this.stride * i + 1] !== EMPTY) out.push([this.cells[this.stride * i]!, this.vals[i]!]);
    yield* out;
  }

  *values(): IterableIterator<V> {
    for (const [, v] of this.entries()) yield v;
  }

  [Symbol.iterator](): IterableIterator<[number, V]> {
    return this.entries();
  }
}
