/**
 * The binding cache the rules ask (BindingTable): what accepted BAs leave in it,
 * held against a plain Map of the same operations over random sequences, with
 * home address ids past the table's first size.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BindingTable } from '../../src/analyze/bindings.js';

const at = (time: number) => ({ frame: 1, fileIndex: 0, time });

describe('BindingTable', () => {
  it('keeps the HA of the last accepted BA until the lifetime runs out; lifetime 0 from that HA removes it', () => {
    const t = new BindingTable();
    expect(t.currentHa(5, 0)).toBe(0);
    t.accepted(5, 9, 600, at(100));
    expect(t.currentHa(5, 700)).toBe(9);
    expect(t.currentHa(5, 700.5)).toBe(0);
    expect(t.get(5)).toEqual({ home: 5, ha: 9, expires: 700 });
    // A de-registration from another HA leaves it; from its own HA removes it.
    t.accepted(5, 8, 0, at(200));
    expect(t.currentHa(5, 200)).toBe(9);
    t.accepted(5, 9, 0, at(200));
    expect(t.currentHa(5, 200)).toBe(0);
    expect(t.get(5)).toBeUndefined();
    expect(t.size).toBe(0);
  });

  it('lists the MNs an HA serves by id, sweeps the expired, and names the ids in use', () => {
    const t = new BindingTable();
    t.accepted(3000, 2, 100, at(0));
    t.accepted(7, 2, 50, at(0));
    t.accepted(12, 4, 100, at(0));
    expect(t.servedBy(2, 10)).toEqual([7, 3000]);
    expect(t.servedBy(2, 60)).toEqual([3000]);
    expect(t.size).toBe(3);
    t.sweep(60);
    expect(t.size).toBe(2);
    expect(t.get(7)).toBeUndefined();
    expect([...t.addressesInUse()].sort((a, b) => a - b)).toEqual([2, 4, 12, 3000]);
  });

  it('agrees with a Map of the same accepted BAs and sweeps, over random sequences', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('ba' as const), home: fc.integer({ min: 1, max: 5000 }), ha: fc.integer({ min: 1, max: 4 }), lifetime: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 100 })) }),
      fc.record({ kind: fc.constant('sweep' as const) }),
    );
    fc.assert(fc.property(fc.array(op, { maxLength: 200 }), fc.integer({ min: 1, max: 5000 }), (ops, probe) => {
      const t = new BindingTable();
      const model = new Map<number, { ha: number; expires: number }>();
      let now = 0;
      for (const o of ops) {
        now += 7;
        if (o.kind === 'sweep') {
          t.sweep(now);
          for (const [h, b] of model) if (b.expires < now) model.delete(h);
        } else if (o.lifetime === 0) {
          t.accepted(o.home, o.ha, 0, at(now));
          if (model.get(o.home)?.ha === o.ha) model.delete(o.home);
        } else {
          t.accepted(o.home, o.ha, o.lifetime, at(now));
          model.set(o.home, { ha: o.ha, expires: now + o.lifetime });
        }
        expect(t.size).toBe(model.size);
      }
      for (const h of [probe, ...model.keys()]) {
        const b = model.get(h);
        expect(t.get(h)).toEqual(b ? { home: h, ...b } : undefined);
        expect(t.currentHa(h, now)).toBe(b && b.expires >= now ? b.ha : 0);
      }
      for (let ha = 1; ha <= 4; ha++) {
        expect(t.servedBy(ha, now)).toEqual([...model].filter(([, b]) => b.ha === ha && b.expires >= now).map(([h]) => h).sort((a, b) => a - b));
      }
    }), { numRuns: 200 });
  });
});
