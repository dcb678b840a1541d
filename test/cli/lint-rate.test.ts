/**
 * MH-RATE in a lint on two threads (the reading thread ships the facts, the
 * analyzing thread counts) reports what it reports on one thread: bursts of BUs
 * from home addresses and of Hellos between HAs, a replayed BU that a receiver
 * drops (not counted), a slower rate set with --const, a wider --tolerance, and
 * the rule switched off or selected alone.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PcapngWriter } from '../../src/capture/pcapng-writer.js';
import { lintMain, type LintOptions } from '../../src/cli/lint.js';
import { bindingUpdate, homeAgentHello } from '../../src/craft/index.js';
import { Lab } from '../../src/samples/lab.js';

const tmp = mkdtempSync(join(tmpdir(), 'mip6scope-rate-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const T0 = 1_768_467_600;

/** The capture: returns its path. */
function capture(): string {
  const lab = new Lab();
  const packets: { t: number; data: Uint8Array }[] = [];
  const bu = (k: number) => bindingUpdate({ sequence: 10 + k, flags: { H: true }, lifetimeUnits: 150 });
  // MN 1: four BUs within 0.3 s (too fast), and again two seconds later.
  for (const [k, t] of [0, 0.1, 0.2, 0.3, 2, 2.1, 2.2, 2.3].entries()) packets.push({ t, data: lab.mnToHa(1, 1, bu(k)) });
  // MN 2: three BUs and a replay of the second between the second and the third: a receiver drops the replay, so three is not too many.
  for (const [k, t] of [0.05, 0.15, 0.25].entries()) packets.push({ t, data: lab.mnToHa(2, 1, bu(k)) });
  // MN 3: at the allowed pace, a third of a second apart.
  for (const [k, t] of [0, 0.34, 0.67, 1.0, 1.34].entries()) packets.push({ t: 3 + t, data: lab.mnToHa(3, 2, bu(k)) });
  // Hellos from HA1 to HA2, five within a second.
  for (const [k, t] of [4, 4.2, 4.4, 4.6, 4.8].entries()) {
    packets.push({ t, data: lab.haToHa(1, 2, homeAgentHello({ sequence: k, preference: 10, lifetime: 3, helloInterval: 1, groupId: 7, active: true })) });
  }
  const ordered = lab.inTimeOrder(packets);
  // The replay: MN 2's second BU again, with its sequence number, before its third.
  const second = ordered.findIndex((p) => p.t === 0.15);
  ordered.splice(second + 1, 0, { t: 0.2, data: ordered[second]!.data });
  const path = join(tmp, `rate-${Math.random().toString(36).slice(2)}.pcapng`);
  const w = new PcapngWriter(path);
  const ifId = w.addInterface({ linktype: 1 });
  for (const p of ordered) {
    const ns = Math.round(p.t * 1e9);
    w.writePacket(ifId, T0 + Math.floor(ns / 1e9), ns % 1e9, p.data);
  }
  w.close();
  return path;
}

async function lint(file: string, opts: LintOptions): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await lintMain([file], { format: 'json', failOn: 'never', ...opts }, { out: (s) => { out += s; }, err: () => {} });
  return { code, out };
}

describe('MH-RATE on two threads', () => {
  const file = capture();

  it('reports the same findings as on one thread', async () => {
    const one = await lint(file, { jobs: 1 });
    const two = await lint(file, { jobs: 2 });
    expect(two.out).toBe(one.out);
    const rate = (JSON.parse(two.out) as { findings: { rule: string; frame: number; flow: string }[] }).findings.filter((f) => f.rule === 'MH-RATE');
    // MN 1's two bursts (at its 4th BU each time) and the Hellos; not MN 2 (a replay is not counted), not MN 3.
    expect(rate.map((f) => f.flow)).toEqual([
      expect.stringMatching(/^2001:db8:1::1001 -> /), expect.stringMatching(/^2001:db8:1::1001 -> /), expect.stringMatching(/ -> /),
    ]);
    expect(rate).toHaveLength(3);
  });

  it('with a slower rate (--const), a wider tolerance, and MH-RATE switched off: the same on both', async () => {
    const variants: LintOptions[] = [
      { const: ['MAX_UPDATE_RATE=2'] },
      { tolerance: '0.5' },
      { disable: ['MH-RATE'] },
      { rules: ['MH-RATE', 'ESP-SEQUENCE'] },
    ];
    const counts: number[] = [];
    for (const v of variants) {
      const one = await lint(file, { ...v, jobs: 1 });
      const two = await lint(file, { ...v, jobs: 2 });
      expect(two.out, JSON.stringify(v)).toBe(one.out);
      expect(two.code, JSON.stringify(v)).toBe(0);
      counts.push((JSON.parse(two.out) as { findings: { rule: string }[] }).findings.filter((f) => f.rule === 'MH-RATE').length);
    }
    // Not vacuous: the rate and the tolerance change what fires, and switched off nothing does.
    expect(counts).toEqual([5, 2, 0, 3]);
  });
});
