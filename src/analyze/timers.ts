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
 * without calling back into a flow that has long left the cache).
 */
import type { TimerFn } from './types.js';

/** What a cancelled timer is replaced with, in the queue or the heap, until it reaches the front. */
const CANCELLED: TimerFn = () => {};

export class TimerQueue {
  // The in-order queue: entries [qHead, qAt.length), compacted now and then.
  private qAt: number[] = [];
  private qOrder: number[] = [];
  private qFns: TimerFn[] = [];
  private qHead = 0;
  /** Position of the queue's index 0 since the start (a queued timer's handle is its position). */
  private qBase = 0;
  // The heap of timers set out of order.
  private at: number[] = [];
  private order: number[] = [];
  private fns: TimerFn[] = [];
  private counter = 0;
  /** Cancelled timers still in the in-order queue or the heap (their function is CANCELLED). */
  private cancelled = 0;

  /** Timers pending (cancelled ones not counted). */
  get size(): number {
    return this.qAt.length - this.qHead + this.at.length - this.cancelled;
  }

  /** Time of the earliest timer, Infinity when none. */
  peek(): number {
    if (this.qFns[this.qHead] === CANCELLED || this.fns[0] === CANCELLED) this.dropCancelled();
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
    this.at.push(at);
    this.order.push(order);
    this.fns.push(fn);
    this.up(this.at.length - 1);
    // Heap entries move; their handles are told apart by sign.
    return -order - 1;
  }

  /** Withdraw a timer that has not fired yet (its handle from push(); a timer that fired is left alone). */
  cancel(handle: number): void {
    if (handle < 0) {
      // The heap holds the few timers set out of order; an entry moves as others come and go, so it is looked for.
      const order = -handle - 1;
      const o = this.order;
      for (let i = 0; i < o.length; i++) {
        if (o[i] === order) {
          if (this.fns[i] !== CANCELLED) { this.fns[i] = CANCELLED; this.cancelled++; }
          return;
        }
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
    while (this.at.length > 0 && this.fns[0] === CANCELLED) {
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

  private popHeap(): TimerFn {
    const fn = this.fns[0]!;
    const last = this.at.length - 1;
    this.swap(0, last);
    this.at.pop();
    this.order.pop();
    this.fns.pop();
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
    const f = this.fns[i]!; this.fns[i] = this.fns[j]!; this.fns[j] = f;
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
