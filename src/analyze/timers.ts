/**
 * Timers on analysis time (packet time for files, the clock for live capture).
 * Equal times fire in the order they were set.
 *
 * Most timers are set in the order they fall due (a rule waits the same time
 * after each packet, and packets come in time order): those go to a queue in
 * arrival order, where setting and firing cost O(1). A timer due before the
 * last one queued goes to a min-heap instead; the earliest of the two fronts
 * fires first. Entries live in parallel arrays, so scheduling allocates no object.
 *
 * A timer that has not fired may be cancelled by the handle push() gave: a
 * rule whose wait was answered says so while the flow is at hand, and the
 * timer then costs nothing when its time comes (it is dropped from the front
 * without calling back into a flow that has long left the cache). A heap
 * timer's function sits in a slot that does not move as the heap does, and its
 * handle names the slot and the slot's use (a generation), so cancelling one
 * costs the same however many are pending (it was a search through the heap,
 * as long as the BUs in flight to a slow HA).
 */
import type { TimerFn } from './types.js';

/** What a cancelled timer is replaced with, in the queue or the heap, until it reaches the front. */
const CANCELLED: TimerFn = () => {};
/** A heap timer's handle is -1 - (generation * SLOT_SPAN + slot): exact below 2^53 for these bounds. */
const SLOT_SPAN = 2 ** 26;
const MAX_GENERATION = 2 ** 26;

export class TimerQueue {
  // The in-order queue: entries [qHead, qAt.length), compacted now and then.
  private qAt: number[] = [];
  private qOrder: number[] = [];
  private qFns: TimerFn[] = [];
  private qHead = 0;
  /** Position of the queue's index 0 since the start (a queued timer's handle is its position). */
  private qBase = 0;
  // The heap of timers set out of order: time, order set, and the slot holding the function.
  private at: number[] = [];
  private order: number[] = [];
  private slot: number[] = [];
  /** Heap timers' functions by slot (CANCELLED when cancelled, undefined when the slot is free), each slot's use, free slots. */
  private slotFns: (TimerFn | undefined)[] = [];
  private slotGen: number[] = [];
  private freeSlots: number[] = [];
  private counter = 0;
  /** Cancelled timers still in the in-order queue or the heap (their function is CANCELLED). */
  private cancelled = 0;

  /** Timers pending (cancelled ones not counted). */
  get size(): number {
    return this.qAt.length - this.qHead + this.at.length - this.cancelled;
  }

  /** Time of the earliest timer, Infinity when none. */
  peek(): number {
    if (this.qFns[this.qHead] === CANCELLED || (this.at.length > 0 && this.slotFns[this.slot[0]!] === CANCELLED)) this.dropCancelled();
    const q = this.qHead < this.qAt.length ? this.qAt[this.qHead]! : Infinity;
    const h = this.at.length > 0 ? this.at[0]! : Infinity;
    return q < h ? q : h;
  }

  /** Set a timer; the handle is for cancel(). */
  push(at: number, fn: TimerFn): number {
    const n = this.qAt.length;
    const order = this.counter++;
    if (n === this.qHead || at >= this.qAt[n - 1]!) {
      this.qAt.push(at);
      this.qOrder.push(order);
      this.qFns.push(fn);
      return this.qBase + n;
    }
    let s: number;
    if (this.freeSlots.length > 0) {
      s = this.freeSlots.pop()!;
    } else {
      s = this.slotFns.length;
      this.slotFns.push(undefined);
      this.slotGen.push(0);
    }
    this.slotFns[s] = fn;
    this.at.push(at);
    this.order.push(order);
    this.slot.push(s);
    this.up(this.at.length - 1);
    // Heap entries move, their slots do not; handles are told apart by sign.
    return -1 - (this.slotGen[s]! * SLOT_SPAN + s);
  }

  /** Withdraw a timer that has not fired yet (its handle from push(); a timer that fired is left alone). */
  cancel(handle: number): void {
    if (handle < 0) {
      const k = -1 - handle;
      const s = k % SLOT_SPAN;
      // A slot used again since (its timer fired or was dropped) is another timer's now.
      if (s < this.slotFns.length && this.slotGen[s] === (k - s) / SLOT_SPAN) {
        const fn = this.slotFns[s];
        if (fn !== undefined && fn !== CANCELLED) { this.slotFns[s] = CANCELLED; this.cancelled++; }
      }
      return;
    }
    const i = handle - this.qBase;
    if (i >= this.qHead && i < this.qFns.length && this.qFns[i] !== CANCELLED) {
      this.qFns[i] = CANCELLED;
      this.cancelled++;
    }
  }

  /** Drop cancelled timers from both fronts. */
  private dropCancelled(): void {
    const fns = this.qFns;
    let h = this.qHead;
    while (h < fns.length && fns[h] === CANCELLED) {
      (fns as (TimerFn | undefined)[])[h] = undefined;
      h++;
      this.cancelled--;
    }
    if (h !== this.qHead) { this.qHead = h; this.compact(); }
    while (this.at.length > 0 && this.slotFns[this.slot[0]!] === CANCELLED) {
      this.popHeap();
      this.cancelled--;
    }
  }

  /** Remove and return the earliest timer's function (call peek() first: it drops cancelled timers from the fronts). */
  pop(): TimerFn {
    if (this.qHead < this.qAt.length) {
      const qa = this.qAt[this.qHead]!;
      const useQueue = this.at.length === 0 || qa < this.at[0]! || (qa === this.at[0]! && this.qOrder[this.qHead]! < this.order[0]!);
      if (useQueue) return this.shift();
    }
    return this.popHeap();
  }

  private shift(): TimerFn {
    const i = this.qHead;
    const fn = this.qFns[i]!;
    // Let the fired function be collected.
    (this.qFns as (TimerFn | undefined)[])[i] = undefined;
    this.qHead = i + 1;
    this.compact();
    return fn;
  }

  /** After the queue's head moved: start over when it is empty, drop the fired half when that is large. */
  private compact(): void {
    const n = this.qAt.length;
    if (this.qHead === n) {
      // pop() keeps the arrays' storage.
      while (this.qAt.length > 0) { this.qAt.pop(); this.qOrder.pop(); this.qFns.pop(); }
      this.qBase += n;
      this.qHead = 0;
    } else if (this.qHead >= 4096 && this.qHead * 2 >= n) {
      // So the arrays do not grow for ever.
      this.qAt.splice(0, this.qHead);
      this.qOrder.splice(0, this.qHead);
      this.qFns.splice(0, this.qHead);
      this.qBase += this.qHead;
      this.qHead = 0;
    }
  }

  /** Remove the earliest heap timer and free its slot; returns its function (CANCELLED if it was). */
  private popHeap(): TimerFn {
    const s = this.slot[0]!;
    const fn = this.slotFns[s]!;
    this.slotFns[s] = undefined;
    this.slotGen[s] = (this.slotGen[s]! + 1) % MAX_GENERATION;
    this.freeSlots.push(s);
    const last = this.at.length - 1;
    this.swap(0, last);
    this.at.pop();
    this.order.pop();
    this.slot.pop();
    if (last > 0) this.down(0);
    return fn;
  }

  private less(i: number, j: number): boolean {
    const a = this.at[i]!;
    const b = this.at[j]!;
    return a < b || (a === b && this.order[i]! < this.order[j]!);
  }

  private swap(i: number, j: number): void {
    const t = this.at[i]!; this.at[i] = this.at[j]!; this.at[j] = t;
    const o = this.order[i]!; this.order[i] = this.order[j]!; this.order[j] = o;
    const s = this.slot[i]!; this.slot[i] = this.slot[j]!; this.slot[j] = s;
  }

  private up(i: number): void {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) return;
      this.swap(i, p);
      i = p;
    }
  }

  private down(i: number): void {
    const n = this.at.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && this.less(l, m)) m = l;
      if (r < n && this.less(r, m)) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }
}
