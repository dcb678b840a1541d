import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ReplayWindow, ReplayWindow64 } from '../../src/esp/replay.js';

describe('ReplayWindow (RFC 4303 3.4.3)', () => {
  it('classifies in-order, gaps, late, replayed and stale numbers', () => {
    const w = new ReplayWindow(32);
    expect(w.check(100)).toBe('new'); // capture starts mid-SA
    expect(w.check(101)).toBe('new');
    expect(w.check(101)).toBe('replay');
    expect(w.check(105)).toBe('gap');
    expect(w.check(103)).toBe('new'); // late, inside the window
    expect(w.check(103)).toBe('replay');
    expect(w.check(74)).toBe('new'); // 105 - 74 = 31 < 32: still inside
    expect(w.check(73)).toBe('outside'); // left edge passed
    expect(w.check(0)).toBe('outside');
    expect(w.highestSeen).toBe(105);
  });

  it('forgets what slides out of the window and reuses ring slots correctly', () => {
    const w = new ReplayWindow(64);
    for (let s = 1; s <= 200; s++) expect(w.check(s)).toBe('new');
    expect(w.check(137)).toBe('replay');
    expect(w.check(136)).toBe('outside');
    expect(w.check(1000)).toBe('gap');
    expect(w.check(990)).toBe('new'); // was never seen, though its ring slot was used by 200-ish before
    expect(w.check(999)).toBe('new');
  });

  it('does not mistake a late packet for a replay of the number one ring-length earlier', () => {
    const w = new ReplayWindow(32);
    for (let s = 1; s <= 40; s++) w.check(s);
    expect(w.check(50)).toBe('gap'); // 41..49 skipped; 9..17 used the same ring slots
    expect(w.check(45)).toBe('new');
    expect(w.check(45)).toBe('replay');
  });

  it('agrees with a plain set-based model', () => {
    const step = fc.oneof(
      { arbitrary: fc.integer({ min: 1, max: 3 }), weight: 8 },
      { arbitrary: fc.integer({ min: 4, max: 80 }), weight: 1 },
      { arbitrary: fc.integer({ min: -120, max: 0 }), weight: 3 },
    );
    fc.assert(fc.property(fc.integer({ min: 1, max: 100 }), fc.array(step, { maxLength: 300 }), (size, steps) => {
      // Mostly rising numbers with jumps and stragglers, as real SAs produce.
      let at = 0;
      const seqs = steps.map((d) => (d > 0 ? (at += d) : Math.max(0, at + d)));
      const w = new ReplayWindow(size);
      const seen = new Set<number>();
      let highest = 0;
      let started = false;
      for (const s of seqs) {
        let want: string;
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
        expect(w.check(s)).toBe(want);
      }
    }), { numRuns: 5000 });
  });

  it('ReplayWindow64 (the analyzer\'s per-SA window) gives ReplayWindow(64)\'s verdicts, also across 32-bit words and big jumps', () => {
    const step = fc.oneof(
      { arbitrary: fc.integer({ min: 1, max: 3 }), weight: 6 },
      { arbitrary: fc.integer({ min: 28, max: 70 }), weight: 2 },
      { arbitrary: fc.integer({ min: -80, max: 0 }), weight: 3 },
    );
    fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 32 - 400 }), fc.array(step, { maxLength: 300 }), (base, steps) => {
      let at = base;
      const a = new ReplayWindow(64);
      const b = new ReplayWindow64();
      for (const d of steps) {
        const s = d > 0 ? (at += d) : Math.max(0, at + d);
        expect(b.check(s)).toBe(a.check(s));
        expect(b.highestSeen).toBe(a.highestSeen);
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
