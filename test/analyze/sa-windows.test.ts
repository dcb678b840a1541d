/**
 * The SAs' anti-replay windows (analyze/sa-windows.ts): kept by the engine on
 * one thread, or by a lint's reading thread from the recorded addresses' bytes;
 * both give every packet the same verdict, and forget an SA after the idle time
 * on the engine's sweep schedule.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/analyze/engine.js';
import { Facts } from '../../src/analyze/facts.js';
import { SaWindows } from '../../src/analyze/sa-windows.js';
import { AddressRecorder } from '../../src/analyze/wire.js';

const address = (i: number): Uint8Array => Uint8Array.of(0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, i);

interface Packet { dt: number; esp: boolean; spi: number; src: number; dst: number; seq: number }

/**
 * Each ESP packet's verdict and highest sequence number before it, as `judge` gives them, the packet's
 * addresses numbered by `number`.
 */
function verdicts(packets: readonly Packet[], number: (b: Uint8Array) => number, judge: (f: Facts) => void): string[] {
  const out: string[] = [];
  let t = 1768467600;
  packets.forEach((p, i) => {
    t += p.dt;
    const f = new Facts();
    f.time = t;
    f.frame = i + 1;
    f.file = 'x';
    f.src = number(address(p.src));
    f.dst = number(address(p.dst));
    if (p.esp) { f.espItem = 0; f.spi = p.spi; f.espSeq = p.seq; }
    judge(f);
    if (p.esp) out.push(`${f.espVerdict} ${f.espHighestBefore}`);
  });
  return out;
}

/** The verdicts the engine gives, judging every packet itself (facts without a verdict). */
function engineVerdicts(packets: readonly Packet[]): string[] {
  const engine = createEngine({ rules: ['ESP-SEQUENCE'] });
  return verdicts(packets, (b) => engine.addresses.intern(b, 0), (f) => engine.feedFacts(f));
}

/** The verdicts a reading thread gives: addresses numbered per packet as the recorder numbers them. */
function readingVerdicts(packets: readonly Packet[]): string[] {
  const windows = new SaWindows();
  const rec = new AddressRecorder();
  return verdicts(packets, (b) => rec.intern(b, 0), (f) => { windows.judgeRecorded(f, rec.words); rec.count = 0; });
}

describe('the SAs\' anti-replay windows', () => {
  it('give the same verdicts kept by the engine (address ids) and by a reading thread (address bytes)', () => {
    // Gaps around the idle time (600 s) and the sweep period (half of it), so SAs are forgotten at sweeps.
    const packet = fc.record({
      dt: fc.constantFrom(0, 0.001, 0.5, 1, 299, 301, 599, 601, 650, 1000),
      esp: fc.boolean(), spi: fc.constantFrom(0x100, 0x101), src: fc.integer({ min: 1, max: 3 }), dst: fc.integer({ min: 1, max: 3 }),
      seq: fc.integer({ min: 0, max: 140 }),
    });
    fc.assert(fc.property(fc.array(packet, { maxLength: 80 }), (packets) => {
      expect(readingVerdicts(packets)).toEqual(engineVerdicts(packets));
    }), { numRuns: 400 });
  });

  it('judge by SPI and both addresses, and forget an SA idle past the idle time', () => {
    const p = (dt: number, seq: number, spi = 0x100, src = 1, dst = 2): Packet => ({ dt, esp: true, spi, src, dst, seq });
    const packets = [
      p(0, 5), p(1, 5), // replay
      p(1, 5, 0x101), p(1, 5, 0x100, 3), p(1, 5, 0x100, 1, 3), // other SAs: new
      p(200, 5), // remembered after 200 s: replay
      p(1000, 5), // forgotten after 1000 s: new again
      p(1, 100), // a gap
      p(1, 20), // left of the window
    ];
    const want = ['new 0', 'replay 5', 'new 0', 'new 0', 'new 0', 'replay 5', 'new 0', 'gap 5', 'outside 100'];
    expect(engineVerdicts(packets)).toEqual(want);
    expect(readingVerdicts(packets)).toEqual(want);
  });
});
