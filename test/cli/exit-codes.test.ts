/**
 * Exit codes as a shell or CI job sees them: the installed executable (bin/ and the
 * compiled dist/, which `npm test` builds first) run as a child process, so the
 * command-line parsing of --fail-on and friends is part of what is checked.
 * 0 clean, 1 a finding at or above --fail-on, 2 usage error or unusable input.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openCapture } from '../../src/capture/open.js';
import { writePcap, type PcapRecord } from '../../src/capture/pcapng-writer.js';
import { defaultSamplesDir } from '../../src/samples/generate.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const bin = join(repo, 'bin', 'mip6scope.js');
const sample = (n: string): string => join(defaultSamplesDir(), n);

function mip6scope(...args: string[]): { code: number | null; out: string; err: string } {
  if (!existsSync(join(repo, 'dist', 'cli', 'main.js'))) throw new Error('dist/ is missing: run npm run build (npm test does it first)');
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 16 * 1024 * 1024 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('mip6scope exit codes', () => {
  it('lint: 0 clean, 1 for an error, and --fail-on moves the threshold both ways', () => {
    expect(mip6scope('lint', sample('refresh.pcapng')).code).toBe(0);
    expect(mip6scope('lint', sample('bad-no-backoff.pcapng')).code).toBe(1);
    expect(mip6scope('lint', '--fail-on', 'never', sample('bad-no-backoff.pcapng')).code).toBe(0);
    // A warning alone passes by default and fails with --fail-on warning.
    expect(mip6scope('lint', sample('bad-switch-rate.pcapng')).code).toBe(0);
    expect(mip6scope('lint', '--fail-on', 'warning', sample('bad-switch-rate.pcapng')).code).toBe(1);
    // An info finding (the failover measurement) fails only with --fail-on info.
    expect(mip6scope('lint', '--fail-on', 'warning', sample('hard-switch-failover.pcapng')).code).toBe(0);
    expect(mip6scope('lint', '--fail-on', 'info', sample('hard-switch-failover.pcapng')).code).toBe(1);
  });

  it('lint -T json: the exit code follows the findings, and stdout is the JSON document alone', () => {
    const r = mip6scope('lint', '-T', 'json', sample('bad-vhar.pcapng'));
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out) as { findings: { rule: string }[]; summary: { total: number } };
    expect(j.summary.total).toBe(j.findings.length);
    expect(j.findings.length).toBeGreaterThan(0);
  });

  it('2 for a missing file, an unknown --fail-on, an unknown rule, and an unknown rule page', () => {
    const missing = mip6scope('lint', join(repo, 'samples', 'no-such-capture.pcapng'));
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/no-such-capture\.pcapng/);
    expect(mip6scope('lint', '--fail-on', 'sometimes', sample('refresh.pcapng')).code).toBe(2);
    expect(mip6scope('lint', '--rules', 'NO-SUCH-RULE', sample('refresh.pcapng')).code).toBe(2);
    expect(mip6scope('rules', 'NO-SUCH-RULE').code).toBe(2);
    expect(mip6scope('rules', 'HAHA-ACK').code).toBe(0);
  });
});

describe('a capture of a link type that is not dissected', () => {
  it('is unusable for lint (exit 2, not "No findings."), and reported beside a capture that is', () => {
    // refresh.pcapng's frames relabelled USER0 (147): the same bytes, which nothing here dissects.
    const dir = mkdtempSync(join(tmpdir(), 'mip6scope-link-'));
    try {
      const frames: PcapRecord[] = [];
      const r = openCapture(sample('refresh.pcapng'));
      for (let f = r.next(); f; f = r.next()) frames.push({ tsSec: f.tsSec, tsNsec: f.tsNsec, data: f.data.slice() });
      r.close();
      const user = join(dir, 'user0.pcap');
      writePcap(user, 147, frames);
      const alone = mip6scope('lint', user);
      expect(alone.code).toBe(2);
      expect(alone.out).toBe('');
      expect(alone.err).toContain(`${user}: 8 of 8 packets have a link type that is not dissected (USER0 (147)): nothing in them was checked`);
      const mixed = mip6scope('lint', user, sample('refresh.pcapng'));
      expect(mixed.code).toBe(0);
      expect(mixed.out).toContain('No findings.');
      expect(mixed.err).toContain(`${user}: 8 of 16 packets have a link type that is not dissected`);
      expect(mixed.err).not.toContain('refresh.pcapng');
      expect(mip6scope('lint', '--each', user, sample('refresh.pcapng')).code).toBe(2);
      // read still lists them, as Wireshark lists frames it cannot dissect.
      expect(mip6scope('read', user).code).toBe(0);
      // stats: no tables of nothing, but the same message and exit 2; beside a capture that is dissected, its tables and the message.
      const stats = mip6scope('stats', user);
      expect([stats.code, stats.out]).toEqual([2, '']);
      expect(stats.err).toContain(`${user}: 8 of 8 packets have a link type that is not dissected (USER0 (147)): nothing in them is in the tables`);
      const statsMixed = mip6scope('stats', user, sample('refresh.pcapng'));
      expect(statsMixed.code).toBe(0);
      expect(statsMixed.out).toMatch(/^16 packets, 8 with a Mobility Header/);
      expect(statsMixed.err).toContain(`${user}: 8 of 16 packets have a link type that is not dissected`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
