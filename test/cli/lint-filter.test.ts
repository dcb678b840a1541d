/** `mip6scope lint` with -Y, colour and the progress line, through lintMain. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openCapture } from '../../src/capture/open.js';
import { lintMain, type LintOptions } from '../../src/cli/lint.js';
import type { Terminal } from '../../src/cli/options.js';
import { SAMPLES } from '../filter/helpers.js';

const sample = (n: string): string => resolve(SAMPLES, n);
const tmp = mkdtempSync(join(tmpdir(), 'mip6scope-lint-filter-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const ESC = '\x1b[';

async function run(files: string[], opts: Partial<LintOptions> = {}, terminal: Terminal = { stdoutIsTTY: false, env: {} }) {
  let out = '';
  let err = '';
  const code = await lintMain(files, { failOn: 'error', format: 'text', ...opts } as LintOptions, {
    out: (s) => { out += s; }, err: (s) => { err += `${s}\n`; }, terminal,
  });
  return { code, out, err };
}

type JsonFinding = { rule: string; frame: number; file: string };
const findingsOf = (out: string): JsonFinding[] => (JSON.parse(out) as { findings: JsonFinding[] }).findings;

describe('lint -Y', () => {
  // bad-no-backoff: HAS-BACKOFF errors on the retransmitted Home Agent Switch messages (MH type 12).
  const file = sample('bad-no-backoff.pcapng');

  it('a filter that leaves out the offending frames: no findings, exit 0', async () => {
    const all = await run([file], { format: 'json' });
    expect(all.code).toBe(1);
    expect(findingsOf(all.out).length).toBeGreaterThan(0);

    const r = await run([file], { format: 'json', displayFilter: 'mip6.mhtype != 12' });
    expect(r.code).toBe(0);
    expect(findingsOf(r.out)).toEqual([]);
    const text = await run([file], { displayFilter: 'mip6.mhtype != 12' });
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/No findings\./);
    expect(text.out).toContain('Display filter: mip6.mhtype != 12');
  });

  it('a filter that takes them in keeps them; one that takes some keeps those', async () => {
    const all = findingsOf((await run([file], { format: 'json' })).out);
    const sw = await run([file], { format: 'json', displayFilter: 'mip6.mhtype == 12' });
    expect(sw.code).toBe(1);
    expect(findingsOf(sw.out)).toEqual(all);

    const some = await run([file], { format: 'json', displayFilter: 'frame.number <= 5' });
    const kept = findingsOf(some.out);
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(all.length);
    expect(kept).toEqual(all.filter((f) => f.frame <= 5));
  });

  it('the engine still sees every packet: flow rules fire on a matching frame whose reason lies in a filtered one', async () => {
    // HAS-BACKOFF judges a retransmission against the first transmission (frame 3); keep only the later ones.
    const r = await run([file], { format: 'json', displayFilter: 'frame.number >= 4' });
    const kept = findingsOf(r.out);
    expect(kept.some((f) => f.rule === 'HAS-BACKOFF' && f.frame === 4)).toBe(true);
    expect((JSON.parse(r.out) as { summary: { packets: number } }).summary.packets).toBe((JSON.parse((await run([file], { format: 'json' })).out) as { summary: { packets: number } }).summary.packets);
  });

  it('SARIF, JUnit, --annotate and the exit code use the filtered findings', async () => {
    const sarif = await run([file], { format: 'sarif', displayFilter: 'mip6.mhtype != 12' });
    expect((JSON.parse(sarif.out) as { runs: { results: unknown[] }[] }).runs[0]!.results).toEqual([]);
    const junit = await run([file], { format: 'junit', displayFilter: 'frame.number <= 5', rules: ['HAS-*'] });
    expect((junit.out.match(/<failure /g) ?? []).length).toBe(2);

    const annotated = join(tmp, 'filtered.pcapng');
    const a = await run([file], { annotate: annotated, displayFilter: 'frame.number <= 5' });
    expect(a.code).toBe(1);
    const rd = openCapture(annotated);
    const commented: number[] = [];
    for (let f = rd.next(); f; f = rd.next()) if ((f.comments ?? []).some((c) => c.startsWith('mip6scope '))) commented.push(f.number);
    rd.close();
    expect(commented).toEqual([4, 5]);
  });

  it('several files: a frame number matches only in the file whose packet matched', async () => {
    const a = sample('bad-checksum.pcapng');
    const b = sample('bad-bu-sequence.pcapng');
    const both = findingsOf((await run([a, b], { format: 'json' })).out);
    expect(both.some((f) => f.file === a && f.rule === 'MH-CHECKSUM')).toBe(true);
    expect(both.some((f) => f.file === b && f.rule === 'BU-SEQUENCE')).toBe(true);
    // Only the BU with the bad checksum (bad-checksum.pcapng frame 1) passes.
    const r = findingsOf((await run([a, b], { format: 'json', displayFilter: 'mip6.csum.status == bad' })).out);
    expect(r.length).toBeGreaterThan(0);
    expect(r.every((f) => f.file === a)).toBe(true);
  });

  it('refuses a bad filter before reading any file: exit 2, the caret and close names', async () => {
    const r = await run([join(tmp, 'missing.pcapng')], { displayFilter: 'mip6.mhtyp == 12' });
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/-Y: "mip6\.mhtyp" is not a field name \(column 1\)/);
    expect(r.err).toContain('  mip6.mhtyp == 12\n  ^~~~~~~~~~');
    expect(r.err).toMatch(/did you mean: .*mip6\.mhtype/);
    expect(r.err).not.toMatch(/no such file/);
  });
});

describe('lint colour', () => {
  const file = sample('bad-no-backoff.pcapng');
  it('severities in colour when forced or on a terminal', async () => {
    const forced = await run([file], {}, { stdoutIsTTY: false, env: { FORCE_COLOR: '1' } });
    expect(forced.out).toContain(`${ESC}31merror`);
    const tty = await run([file], {}, { stdoutIsTTY: true, env: {} });
    expect(tty.out).toContain(`${ESC}31merror`);
    const warn = await run([sample('bad-switch-rate.pcapng')], {}, { stdoutIsTTY: true, env: {} });
    expect(warn.out).toContain(`${ESC}33mwarning`);
  });

  it('no escape codes with --no-color, NO_COLOR, off a terminal or for machine formats', async () => {
    expect((await run([file], { color: false }, { stdoutIsTTY: true, env: { FORCE_COLOR: '1' } })).out).not.toContain(ESC);
    expect((await run([file], {}, { stdoutIsTTY: true, env: { NO_COLOR: '1' } })).out).not.toContain(ESC);
    expect((await run([file], {}, { stdoutIsTTY: false, env: {} })).out).not.toContain(ESC);
    for (const format of ['json', 'sarif', 'junit'] as const) {
      expect((await run([file], { format }, { stdoutIsTTY: true, env: { FORCE_COLOR: '1' } })).out).not.toContain(ESC);
    }
  });
});

describe('lint progress line', () => {
  const file = sample('hard-switch-failover.pcapng');
  const stderr = (isTTY: boolean) => {
    const writes: string[] = [];
    let t = 0;
    const terminal: Terminal = { stdoutIsTTY: true, env: {}, progress: { isTTY, write: (s: string) => { writes.push(s); return true; } }, now: () => (t += 1000) };
    return { writes, terminal };
  };

  it('drawn on a terminal for text output, erased before the findings', async () => {
    const s = stderr(true);
    await run([file], { failOn: 'never' }, s.terminal);
    expect(s.writes.length).toBeGreaterThan(1);
    expect(s.writes.at(-1)).toBe('\r\x1b[K');
  });

  it('never written when stderr is not a terminal or the output is for machines', async () => {
    const pipe = stderr(false);
    await run([file], { failOn: 'never' }, pipe.terminal);
    expect(pipe.writes).toEqual([]);
    for (const format of ['json', 'sarif', 'junit'] as const) {
      const s = stderr(true);
      await run([file], { failOn: 'never', format }, s.terminal);
      expect(s.writes).toEqual([]);
    }
  });
});
