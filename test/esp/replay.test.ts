import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ReplayWindow64, type ReplayVerdict } from '../../src/esp/replay.js';

/** RFC 4303 3.4.3 as plainly as it can be said: a set of every number accepted, for a window of `size`. */
function setModel(size: number): (seq: number) => ReplayVerdict {
  const seen = new Set<number>();
  let highest = 0;
  let started = false;
  return (s) => {
    let want: ReplayVerdict;
    if (s === 0) want = 'outside';
    else if (!started) want = 'new';
    else if (s > highest) want = s === highest + 1 ? 'new' : 'gap';
    else if (highest - s >= size) want = 'outside';
    else if (seen.has(s)) want = 'replay';
    else want = 'new';
    if (want === 'new' || want === 'gap') {
      seen.add(s);
      if (s > highest) highest = s;
      started = true;
    }
    return want;
  };
}

describe('ReplayWindow64, the analyzer\'s per-SA anti-replay window (RFC 4303 3.4.3)', () => {
  it('classifies in-order, gaps, late, replayed and stale numbers', () => {
    const w = new ReplayWindow64();
    expect(w.check(100)).toBe('new'); // capture starts mid-SA
    expect(w.check(101)).toBe('new');
    expect(w.check(101)).toBe('replay');
    expect(w.check(105)).toBe('gap');
    expect(w.check(103)).toBe('new'); // late, inside the window
    expect(w.check(103)).toBe('replay');
    expect(w.check(42)).toBe('new'); // 105 - 42 = 63 < 64: still inside
    expect(w.check(41)).toBe('outside'); // left edge passed
    expect(w.check(0)).toBe('outside');
    expect(w.highestSeen).toBe(105);
  });

  it('forgets what slides out of the window', () => {
    const w = new ReplayWindow64();
    for (let s = 1; s <= 200; s++) expect(w.check(s)).toBe('new');
    expect(w.check(137)).toBe('replay');
    expect(w.check(136)).toBe('outside');
    expect(w.check(1000)).toBe('gap');
    expect(w.check(990)).toBe('new'); // never seen, though 990 - 64 * k was
    expect(w.check(999)).toBe('new');
  });

  it('does not mistake a late packet for a replay of the number a window earlier', () => {
    const w = new ReplayWindow64();
    for (let s = 1; s <= 70; s++) w.check(s);
    expect(w.check(80)).toBe('gap'); // 71..79 skipped; 7..15 sat at the same distances before
    expect(w.check(75)).toBe('new');
    expect(w.check(75)).toBe('replay');
  });

  it('agrees with the set model, also across its 32-bit words, big jumps and the top of the number space', () => {
    const step = fc.oneof(
      { arbitrary: fc.integer({ min: 1, max: 3 }), weight: 8 },
      { arbitrary: fc.integer({ min: 4, max: 80 }), weight: 2 },
      { arbitrary: fc.integer({ min: -120, max: 0 }), weight: 3 },
    );
    fc.assert(fc.property(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 2 ** 32 - 400 })), fc.array(step, { maxLength: 300 }), (base, steps) => {
      // Mostly rising numbers with jumps and stragglers, as real SAs produce.
      let at = base;
      const model = setModel(64);
      const w = new ReplayWindow64();
      let highest = 0;
      for (const d of steps) {
        const s = d > 0 ? (at += d) : Math.max(0, at + d);
        const want = model(s);
        if ((want === 'new' || want === 'gap') && s > highest) highest = s;
        expect(w.check(s)).toBe(want);
        expect(w.highestSeen).toBe(highest);
      }
    }), { numRuns: 5000 });
    const w = new ReplayWindow64();
    expect(w.check(100)).toBe('new');
    expect(w.check(132)).toBe('gap'); // exactly one word further
    expect(w.check(100)).toBe('replay');
    expect(w.check(69)).toBe('new'); // 63 behind: the window's last slot
    expect(w.check(68)).toBe('outside');
  });
});
