/**
 * The shipped samples: every conformant capture yields no error or warning;
 * each bad-* capture fires its rule on the frame its scenario marks BROKEN.
 */
import { describe, expect, it } from 'vitest';
import { SCENARIOS } from '../../src/samples/scenarios.js';
import { openCapture } from '../../src/capture/open.js';
import { createEngine } from '../../src/analyze/engine.js';
import type { Finding } from '../../src/analyze/types.js';
import { createDissector, dissectFrame } from '../../src/dissect/index.js';
import { samplePath, sampleSas, saTableOf } from '../samples/lab-sa.js';
import { byRule, lintSample, serious, show } from './helpers.js';

/** lintSample with the lab keys of every SA in the capture loaded, as --esp-sa would. */
function lintWithKeys(name: string): Finding[] {
  const engine = createEngine();
  const ctx = createDissector();
  ctx.saTable = saTableOf(sampleSas(samplePath(name)));
  const r = openCapture(samplePath(name));
  for (let f = r.next(); f; f = r.next()) {
    dissectFrame(ctx, f);
    engine.feed(ctx, f, name, 0);
  }
  r.close();
  return engine.finish();
}

const scenarios = SCENARIOS.map((make) => make());

/** Frame numbers (1-based, in time order as the generator writes them) of the packets whose comment says BROKEN. */
function brokenFrames(name: string): number[] {
  const s = scenarios.find((x) => x.name === name)!;
  const sorted = s.packets.map((p, i) => ({ ...p, i })).sort((a, b) => a.t - b.t || a.i - b.i);
  return sorted.flatMap((p, k) => (p.comment?.startsWith('BROKEN') ? [k + 1] : []));
}

describe('conformant samples', () => {
  for (const s of scenarios.filter((x) => !x.name.startsWith('bad-'))) {
    it(`${s.name} yields no error or warning`, () => {
      const f = lintSample(`${s.name}.pcapng`);
      expect(serious(f), show(serious(f))).toEqual([]);
    });
  }

  it('hard-switch-failover measures the failover: HA1 fails, HA2 takes over, all 50 MNs switched and re-registered', () => {
    const f = byRule(lintSample('hard-switch-failover.pcapng'), 'HAR-FAILOVER');
    expect(f).toHaveLength(1);
    expect(f[0]!.severity).toBe('info');
    expect(f[0]!.message).toMatch(/2001:db8:1::a1 last Hello/);
    expect(f[0]!.message).toMatch(/2001:db8:1::a2 active [\d.]+ s later/);
    expect(f[0]!.message).toMatch(/50\/50 mobile nodes sent a Home Agent Switch; all 50 re-registered/);
  });

  it('virtual-switch-failover measures the failover: HA2\'s Hellos take the A flag after HA1 falls silent', () => {
    const f = byRule(lintSample('virtual-switch-failover.pcapng'), 'HAR-FAILOVER');
    expect(f.map((x) => [x.severity, x.flow])).toEqual([['info', '2001:db8:1::a1 -> 2001:db8:1::a2']]);
    expect(f[0]!.message).toMatch(/2001:db8:1::a2 active [\d.]+ s later/);
  });

  it('vhar-failover measures the VHAR failover', () => {
    const f = byRule(lintSample('vhar-failover.pcapng'), 'VHAR-FAILOVER');
    expect(f.map((x) => x.message)).toEqual([expect.stringMatching(/fe80::a2 became the Active home agent [\d.]+ s after fe80::a1/)]);
  });

  it('esp-encrypted without keys reports the SAs it could not open (info)', () => {
    const f = byRule(lintSample('esp-encrypted.pcapng'), 'ESP-OPAQUE');
    expect(f.map((x) => x.frame).sort()).toEqual([1, 2]);
    expect(f[0]!.message).toMatch(/SPI 0x00c0ffe[ef]/);
  });
});

describe('broken samples fire their rule on the BROKEN frame', () => {
  const cases: [string, string, (frames: number[]) => number[]][] = [
    ['bad-no-backoff', 'HAS-BACKOFF', (b) => b],
    ['bad-switch-rate', 'HAS-RATE', () => [26]],
    ['bad-bu-sequence', 'BU-SEQUENCE', (b) => b],
    ['bad-split-brain', 'HAR-SPLIT-BRAIN', () => [10]],
    ['bad-unprotected', 'MH-UNPROTECTED', (b) => b],
    ['bad-checksum', 'MH-CHECKSUM', (b) => b],
    ['bad-hello-sequence', 'HAR-HELLO-SEQUENCE', (b) => b],
  ];
  for (const [name, rule, want] of cases) {
    it(`${name}: ${rule}`, () => {
      const f = lintSample(`${name}.pcapng`);
      const frames = byRule(f, rule).filter((x) => x.severity !== 'info').map((x) => x.frame);
      expect(frames, show(f)).toEqual(want(brokenFrames(name)));
    });
  }

  it('bad-switch-rate: the second switch within one second is the one reported', () => {
    const s = scenarios.find((x) => x.name === 'bad-switch-rate')!;
    const sorted = [...s.packets].sort((a, b) => a.t - b.t);
    // Frame 26 is the second Home Agent Switch (t = 10.1 s).
    expect(sorted[25]!.t).toBeCloseTo(10.1, 6);
  });

  it('bad-split-brain: reported on HA2\'s first Hello with A (t = 4 s)', () => {
    const f = byRule(lintSample('bad-split-brain.pcapng'), 'HAR-SPLIT-BRAIN');
    expect(f).toHaveLength(1);
    expect(f[0]!.flow).toBe('2001:db8:1::a2 -> 2001:db8:1::a1');
  });

  it('bad-unanswered: BU-UNANSWERED on the first BU and HAR-SYNC-UNANSWERED on the first request', () => {
    const f = lintSample('bad-unanswered.pcapng');
    const b = brokenFrames('bad-unanswered');
    expect(byRule(f, 'BU-UNANSWERED').map((x) => x.frame)).toEqual([b[0]]);
    expect(byRule(f, 'HAR-SYNC-UNANSWERED').map((x) => x.frame)).toEqual([b[1]]);
  });

  it('bad-esp: the replayed ESP sequence number', () => {
    const f = lintSample('bad-esp.pcapng');
    expect(byRule(f, 'ESP-SEQUENCE').filter((x) => x.severity === 'error').map((x) => x.frame)).toEqual([brokenFrames('bad-esp')[0]]);
  });

  it('bad-esp: with the keys it ships, the tampered packet fails its ICV, and nothing is left unopened', () => {
    const f = lintWithKeys('bad-esp.pcapng');
    expect(byRule(f, 'ESP-ICV').map((x) => x.frame)).toEqual([brokenFrames('bad-esp')[1]]);
    expect(byRule(f, 'ESP-OPAQUE')).toEqual([]);
  });

  it('bad-options: the misaligned option and the short Header Len', () => {
    const f = lintSample('bad-options.pcapng');
    const b = brokenFrames('bad-options');
    expect(byRule(f, 'MH-OPTION').map((x) => x.frame)).toContain(b[0]);
    expect(byRule(f, 'MH-LENGTH').map((x) => x.frame)).toContain(b[2]);
  });

  it('bad-haha: every HAHA rule it breaks, on its BROKEN frame, and nothing else', () => {
    const f = lintSample('bad-haha.pcapng');
    const [unacknowledged, zeroToHa1, zeroToHa2, staleHello, notCopied, namesNoBinding] = brokenFrames('bad-haha');
    const frames = (rule: string): number[] => byRule(f, rule).map((x) => x.frame);
    expect(frames('HAHA-ACK'), show(f)).toEqual([unacknowledged]);
    expect(frames('HAHA-IDENTIFIER'), show(f)).toEqual([zeroToHa1, zeroToHa2, notCopied]);
    expect(frames('HAHA-OPTIONS'), show(f)).toEqual([namesNoBinding]);
    expect(frames('HAHA-HELLO-SEQUENCE'), show(f)).toEqual([staleHello]);
    expect(f.length, show(f)).toBe(6);
    expect(byRule(f, 'HAHA-ACK')[0]!.message).toBe(`Binding Information Update ${0x3a22} was not acknowledged`);
  });

  it('bad-vhar: every VHAR rule it breaks, on its BROKEN frame (two Active HAs: once, on the first RA that shows the conflict), and nothing else', () => {
    const f = lintSample('bad-vhar.pcapng');
    const [fewBackups, seqNoOnce, releaseUnanswered, globalRequest, globalReply, bothFlags, secondActive] = brokenFrames('bad-vhar');
    const frames = (rule: string): number[] => byRule(f, rule).map((x) => x.frame);
    expect(frames('VHAR-BACKUPS'), show(f)).toEqual([fewBackups]);
    expect(byRule(f, 'VHAR-BACKUPS')[0]!.severity).toBe('warning');
    expect(frames('VHAR-SEQNO-SYNC'), show(f)).toEqual([seqNoOnce]);
    expect(frames('VHAR-UNANSWERED'), show(f)).toEqual([releaseUnanswered]);
    expect(frames('VHAR-LINK-LOCAL'), show(f)).toEqual([globalRequest, globalReply]);
    expect(frames('VHAR-FLAGS'), show(f)).toEqual([bothFlags]);
    // HA1's RA just before HA2's second RA with A: the conflict is known there; HA2's and HA1's next RAs with A are the same conflict.
    expect(byRule(f, 'VHAR-ACTIVE').map((x) => [x.frame, x.flow, x.message]), show(f)).toEqual([[secondActive! - 1, 'fe80::a1', 'fe80::a1 advertises itself as Active while fe80::a2 still does']]);
    expect(f.length, show(f)).toBe(7);
    expect(byRule(f, 'VHAR-FAILOVER'), 'HA2 claimed A while HA1 still advertised it: a conflict, not a failover').toEqual([]);
  });

  it('a disabled rule stays quiet', () => {
    expect(byRule(lintSample('bad-no-backoff.pcapng', { disable: ['HAS-BACKOFF'] }), 'HAS-BACKOFF')).toEqual([]);
    expect(lintSample('bad-no-backoff.pcapng', { rules: ['MH-*'] })).toEqual([]);
  });
});
