/**
 * ESP-OPAQUE on the clock: an SA that could not be opened is reported when it has
 * been quiet for the idle timeout (a live capture hears of it without stopping),
 * and however many SAs a capture holds, every one is reported, with bounded memory.
 */
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/analyze/engine.js';
import type { Finding } from '../../src/analyze/types.js';
import { createDissector, dissectFrame } from '../../src/dissect/index.js';
import { espFields } from '../../src/dissect/esp.js';
import { Lab } from '../../src/samples/lab.js';
import { frameOf, type Packet } from './helpers.js';
import { hellos, reg } from './lab-packets.js';

/** A BU under ESP that the NULL heuristic cannot open (its trailer spoilt), on SPI `spi`. */
function opaque(lab: Lab, spi: number): Uint8Array {
  const d = lab.mnToHa(1, 1, reg(1)).slice();
  d[d.length - 13] = 0xff;
  d[d.length - 14] = 0x77;
  const ctx = createDissector();
  dissectFrame(ctx, frameOf({ t: 0, data: d }, 1));
  const at = ctx.tree.start[ctx.tree.first(espFields.spi)]!;
  new DataView(d.buffer, d.byteOffset).setUint32(at, spi);
  return d;
}

function run(packets: Packet[], idleTimeout: number) {
  const heard: { f: Finding; before: number }[] = [];
  let fed = 0;
  const engine = createEngine({ idleTimeout, rules: ['ESP-OPAQUE'], retainFindings: false, onFinding: (f) => heard.push({ f, before: fed }) });
  const ctx = createDissector();
  let most = 0;
  [...packets].sort((a, b) => a.t - b.t).forEach((p, i) => {
    const fr = frameOf(p, i + 1);
    dissectFrame(ctx, fr);
    engine.feed(ctx, fr, 'live', 0);
    fed = i + 1;
    most = Math.max(most, engine.flowCount());
  });
  const total = fed;
  engine.finish();
  return { heard, total, most };
}

describe('ESP-OPAQUE', () => {
  it('reports an SA once it has been quiet for the idle timeout, before the capture ends; one that resumes is reported again', () => {
    const lab = new Lab();
    const packets: Packet[] = [
      ...[0, 1, 2].map((t) => ({ t, data: opaque(lab, 0x5000) })),
      // Other traffic goes on (the clock moves with it).
      ...hellos(lab, 1, 2, 0, 200),
      { t: 150, data: opaque(lab, 0x5000) },
    ];
    const r = run(packets, 30);
    const opaqueFindings = r.heard.filter((h) => h.f.rule === 'ESP-OPAQUE');
    expect(opaqueFindings.map((h) => h.f.message)).toEqual([
      expect.stringMatching(/^3 ESP packets on SPI 0x00005000 could not be opened/),
      expect.stringMatching(/^1 ESP packet on SPI 0x00005000 could not be opened/),
    ]);
    // Both while packets were still arriving: quiet at 2 s and at 150 s, idle 30 s, swept every 15 s; the capture runs to 200 s.
    expect(opaqueFindings[0]!.before).toBeLessThan(r.total / 3);
    expect(opaqueFindings[1]!.before).toBeLessThan(r.total);
  });

  it('every SA of thousands is reported (none dropped past a limit), while only the recent ones are kept', () => {
    const lab = new Lab();
    const packets: Packet[] = Array.from({ length: 6000 }, (_, i) => ({ t: i * 0.05, data: opaque(lab, 0x10000 + i) }));
    const r = run(packets, 30);
    const spis = new Set(r.heard.map((h) => /SPI (0x[0-9a-f]+)/.exec(h.f.message)![1]));
    expect(spis.size).toBe(6000);
    // 30 s of idle time at 20 new SAs a second, swept every 15 s: about 900 SAs at most in this rule's table and as
    // many anti-replay windows in the engine's, not 6000 of each.
    expect(r.most).toBeLessThan(2000);
  });
});
