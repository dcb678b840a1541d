/**
 * The analyzing thread of a merged lint, started before the program loads when
 * the arguments make a two-thread analysis likely: the guess, and what happens
 * to the early thread whichever way lint then goes (it is used, or stopped so
 * the process ends at once), through the installed executable on a capture
 * large enough (the benchmark's workload, 8 MiB and more).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeWorkload } from '../../src/bench/workload.js';
import { likelyPipelined, PIPELINE_MIN_BYTES } from '../../src/cli/analyzer-thread.js';
import { defaultSamplesDir } from '../../src/samples/generate.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const bin = join(repo, 'bin', 'mip6scope.js');
const tmp = mkdtempSync(join(tmpdir(), 'mip6scope-analyzer-'));
const big = join(tmp, 'big.pcapng');
const small = join(defaultSamplesDir(), 'refresh.pcapng');

function mip6scope(...args: string[]): { code: number | null; out: string; err: string; ms: number } {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 64 * 1024 * 1024, timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr, ms: Date.now() - t0 };
}

beforeAll(() => {
  // Some 70,000 packets: past PIPELINE_MIN_BYTES.
  writeWorkload(big, { packets: 70_000, mobileNodes: 2000 });
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('starting the analyzing thread early', () => {
  it('is guessed for a merged lint of large files only', () => {
    expect(likelyPipelined([big])).toBe(true);
    expect(likelyPipelined(['--fail-on', 'never', big])).toBe(true);
    expect(likelyPipelined(['--jobs', '2', big])).toBe(true);
    expect(likelyPipelined([small])).toBe(false);
    // --each on two threads reads file after file through the analyzing thread; with more threads and files, a pool instead.
    expect(likelyPipelined(['--each', '--jobs', '2', big, big, big])).toBe(true);
    expect(likelyPipelined(['--each', '--jobs', '3', big, big, big])).toBe(false);
    expect(likelyPipelined(['--each', '--jobs', '3', big, big])).toBe(true);
    expect(likelyPipelined(['--jobs', '1', big])).toBe(false);
    expect(likelyPipelined(['-', big])).toBe(false);
    expect(PIPELINE_MIN_BYTES).toBe(8 << 20);
  });

  it('used: the same findings as one thread', { timeout: 120_000 }, () => {
    const two = mip6scope('lint', '-T', 'json', '--fail-on', 'never', big);
    const one = mip6scope('lint', '-T', 'json', '--fail-on', 'never', '--jobs', '1', big);
    expect(two.code, two.err).toBe(0);
    expect(JSON.parse(two.out)).toEqual(JSON.parse(one.out));
    expect((JSON.parse(two.out) as { summary: { packets: number } }).summary.packets).toBe(70_000);
  });

  it('used by --each, file after file through the one thread: the same findings as one thread', { timeout: 120_000 }, () => {
    const two = mip6scope('lint', '--each', '-T', 'json', '--fail-on', 'never', big, small, big);
    const one = mip6scope('lint', '--each', '-T', 'json', '--fail-on', 'never', '--jobs', '1', big, small, big);
    expect(two.code, two.err).toBe(0);
    expect(two.out).toBe(one.out);
    expect((JSON.parse(two.out) as { summary: { packets: number } }).summary.packets).toBeGreaterThan(140_000);
  });

  it('started but not used (a usage error; --jobs=1, which the guess does not read): the process still ends', { timeout: 120_000 }, () => {
    expect(likelyPipelined(['--rules', 'NO-SUCH-RULE', big])).toBe(true);
    const bad = mip6scope('lint', '--rules', 'NO-SUCH-RULE', big);
    expect(bad.code, bad.err).toBe(2);
    expect(bad.err).toMatch(/NO-SUCH-RULE/);
    expect(likelyPipelined(['--fail-on', 'never', '--jobs=1', big])).toBe(true);
    const alone = mip6scope('lint', '-T', 'json', '--fail-on', 'never', '--jobs=1', big);
    expect(alone.code, alone.err).toBe(0);
    expect((JSON.parse(alone.out) as { summary: { packets: number } }).summary.packets).toBe(70_000);
  });
});
