import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FlowMap } from '../../src/analyze/flowmap.js';
import { key2 } from '../../src/analyze/address.js';

type Op =
  | { op: 'set'; key: number; value: number }
  | { op: 'get'; key: number }
  | { op: 'delete'; key: number }
  | { op: 'tick'; by: number }
  | { op: 'expire'; idle: number }
  | { op: 'pair'; a: number }
  | { op: 'peek'; key: number };

// Few distinct keys (so operations collide and probe runs form), spread over the 53-bit range like real keys.
const keyArb = fc.integer({ min: 0, max: 40 }).map((i) => (i === 0 ? 1 : key2(i, 7)));
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('set' as const), key: keyArb, value: fc.integer() }),
  fc.record({ op: fc.constant('get' as const), key: keyArb }),
  fc.record({ op: fc.constant('delete' as const), key: keyArb }),
  fc.record({ op: fc.constant('tick' as const), by: fc.integer({ min: 0, max: 5 }) }),
  fc.record({ op: fc.constant('expire' as const), idle: fc.integer({ min: 0, max: 10 }) }),
  // The key2(a, 7) forms: get2, findCells2, set2 (with valueAt) and delete2, which make the key themselves.
  fc.record({ op: fc.constant('pair' as const), a: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ op: fc.constant('deletePair' as const), a: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ op: fc.constant('peek' as const), key: keyArb }),
);

describe('FlowMap', () => {
  it('behaves like a Map with last-touch expiry, under any sequence of operations', () => {
    fc.assert(fc.property(fc.array(opArb, { maxLength: 400 }), (ops) => {
      const clock = { now: 0 };
      const m = new FlowMap<number>(16, clock);
      const ref = new Map<number, { v: number; t: number }>();
      const expired: number[] = [];
      for (const o of ops) {
        switch (o.op) {
          case 'set': m.set(o.key, o.value); ref.set(o.key, { v: o.value, t: clock.now }); break;
          case 'get': {
            const r = ref.get(o.key);
            expect(m.get(o.key)).toBe(r?.v);
            if (r) r.t = clock.now;
            break;
          }
          case 'delete': expect(m.delete(o.key)).toBe(ref.delete(o.key)); break;
          case 'tick': clock.now += o.by; break;
          case 'pair': {
            const k = key2(o.a, 7);
            const r = ref.get(k);
            expect(m.get2(o.a, 7)).toBe(r?.v);
            const at = m.findCells2(o.a, 7);
            expect(at >= 0).toBe(r !== undefined);
            if (r) {
              expect(m.valueAt(at)).toBe(r.v);
              m.setValueAt(at, r.v + 1);
              r.v++;
              r.t = clock.now;
            } else {
              m.set2(o.a, 7, 5);
              ref.set(k, { v: 5, t: clock.now });
            }
            break;
          }
          case 'deletePair': expect(m.delete2(o.a, 7)).toBe(ref.delete(key2(o.a, 7))); break;
          // A look that does not count as activity: the expiry that follows would tell.
          case 'peek': expect(m.peekCells(o.key) >= 0).toBe(ref.has(o.key)); break;
          case 'expire': {
            const cutoff = clock.now - o.idle;
            const want = [...ref].filter(([, r]) => r.t < cutoff).map(([k]) => k).sort((a, b) => a - b);
            for (const k of want) ref.delete(k);
            expired.length = 0;
            m.expireIdle(cutoff, (k) => expired.push(k));
            expect([...expired].sort((a, b) => a - b)).toEqual(want);
            break;
          }
        }
        expect(m.size).toBe(ref.size);
      }
      expect(new Map([...m.entries()])).toEqual(new Map([...ref].map(([k, r]) => [k, r.v])));
      // The allocation-free walk visits every entry once, in slot order, as entries() lists them.
      const walked: [number, number][] = [];
      for (let at = m.nextAt(-1); at >= 0; at = m.nextAt(at)) walked.push([m.cells[at]!, m.valueAt(at)!]);
      expect(walked).toEqual([...m.entries()]);
    }), { numRuns: 300 });
  });

  it('peekCells finds an entry without counting as its activity; findCells2 and get2 do count', () => {
    const clock = { now: 0 };
    const m = new FlowMap<number>(16, clock);
    m.set(key2(5, 7), 1);
    m.set(key2(6, 7), 2);
    clock.now = 3;
    expect(m.peekCells(key2(5, 7))).toBeGreaterThanOrEqual(0);
    expect(m.findCells2(6, 7)).toBeGreaterThanOrEqual(0);
    expect(m.peekCells(key2(9, 7))).toBe(-1);
    const gone: number[] = [];
    m.expireIdle(3, (k) => gone.push(k));
    expect(gone).toEqual([key2(5, 7)]);
    expect(m.get2(6, 7)).toBe(2);
  });

  it('grows past many entries and shrinks back when they expire', () => {
    const clock = { now: 0 };
    const m = new FlowMap<string>(16, clock);
    // Keys as the rules make them: an address id paired with another.
    const key = (i: number): number => key2(i + 1, 7);
    for (let i = 0; i < 50_000; i++) m.set(key(i), `v${i}`);
    expect(m.size).toBe(50_000);
    expect(m.get(key(12_345))).toBe('v12345');
    const grown = m.capacity;
    expect(grown).toBeGreaterThanOrEqual(100_000);
    clock.now = 100;
    for (let i = 0; i < 10; i++) m.get(key(i));
    m.expireIdle(50);
    expect(m.size).toBe(10);
    expect(m.capacity).toBeLessThan(grown / 100);
    for (let i = 0; i < 10; i++) expect(m.get(key(i))).toBe(`v${i}`);
    expect(m.get(key(10))).toBeUndefined();
  });
  it('keeps numbers in the slots beside the keys (columns) through growth, deletion and expiry', () => {
    type COp = { op: 'slot'; key: number; a: number; b: number } | { op: 'delete'; key: number } | { op: 'tick' } | { op: 'expire' };
    const cop: fc.Arbitrary<COp> = fc.oneof(
      { arbitrary: fc.record({ op: fc.constant('slot' as const), key: keyArb, a: fc.double({ noNaN: true }), b: fc.integer() }), weight: 4 },
      fc.record({ op: fc.constant('delete' as const), key: keyArb }),
      fc.record({ op: fc.constant('tick' as const) }),
      fc.record({ op: fc.constant('expire' as const) }),
    );
    fc.assert(fc.property(fc.array(cop, { maxLength: 400 }), (ops) => {
      const clock = { now: 0 };
      const m = new FlowMap<never>(16, clock, 2);
      const ref = new Map<number, { a: number; b: number; t: number }>();
      for (const o of ops) {
        if (o.op === 'slot') {
          const at = m.slot(o.key);
          const r = ref.get(o.key);
          // A new key's columns start at 0; a known one's hold what was written.
          expect(m.cells[at + 2]).toBe(r ? r.a : 0);
          expect(m.words[2 * (at + 3) + 1]).toBe(r ? r.b : 0);
          m.cells[at + 2] = o.a;
          m.words[2 * (at + 3) + 1] = o.b;
          ref.set(o.key, { a: o.a, b: o.b, t: clock.now });
        } else if (o.op === 'delete') {
          expect(m.delete(o.key)).toBe(ref.delete(o.key));
        } else if (o.op === 'tick') {
          clock.now++;
        } else {
          m.expireIdle(clock.now - 2);
          for (const [k, r] of ref) if (r.t < clock.now - 2) ref.delete(k);
        }
        expect(m.size).toBe(ref.size);
      }
      for (const [k, r] of ref) {
        const at = m.findCells(k);
        expect(at).toBeGreaterThanOrEqual(0);
        expect(m.cells[at + 2]).toBe(r.a);
        expect(m.words[2 * (at + 3) + 1]).toBe(r.b);
      }
    }), { numRuns: 300 });
  });
});
