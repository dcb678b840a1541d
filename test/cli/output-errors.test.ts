/**
 * Output that cannot be written: a full disk (/dev/full) is one line naming what
 * could not be written and why, exit 2, for every command and every kind of
 * output; a reader that goes away (| head) ends the output quietly; a reader
 * that falls behind (a full pipe, EAGAIN) gets every byte, and is asked again
 * soon, not after a fixed 5 ms.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeWorkload } from '../../src/bench/workload.js';
import { EAGAIN_MAX_MS, eagainDelayMs } from '../../src/capture/byte-source.js';
import { readMain, type ReadOptions } from '../../src/cli/read.js';
import { Sink } from '../../src/output/sink.js';
import { OutputError } from '../../src/output/write-fully.js';
import { SAMPLES } from '../filter/helpers.js';

const CLI = resolve(__dirname, '../../bin/mip6scope.js');
const sample = (n: string): string => resolve(SAMPLES, n);
const hasFull = existsSync('/dev/full');

/** Run the command with its standard output on /dev/full. */
function toFull(args: string[]): { status: number | null; stderr: string } {
  const fd = openSync('/dev/full', 'w');
  try {
    const r = spawnSync(process.execPath, [CLI, ...args], { stdio: ['ignore', fd, 'pipe'], encoding: 'utf8' });
    return { status: r.status, stderr: r.stderr };
  } finally {
    closeSync(fd);
  }
}

describe.skipIf(!hasFull)(`a full disk${hasFull ? '' : ' (skipped: no /dev/full)'}`, () => {
  it('read\'s output: an OutputError from the sink (not a stack trace)', () => {
    const fd = openSync('/dev/full', 'w');
    try {
      expect(() => readMain([sample('hard-switch-failover.pcapng')], { format: 'text', jobs: 1 } as ReadOptions, new Sink(fd), () => {}))
        .toThrow(new OutputError('the output file', 'ENOSPC', 'no space left on the device (ENOSPC)'));
    } finally {
      closeSync(fd);
    }
  });

  it.each([
    [['read', '-V']], [['read', '-T', 'fields', '-e', 'frame.number']], [['lint']], [['lint', '-T', 'sarif']], [['stats']], [['rules']], [['fields']], [['profile']],
  ])('%j to standard output: one line, exit 2', (args) => {
    const needsFile = args[0] !== 'rules' && args[0] !== 'fields' && args[0] !== 'profile';
    const r = toFull([...args, ...(needsFile ? [sample('bad-switch-rate.pcapng')] : [])]);
    expect(r.stderr).toBe('mip6scope: cannot write the output: no space left on the device (ENOSPC)\n  free some space or write elsewhere\n');
    expect(r.status).toBe(2);
  });

  it('read -w and lint --annotate onto a full disk name the file', () => {
    for (const args of [['read', '-w', '/dev/full'], ['lint', '--annotate', '/dev/full']]) {
      const r = spawnSync(process.execPath, [CLI, ...args, sample('bad-switch-rate.pcapng')], { encoding: 'utf8' });
      expect(r.stderr, args.join(' ')).toContain('mip6scope: cannot write /dev/full: no space left on the device (ENOSPC)\n  free some space or write elsewhere\n');
      expect(r.status, args.join(' ')).toBe(2);
    }
  });
});

describe('a reader that goes away', () => {
  it('read -w - | head and read | head end quietly, exit 0', () => {
    for (const args of ['read -w -', 'read', 'read -T fields -e frame.number']) {
      const r = spawnSync('bash', ['-c', `"${process.execPath}" "${CLI}" ${args} "${sample('hard-switch-failover.pcapng')}" | head -c 100 > /dev/null; echo "exit \${PIPESTATUS[0]}"`], { encoding: 'utf8' });
      expect(r.stdout.trim(), args).toBe('exit 0');
      expect(r.stderr, args).not.toMatch(/Error|at /);
    }
  });
});

describe('a reader that falls behind (the pipe fills: EAGAIN)', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'mip6scope-pipe-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('gets the same bytes as a file: summary lines, a capture, JSON', { timeout: 120_000 }, () => {
    // Some 4 MB of summary lines: the pipe (64 KiB) is full for most of the run while the reader sleeps.
    const capture = join(tmp, 'workload.pcapng');
    writeWorkload(capture, { packets: 30_000, mobileNodes: 500 });
    for (const args of ['read --jobs 1', 'read -w -', 'read -T json --jobs 1']) {
      const file = join(tmp, 'direct');
      const piped = join(tmp, 'piped');
      const cli = `"${process.execPath}" "${CLI}" ${args} "${capture}"`;
      const r = spawnSync('bash', ['-c', `${cli} > "${file}" && ${cli} | (sleep 0.3; cat) > "${piped}"; echo "exit \${PIPESTATUS[0]}"`], { encoding: 'utf8' });
      expect(r.stdout.trim(), `${args}: ${r.stderr}`).toBe('exit 0');
      const want = readFileSync(file);
      expect(want.length, args).toBeGreaterThan(1 << 20);
      expect(readFileSync(piped).equals(want), args).toBe(true);
    }
  });

  it('asks again after a wait that starts at a few hundredths of a millisecond and doubles up to EAGAIN_MAX_MS', () => {
    expect(eagainDelayMs(0)).toBeLessThanOrEqual(0.05);
    for (let i = 1; i < 8; i++) expect(eagainDelayMs(i)).toBe(Math.min(EAGAIN_MAX_MS, 2 * eagainDelayMs(i - 1)));
    expect(eagainDelayMs(8)).toBe(EAGAIN_MAX_MS);
    expect(eagainDelayMs(1e6)).toBe(EAGAIN_MAX_MS);
    expect(EAGAIN_MAX_MS).toBe(5);
  });
});
