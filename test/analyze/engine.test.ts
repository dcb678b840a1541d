/** The engine: timers, rule selection, tolerance, bounded flow state, several files. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AddressTable, key2, key3, seqGreater } from '../../src/analyze/address.js';
import { createEngine, RuleSelectionError, selectRules } from '../../src/analyze/engine.js';
import { createFactsEngine } from '../../src/analyze/engine-core.js';
import { ack, reg } from './lab-packets.js';
import { ALL_RULES } from '../../src/analyze/rules/index.js';
import { TimerQueue } from '../../src/analyze/timers.js';
import type { Rule } from '../../src/analyze/types.js';
import { bindingAck, bindingUpdate, ipv6Address } from '../../src/craft/index.js';
import { createDissector, dissectFrame } from '../../src/dissect/index.js';
import { haAddress, Lab, mnHome } from '../../src/samples/lab.js';
import { frameOf, lint } from './helpers.js';
import { FactExtractor, packetKinds } from '../../src/analyze/facts.js';
import { resolveFields } from '../../src/analyze/fields.js';
import { createRing, RingReader, RingWriter } from '../../src/analyze/ring.js';
import { FactsDecoder, FactsEncoder } from '../../src/analyze/wire.js';
import { getDefaultProfile } from '../../src/profile/profile.js';

describe('TimerQueue', () => {
  it('fires in (time, order set) order whatever the mix of in-order and out-of-order timers', () => {
    const op = fc.oneof(
      { arbitrary: fc.record({ push: fc.constant(true), dt: fc.integer({ min: -5, max: 20 }) }), weight: 3 },
      { arbitrary: fc.record({ push: fc.constant(false), dt: fc.constant(0) }), weight: 2 },
    );
    fc.assert(fc.property(fc.array(op, { maxLength: 6000 }), (ops) => {
      const q = new TimerQueue();
      const model: { at: number; n: number }[] = [];
      let n = 0;
      let now = 0;
      const fired: number[] = [];
      for (const o of ops) {
        if (o.push) {
          now += Math.max(0, o.dt);
          const at = now + Math.min(0, o.dt) * 3;
          const id = n++;
          q.push(at, () => fired.push(id));
          model.push({ at, n: id });
        } else if (model.length > 0) {
          model.sort((a, b) => a.at - b.at || a.n - b.n);
          const want = model.shift()!;
          expect(q.peek()).toBe(want.at);
          q.pop()(0, false);
          expect(fired[fired.length - 1]).toBe(want.n);
        }
        expect(q.size).toBe(model.length);
      }
    }), { numRuns: 300 });
    // Long in-order runs (the queue compacts itself) with stragglers between them.
    const q = new TimerQueue();
    const got: number[] = [];
    let id = 0;
    const push = (at: number): void => { const mine = id++; q.push(at, () => got.push(mine)); };
    for (let i = 0; i < 10000; i++) push(i);
    for (let i = 0; i < 6000; i++) q.pop()(0, false);
    push(5999.5);
    for (let i = 10000; i < 20000; i++) push(i);
    push(6000);
    while (q.size > 0) q.pop()(0, false);
    expect(got.length).toBe(20002);
    expect(got.slice(5999, 6004)).toEqual([5999, 10000, 6000, 20001, 6001]);
  });

  it('never fires a cancelled timer, in the queue or the heap, and fires the rest in order', () => {
    const op = fc.oneof(
      { arbitrary: fc.record({ kind: fc.constant('push' as const), dt: fc.integer({ min: -5, max: 20 }), pick: fc.nat() }), weight: 3 },
      { arbitrary: fc.record({ kind: fc.constant('pop' as const), dt: fc.constant(0), pick: fc.nat() }), weight: 2 },
      { arbitrary: fc.record({ kind: fc.constant('cancel' as const), dt: fc.constant(0), pick: fc.nat() }), weight: 2 },
    );
    fc.assert(fc.property(fc.array(op, { maxLength: 3000 }), (ops) => {
      const q = new TimerQueue();
      const model: { at: number; n: number; handle: number }[] = [];
      let n = 0;
      let now = 0;
      const fired: number[] = [];
      let heapHandles = 0;
      const firedHandles: number[] = [];
      for (const o of ops) {
        if (o.kind === 'push') {
          now += Math.max(0, o.dt);
          const at = now + Math.min(0, o.dt) * 3;
          const id = n++;
          const handle = q.push(at, () => fired.push(id));
          if (handle < 0) heapHandles++;
          model.push({ at, n: id, handle });
        } else if (o.kind === 'cancel' && o.pick % 3 === 0 && firedHandles.length > 0) {
          // Cancelling a timer that already fired changes nothing.
          q.cancel(firedHandles[o.pick % firedHandles.length]!);
        } else if (o.kind === 'cancel' && model.length > 0) {
          const [gone] = model.splice(o.pick % model.length, 1);
          q.cancel(gone!.handle);
        } else if (o.kind === 'pop' && model.length > 0) {
          model.sort((a, b) => a.at - b.at || a.n - b.n);
          const want = model.shift()!;
          expect(q.peek()).toBe(want.at);
          q.pop()(0, false);
          expect(fired[fired.length - 1]).toBe(want.n);
          firedHandles.push(want.handle);
        }
        expect(q.size).toBe(model.length);
      }
      while (q.peek() < Infinity) q.pop()(0, false);
      model.sort((a, b) => a.at - b.at || a.n - b.n);
      expect(fired.slice(fired.length - model.length)).toEqual(model.map((m) => m.n));
      expect(q.size).toBe(0);
      // Both kinds were exercised (out-of-order pushes land in the heap).
      if (ops.length > 2000) expect(heapHandles).toBeGreaterThan(0);
    }), { numRuns: 300 });
  });

  it('a handle of a fired heap timer cancels nothing, though its place now holds another timer', () => {
    const q = new TimerQueue();
    const got: string[] = [];
    q.push(10, () => got.push('late'));
    // Due before the last one queued: these go to the heap.
    const a = q.push(5, () => got.push('a'));
    expect(a).toBeLessThan(0);
    expect(q.peek()).toBe(5);
    q.pop()(0, false);
    const b = q.push(6, () => got.push('b'));
    expect(b).toBeLessThan(0);
    q.cancel(a);
    expect(q.size).toBe(2);
    q.cancel(b);
    q.cancel(b);
    expect(q.size).toBe(1);
    const c = q.push(7, () => got.push('c'));
    q.cancel(b);
    while (q.peek() < Infinity) q.pop()(0, false);
    expect(got).toEqual(['a', 'c', 'late']);
    expect(q.size).toBe(0);
    expect(c).not.toBe(b);
  });

  it('fires in time order, equal times in the order set', () => {
    const q = new TimerQueue();
    const got: string[] = [];
    for (const [t, n] of [[5, 'a'], [1, 'b'], [3, 'c'], [1, 'd'], [9, 'e'], [0, 'f']] as const) q.push(t, () => got.push(n));
    while (q.size) q.pop()(0, false);
    expect(got).toEqual(['f', 'b', 'd', 'c', 'a', 'e']);
  });
});

describe('address keys', () => {
  it('are stable, non-zero, and tell addresses and pairs apart', () => {
    const t = new AddressTable();
    const a = t.intern(ipv6Address('2001:db8:1::a1'), 0);
    const b = t.intern(ipv6Address('2001:db8:1::a2'), 0);
    expect(a).toBe(t.intern(ipv6Address('2001:db8:1::a1'), 0));
    expect(a).not.toBe(b);
    expect(Number.isSafeInteger(a)).toBe(true);
    expect(key2(a, b)).not.toBe(key2(b, a));
    expect(key3(a, b, 5)).not.toBe(key3(a, b, 6));
    const seen = new Set<number>();
    for (let i = 0; i < 20000; i++) { const x = new Uint8Array(16); x[0] = 0x20; x[14] = i >> 8; x[15] = i & 255; seen.add(t.intern(x, 0)); }
    expect(seen.size).toBe(20000);
  });
  it('pack two or three small ids exactly, so distinct pairs never share a key', () => {
    const keys = new Set<number>();
    for (let a = 1; a < 200; a++) for (let b = 1; b < 200; b++) keys.add(key2(a, b));
    expect(keys.size).toBe(199 * 199);
    expect(key2(3, 5)).not.toBe(key2(5, 3));
    expect(key2(2 ** 26 - 1, 2 ** 26 - 1)).toBe((2 ** 26 - 1) * 2 ** 26 + 2 ** 26 - 1);
    expect(key3(7, 9, 5)).not.toBe(key3(7, 9, 6));
    expect(key3(7, 9, 5)).not.toBe(key3(9, 7, 5));
    // Past the exact range the keys are hashed, still safe integers.
    expect(Number.isSafeInteger(key2(2 ** 32 + 1, 5))).toBe(true);
    expect(Number.isSafeInteger(key3(1, 2, 70000))).toBe(true);
  });
  it('compares sequence numbers modulo 2^16 (RFC 6275 9.5.1)', () => {
    expect(seqGreater(1, 0)).toBe(true);
    expect(seqGreater(0, 65535)).toBe(true);
    expect(seqGreater(5, 5)).toBe(false);
    expect(seqGreater(100, 40000)).toBe(true);
    expect(seqGreater(40000, 100)).toBe(false);
  });
});

describe('AddressTable', () => {
  const addr = (i: number): Uint8Array => ipv6Address(`2001:db8:${(i >> 16) & 0xffff}::${(i & 0xffff).toString(16)}`);

  it('gives every distinct address its own id, the same id again, and its text', () => {
    const t = new AddressTable(16);
    const ids: number[] = [];
    for (let i = 0; i < 5000; i++) ids.push(t.intern(addr(i), 0));
    expect(new Set(ids).size).toBe(5000);
    expect(Math.min(...ids)).toBe(1);
    for (let i = 0; i < 5000; i += 97) expect(t.intern(addr(i), 0)).toBe(ids[i]);
    expect(t.name(ids[42]!)).toBe('2001:db8:0::2a'.replace('0::', ':'));
    expect(t.name(0)).toBe('?');
    expect(t.size).toBe(5000);
    // Inside a bigger buffer at an offset.
    const buf = new Uint8Array(40);
    buf.set(addr(7), 24);
    expect(t.intern(buf, 24)).toBe(ids[7]);
  });

  it('frees ids unused since the cutoff (except those kept) and hands them out again', () => {
    const t = new AddressTable();
    t.now = 10;
    const old = t.intern(addr(1), 0);
    const kept = t.intern(addr(2), 0);
    t.now = 100;
    const fresh = t.intern(addr(3), 0);
    t.sweep(50, new Set([kept]));
    expect(t.size).toBe(2);
    expect(t.has(old)).toBe(false);
    expect(t.intern(addr(2), 0)).toBe(kept);
    expect(t.intern(addr(3), 0)).toBe(fresh);
    const again = t.intern(addr(4), 0);
    expect(again).toBe(old); // recycled
    expect(t.name(again)).toBe('2001:db8::4');
    expect(t.intern(addr(1), 0)).not.toBe(old); // the freed address is new now
  });

  it('keeps each address\'s last use through the table\'s growth, and frees by it', () => {
    const t = new AddressTable(16);
    t.now = 10;
    const early = t.intern(addr(1), 0);
    const reused = t.intern(addr(2), 0);
    t.now = 100;
    expect(t.intern(addr(2), 0)).toBe(reused); // used again: stamped 100
    // Enough newcomers to rebuild the slots several times over.
    for (let i = 3; i < 3000; i++) t.intern(addr(i), 0);
    t.sweep(50);
    expect(t.has(early)).toBe(false);
    expect(t.has(reused)).toBe(true);
    expect(t.size).toBe(2998);
    expect(t.intern(addr(2), 0)).toBe(reused);
    expect(t.intern(addr(2999), 0)).toBe(t.intern(addr(2999), 0));
  });
});

describe('rule selection', () => {
  it('--rules with ids and PREFIX*, --disable, unknown ids refused', () => {
    expect(selectRules(ALL_RULES, ['HAS-*']).map((r) => r.meta.id)).toEqual(ALL_RULES.filter((r) => r.meta.id.startsWith('HAS-')).map((r) => r.meta.id));
    expect(selectRules(ALL_RULES, ['mh-checksum']).map((r) => r.meta.id)).toEqual(['MH-CHECKSUM']);
    expect(selectRules(ALL_RULES, undefined, ['MH-CHECKSUM']).length).toBe(ALL_RULES.length - 1);
    expect(() => selectRules(ALL_RULES, ['NOPE'])).toThrow(RuleSelectionError);
  });
  it('the catalog has unique ids, a severity, a spec section and text for each rule', () => {
    const ids = ALL_RULES.map((r) => r.meta.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBeGreaterThanOrEqual(50);
    for (const r of ALL_RULES) {
      expect(r.meta.id).toMatch(/^[A-Z]+(-[A-Z0-9]+)+$/);
      expect(['error', 'warning', 'info']).toContain(r.meta.severity);
      expect(r.meta.spec).toMatch(/RFC|hareliability|haha|vhar/);
      expect(r.meta.summary.length).toBeGreaterThan(10);
      expect(r.meta.description.length).toBeGreaterThan(40);
      expect(r.meta.example.length).toBeGreaterThan(5);
    }
  });
});

describe('spec sections the HAHA and VHAR rules cite', () => {
  // The numbered sections of the two drafts as published (vhar-02 by its body, whose numbering differs from its table
  // of contents: 6.1 is the modified Router Advertisement, 6.2-6.8 the ICMPv6 messages 161-167).
  const outlines: Record<string, readonly string[]> = {
    'haha-spec-00': ['1', '2', '3', '3.1', '3.2', '4', '4.1', '4.1.1', '4.1.2', '4.1.3', '4.1.4', '4.1.5', '4.2', '4.2.1', '4.2.2', '4.2.3', '5', '5.1', '5.2', '5.3', '5.4', '6', '6.1'],
    'vhar-02': ['1', '2', '3', '4', '4.1', '4.2', '4.3', '4.4', '4.4.1', '4.4.2', '5', '5.1', '5.2', '6', '6.1', '6.2', '6.3', '6.4', '6.5', '6.6', '6.7', '6.8', '7', '8'],
  };
  /** "4.1.2-4.1.4, 5.2" -> every section number it names (ranges by their ends). */
  const sections = (text: string): string[] => text.split(/,\s*/).flatMap((s) => s.split('-')).map((s) => s.trim());
  for (const [draft, outline] of Object.entries(outlines)) {
    it(`every ${draft} section cited exists in the draft`, () => {
      const cited = ALL_RULES.flatMap((r) => r.meta.spec.split(';').map((p) => p.trim()).filter((p) => p.startsWith(`${draft} `)).map((p) => [r.meta.id, p.slice(draft.length + 1)] as const));
      expect(cited.length).toBeGreaterThan(3);
      for (const [id, text] of cited) for (const n of sections(text)) expect(outline, `${id} cites ${draft} ${n}`).toContain(n);
    });
  }
});

describe('tolerance and constants', () => {
  const lab = (): { t: number; data: Uint8Array }[] => {
    const l = new Lab();
    const reg = (seq: number) => bindingUpdate({ sequence: seq, flags: { A: true, H: true }, lifetimeUnits: 150 });
    // First registration retransmitted after 1.4 s: 0.1 s short of InitialBindackTimeoutFirstReg.
    return [{ t: 0, data: l.mnToHa(1, 1, reg(1)) }, { t: 1.4, data: l.mnToHa(1, 1, reg(2)) }, { t: 1.41, data: l.haToMn(1, 1, bindingAck({ status: 0, sequence: 2, lifetimeUnits: 150 })) }];
  };
  it('a shortfall within the tolerance is not reported; a tighter tolerance reports it', () => {
    expect(lint(lab(), { rules: ['BU-BACKOFF'] })).toEqual([]);
    expect(lint(lab(), { rules: ['BU-BACKOFF'], tolerance: { fraction: 0.01, floor: 0.01 } }).map((f) => f.frame)).toEqual([2]);
  });
  it('constants come from the profile and can be overridden', () => {
    expect(lint(lab(), { rules: ['BU-BACKOFF'], constants: { InitialBindackTimeoutFirstReg: 3 } }).map((f) => f.frame)).toEqual([2]);
  });
});

describe('state', () => {
  it('idle flows expire, so state stays flat over a long capture', () => {
    const engine = createEngine({ idleTimeout: 60 });
    const ctx = createDissector();
    const l = new Lab();
    let n = 0;
    let peak = 0;
    for (let i = 0; i < 400; i++) {
      const t = i * 10;
      for (const data of [l.mnToHa(i, 1, bindingUpdate({ sequence: 1, flags: { A: true, H: true }, lifetimeUnits: 150 })), l.haToMn(1, i, bindingAck({ status: 0, sequence: 1, lifetimeUnits: 150 }))]) {
        const f = frameOf({ t, data }, ++n);
        dissectFrame(ctx, f);
        engine.feed(ctx, f, 'long.pcapng');
      }
      peak = Math.max(peak, engine.flowCount());
    }
    engine.finish();
    expect(engine.packets).toBe(800);
    // 400 mobile nodes seen; at most the last 60 s worth of them (plus one sweep period) are remembered.
    expect(peak).toBeLessThan(60);
  });

  /**
   * 1,500 mobile nodes register once each, 10 s apart, never answered: two new addresses a packet
   * (home and care-of), 3,000 in all, into an engine that recycles past 200. `feed` hands it each frame.
   */
  function newcomers(engine: ReturnType<typeof createEngine>, feed: (f: ReturnType<typeof frameOf>) => void): void {
    const l = new Lab();
    let peak = 0;
    for (let i = 0; i < 1500; i++) {
      feed(frameOf({ t: i * 10, data: l.mnToHa(i, 1, bindingUpdate({ sequence: 1, flags: { A: true, H: true }, lifetimeUnits: 150 })) }, i + 1));
      peak = Math.max(peak, engine.addresses.size);
    }
    const findings = engine.finish();
    // Recycling keeps the table near its limit.
    expect(peak).toBeLessThan(400);
    expect(engine.addresses.nextId).toBeLessThan(600);
    // Every unanswered BU (the last one's answer was not due yet) is reported with its own home address, recycled ids or not.
    const unanswered = findings.filter((x) => x.rule === 'BU-UNANSWERED');
    expect(unanswered.length).toBe(1499);
    for (const [i, x] of unanswered.entries()) expect(x.flow).toBe(`${mnHome(i)} -> ${haAddress(1)}`);
  }

  it('addresses unused for long are recycled past the table\'s limit, so ever new addresses keep it bounded; names stay right', () => {
    const engine = createEngine({ idleTimeout: 60, maxAddresses: 200 });
    const ctx = createDissector();
    newcomers(engine, (f) => {
      dissectFrame(ctx, f);
      engine.feed(ctx, f, 'long.pcapng');
    });
  });

  it('the same holds when the facts come from a dissecting thread through the ring: the analyzing side interns and recycles', () => {
    const engine = createEngine({ idleTimeout: 60, maxAddresses: 200 });
    const sab = createRing(1 << 12);
    const writer = new RingWriter(sab);
    const encoder = new FactsEncoder(writer);
    const decoder = new FactsDecoder(new RingReader(sab), packetKinds(getDefaultProfile().mhTypes), engine.addresses, ['long.pcapng']);
    const extractor = new FactExtractor(resolveFields(), getDefaultProfile().mhTypes, encoder.addresses);
    const ctx = createDissector();
    newcomers(engine, (f) => {
      dissectFrame(ctx, f);
      encoder.send(extractor.extract(ctx, f, 'long.pcapng', 0));
      writer.publish();
      engine.feedFacts(decoder.next()!);
    });
  });

  it('timers run on packet time, advanceTo moves them with the clock, finish flushes the rest with atEnd', () => {
    const fired: [number, boolean][] = [];
    const probe: Rule = {
      meta: { id: 'TEST-TIMER', severity: 'info', spec: 'test', summary: 'timer probe', description: 'fires timers for the engine test', example: 'none' },
      create(context) {
        let armed = false;
        return {
          packet() {
            if (armed) return;
            armed = true;
            const at = context.now() + 5;
            context.setTimer(at, (now, atEnd) => fired.push([now, atEnd]));
            context.setTimer(at + 100, (now, atEnd) => fired.push([now, atEnd]));
          },
        };
      },
    };
    const engine = createEngine({ catalog: [probe] });
    const ctx = createDissector();
    const f = frameOf({ t: 0, data: new Lab().haToHa(1, 2, bindingUpdate({ sequence: 1, lifetimeUnits: 1 })) }, 1);
    dissectFrame(ctx, f);
    engine.feed(ctx, f, 'x');
    const t0 = f.tsSec;
    engine.advanceTo(t0 + 4);
    expect(fired).toEqual([]);
    engine.advanceTo(t0 + 6);
    expect(fired).toEqual([[t0 + 6, false]]);
    engine.finish();
    expect(fired[1]).toEqual([t0 + 6, true]);
  });
});

describe('an engine that takes facts only (lint\'s analyzing thread)', () => {
  it('reports as the full engine does, BA status names included, and refuses dissected packets with a clear message', () => {
    const lab = new Lab();
    const frames = [lab.mnToHa(1, 1, reg(1)), lab.haToMn(1, 1, ack(1, 0, 129))].map((data, i) => frameOf({ t: i * 0.01, data }, i + 1));
    const ctx = createDissector();
    const facts = createFactsEngine();
    const full = createEngine();
    const ex = new FactExtractor(resolveFields(), getDefaultProfile().mhTypes, facts.addresses);
    for (const f of frames) {
      dissectFrame(ctx, f);
      full.feed(ctx, f, 'x');
      facts.feedFacts(ex.extract(ctx, f, 'x', 0));
    }
    const got = facts.finish();
    expect(got).toEqual(full.finish());
    expect(got.find((f) => f.rule === 'BA-STATUS')?.message).toContain('status 129 (Administratively prohibited)');
    expect(() => createFactsEngine().feed(ctx, frames[0]!, 'x')).toThrow(/takes facts \(feedFacts\), not dissected packets/);
  });
});
