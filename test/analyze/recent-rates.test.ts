/** RecentRates (the MH-RATE, HAS-RATE and HAR-RATE tables): the same answers as a plain window per flow kept forever. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RecentRates } from '../../src/analyze/rules/util.js';

/** The model: a flow's last limit + 1 event times; too fast when the oldest of them is inside the window. */
class RateWindow {
  private readonly times: number[] = [];
  reportedAt = -Infinity;

  constructor(private readonly limit: number) {}

  add(t: number, window: number): boolean {
    this.times.push(t);
    if (this.times.length > this.limit + 1) this.times.shift();
    return this.times.length === this.limit + 1 && t - this.times[0]! < window;
  }
}

/** A packet at time t. */
const at = (time: number) => ({ frame: 1, fileIndex: 0, time });

describe('RecentRates', () => {
  it.each([
    // One set of four ways for nine flows: most newcomers find it busy and go to the overflow table.
    { flows: 9, make: (limit: number) => new RecentRates(limit, 1, 1, 16), what: 'cache sets shared by many flows and the overflow table' },
    // From one set to eight as flows crowd in (each doubling moves half a set's flows), then the overflow table.
    { flows: 60, make: (limit: number) => new RecentRates(limit, 1, 8, 64, 1), what: 'the cache growing its sets, then the overflow table' },
  ])('agrees with a plain window per flow, through $what', ({ flows, make }) => {
    const event = fc.record({ key: fc.integer({ min: 1, max: flows }), dt: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 0.4, noNaN: true }), fc.double({ min: 0, max: 3, noNaN: true })) });
    fc.assert(fc.property(fc.integer({ min: 1, max: 4 }), fc.array(event, { maxLength: 400 }), (limit, events) => {
      const rates = make(limit);
      const model = new Map<number, RateWindow>();
      let t = 1000;
      for (const e of events) {
        t += e.dt;
        let w = model.get(e.key);
        if (!w) { w = new RateWindow(limit); model.set(e.key, w); }
        let want = w.add(t, 0.9) && t - w.reportedAt >= 1;
        if (want) w.reportedAt = t;
        expect(rates.add(e.key * 1e9 + 7, e.key, 3, at(t), 0.9, 1)).toBe(want);
      }
    }), { numRuns: 2000 });
  });

  it('reports a burst once, and again after a quiet second', () => {
    const r = new RecentRates(3, 1);
    const k = 123456789;
    expect([0, 0.1, 0.2].map((t) => r.add(k, 2, 3, at(t), 0.9, 1))).toEqual([false, false, false]);
    expect(r.add(k, 2, 3, at(0.3), 0.9, 1)).toBe(true);
    expect(r.add(k, 2, 3, at(0.35), 0.9, 1)).toBe(false); // the same burst
    expect([5, 5.1, 5.2].map((t) => r.add(k, 2, 3, at(t), 0.9, 1))).toEqual([false, false, false]);
    expect(r.add(k, 2, 3, at(5.25), 0.9, 1)).toBe(true);
  });
});
