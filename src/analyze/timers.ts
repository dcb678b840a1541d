/**
 * A min-heap of timers on analysis time (packet time for files, the clock for
 * live capture). Entries live in parallel arrays, so scheduling allocates no
 * object; equal times fire in the order they were set.
 */
import type { TimerFn } from './types.js';

export class TimerQueue {
  private at: number[] = [];
  private order: number[] = [];
  private fns: TimerFn[] = [];
  private counter = 0;

  get size(): number {
    return this.at.length;
  }

  /** Time of the earliest timer, Infinity when none. */
  peek(): number {
    return this.at.length > 0 ? this.at[0]! : Infinity;
  }

  push(at: number, fn: TimerFn): void {
    this.at.push(at);
    this.order.push(this.counter++);
    this.fns.push(fn);
    this.up(this.at.length - 1);
  }

  /** Remove and return the earliest timer's function (call peek() first). */
  pop(): TimerFn {
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
