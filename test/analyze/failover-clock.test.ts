/**
 * Failover rules decide on the clock, as live capture needs: each verdict comes the
 * moment it is known, while packets keep arriving, and a concluded failover is forgotten.
 */
import { describe, expect, it } from 'vitest';
import { createEngine, type Engine, type EngineOptions } from '../../src/analyze/engine.js';
import type { Finding } from '../../src/analyze/types.js';
import { createDissector, dissectFrame } from '../../src/dissect/index.js';
import { Lab, mnHome } from '../../src/samples/lab.js';
import { frameOf, show, type Packet } from './helpers.js';
import { ack, hasTo, hello, hellos, reg, registered } from './lab-packets.js';

/** An engine fed packet by packet; `heard` holds the findings reported so far, as live output prints them. */
function stream(opts: EngineOptions = {}) {
  const heard: Finding[] = [];
  const engine = createEngine({ ...opts, retainFindings: false, onFinding: (f) => heard.push(f) });
  const ctx = createDissector();
  let n = 0;
  return {
    engine,
    heard,
    /** Feed every packet up to time `until` (packets sorted by time). */
    feedUntil(packets: Packet[], until: number): void {
      while (n < packets.length && packets[n]!.t <= until) {
        const f = frameOf(packets[n]!, n + 1);
        dissectFrame(ctx, f);
        engine.feed(ctx, f, 'clock.pcapng', 0);
        n++;
      }
    },
  };
}

const rules = (fs: readonly Finding[], rule: string): Finding[] => fs.filter((f) => f.rule === rule);

/** Failovers the shared set still follows (read through the engine's shared state, for the memory bound). */
function followed(engine: Engine): number {
  const shared = (engine as unknown as { sharedState: Map<string, { failovers?: unknown[] }> }).sharedState;
  return shared.get('ha-set')?.failovers?.length ?? 0;
}

/** Two MNs at HA1; HA1 (active) stops after 3 s; HA2 takes over at 7 s and switches both; they re-register at 7.6 and 8.6 s. */
function hardSwitch(lab: Lab, o: { reregister?: boolean; until?: number } = {}): Packet[] {
  const until = o.until ?? 40;
  const p: Packet[] = [
    ...registered(lab, 0.2, 1, 1, 1), ...registered(lab, 0.3, 2, 1, 1),
    ...hellos(lab, 1, 2, 0, 3, { active: () => true, pref: 30 }),
    ...hellos(lab, 2, 1, 0, until, { active: (t) => t >= 7, pref: 20 }),
    { t: 7.5, data: lab.haToMn(2, 1, hasTo([2])) }, { t: 8.5, data: lab.haToMn(2, 2, hasTo([2])) },
  ];
  if (o.reregister !== false) p.push(...registered(lab, 7.6, 1, 2, 2), ...registered(lab, 8.6, 2, 2, 2));
  return lab.inTimeOrder(p);
}

describe('HAR-FAILOVER on the clock', () => {
  it('reports the measurement when the last MN has re-registered, not at the end of the capture', () => {
    const lab = new Lab();
    const packets = hardSwitch(lab);
    const s = stream();
    s.feedUntil(packets, 8.6);
    expect(rules(s.heard, 'HAR-FAILOVER')).toEqual([]);
    s.feedUntil(packets, 8.62); // the BA of the second MN's registration with HA2
    const fo = rules(s.heard, 'HAR-FAILOVER');
    expect(fo, show(s.heard)).toHaveLength(1);
    expect(fo[0]!.message).toMatch(/2\/2 mobile nodes sent a Home Agent Switch; all 2 re-registered/);
    s.feedUntil(packets, Infinity);
    s.engine.finish();
    expect(rules(s.heard, 'HAR-FAILOVER')).toHaveLength(1); // not again at the end
  });

  it('reports a failover still incomplete after the idle timeout then, and forgets it', () => {
    const lab = new Lab();
    const packets = hardSwitch(lab, { reregister: false, until: 60 });
    const s = stream({ idleTimeout: 30 });
    s.feedUntil(packets, 36);
    expect(rules(s.heard, 'HAR-FAILOVER')).toEqual([]);
    expect(followed(s.engine)).toBe(1);
    // Followed for 30 s after the takeover at 7 s: concluded by the first packet after 37 s.
    s.feedUntil(packets, 38.5);
    expect(rules(s.heard, 'HAR-FAILOVER').map((f) => f.message)).toEqual([expect.stringMatching(/2\/2 mobile nodes sent a Home Agent Switch; 0\/2 re-registered$/)]);
    expect(followed(s.engine)).toBe(0);
  });

  it('says nobody took over MAX_HARELIABILITY_TIMEOUT after the failure, while the standby keeps sending Hellos', () => {
    const lab = new Lab();
    const packets = lab.inTimeOrder([
      ...hellos(lab, 1, 2, 0, 3, { active: () => true, pref: 30 }),
      ...hellos(lab, 2, 1, 0, 60, { pref: 20 }),
    ]);
    const s = stream();
    // HA1's last Hello at 3 s with a 3 s lifetime: failed at 6 s; no takeover by 22 s.
    s.feedUntil(packets, 21.5);
    expect(rules(s.heard, 'HAR-FAILOVER')).toEqual([]);
    s.feedUntil(packets, 22.5);
    const err = rules(s.heard, 'HAR-FAILOVER');
    expect(err.map((f) => [f.severity, f.message])).toEqual([['error', expect.stringMatching(/stopped sending Hellos and no standby took over within 16(\.0+)? ?s/)]]);
    expect(err[0]!.frame).toBe(packets.findIndex((p) => p.t > 3 && p.t < 3.01) + 1); // HA1's last Hello
    s.feedUntil(packets, Infinity);
    s.engine.finish();
    expect(rules(s.heard, 'HAR-FAILOVER')).toHaveLength(1);
  });

  it('keeps only the failovers in progress over many failures', () => {
    // Forty failures 100 s apart: in each, one pair of HAs runs, the active one stops after 3 s and
    // the standby takes over at 7 s, then stops too at 20 s with nobody left to take over.
    const lab = new Lab();
    const packets: Packet[] = [];
    for (let k = 0; k < 40; k++) {
      const t0 = k * 100;
      const a = 1 + (k % 4) * 2;
      packets.push(...hellos(lab, a, a + 1, t0, t0 + 3, { active: () => true, pref: 30 }));
      packets.push(...hellos(lab, a + 1, a, t0, t0 + 20, { active: (t) => t >= t0 + 7, pref: 20 }));
    }
    const s = stream({ idleTimeout: 60 });
    let most = 0;
    const sorted = lab.inTimeOrder(packets);
    for (let t = 0; t <= 4000; t += 10) { s.feedUntil(sorted, t); most = Math.max(most, followed(s.engine)); }
    s.engine.finish();
    expect(rules(s.heard, 'HAR-FAILOVER').filter((f) => f.severity === 'info')).toHaveLength(40);
    expect(most).toBeLessThanOrEqual(3);
    expect(followed(s.engine)).toBe(0);
  });
  it('keeps the addresses of a failover it follows for longer than addresses are kept unused: a newcomer given a recycled id is not taken for one of its MNs', () => {
    // MN 2's binding at HA1 runs out at 20 s and it never re-registers; the failover is followed for
    // 2 MNs / 0.004 per s = 500 s. From 200 s, 40 new MNs register with HA2 while the address table
    // (limit 8) recycles what went unused for 2 x 30 + 60 s. None of them is MN 2.
    const lab = new Lab();
    const packets: Packet[] = [
      ...registered(lab, 0.2, 1, 1, 1),
      { t: 0.3, data: lab.mnToHa(2, 1, reg(1, 5)) }, { t: 0.31, data: lab.haToMn(1, 2, ack(1, 5)) },
      ...hellos(lab, 1, 2, 0, 3, { active: () => true, pref: 30 }),
      ...hellos(lab, 2, 1, 0, 300, { active: (t) => t >= 7, pref: 20 }),
      { t: 7.5, data: lab.haToMn(2, 1, hasTo([2])) }, { t: 8.5, data: lab.haToMn(2, 2, hasTo([2])) },
      ...registered(lab, 7.6, 1, 2, 2),
      // One more address (HA3, once), so that freed ids, handed out last freed first, put MN 2's home id on a newcomer's home address.
      { t: 0.5, data: lab.haToHa(3, 2, hello(1, { pref: 10 })) },
    ];
    for (let k = 0; k < 40; k++) packets.push(...registered(lab, 200 + k * 2, 10 + k, 2, 1));
    const sorted = lab.inTimeOrder(packets);
    const s = stream({ idleTimeout: 30, maxAddresses: 8, rules: ['HAR-FAILOVER'], constants: { MAX_HA_SWITCH_TRANSMIT_RATE: 0.004 } });
    s.feedUntil(sorted, 100);
    const table = s.engine.addresses;
    const idOf = (name: string): number => { for (let id = 1; id < table.nextId; id++) if (table.name(id) === name) return id; return 0; };
    const mn2 = idOf(mnHome(2));
    expect(mn2).toBeGreaterThan(0);
    s.feedUntil(sorted, Infinity);
    s.engine.finish();
    // The table did recycle (the newcomers were handed freed ids), but not MN 2's.
    expect(table.nextId).toBeLessThan(2 * 40 + 9);
    expect(table.name(mn2)).toBe(mnHome(2));
    expect(rules(s.heard, 'HAR-FAILOVER').map((f) => f.message)).toEqual([expect.stringMatching(/2\/2 mobile nodes sent a Home Agent Switch; 1\/2 re-registered$/)]);
  });
});

describe('HAR-SWITCH-COVERAGE on the clock', () => {
  it('names the MN left without a switch once the new HA had the time to switch everyone', () => {
    const lab = new Lab();
    const packets = lab.inTimeOrder([
      ...registered(lab, 0.2, 1, 1, 1), ...registered(lab, 0.3, 2, 1, 1),
      ...hellos(lab, 1, 2, 0, 3, { active: () => true, pref: 30 }),
      ...hellos(lab, 2, 1, 0, 30, { active: (t) => t >= 7, pref: 20 }),
      { t: 7.5, data: lab.haToMn(2, 1, hasTo([2])) }, ...registered(lab, 7.6, 1, 2, 2),
    ]);
    const s = stream();
    // Takeover at 7 s; two MNs at one per second plus INITIAL_HA_SWITCH_TIMEOUT: judged at 14 s.
    s.feedUntil(packets, 13.5);
    expect(rules(s.heard, 'HAR-SWITCH-COVERAGE')).toEqual([]);
    s.feedUntil(packets, 14.5);
    const miss = rules(s.heard, 'HAR-SWITCH-COVERAGE');
    expect(miss.map((f) => f.message)).toEqual([expect.stringMatching(/2001:db8:1::1002 was registered at 2001:db8:1::a1 but got no Home Agent Switch/)]);
  });
});
