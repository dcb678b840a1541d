/**
 * Output that cannot be written: a full disk (/dev/full) is one line naming what
 * could not be written and why, exit 2, for every command and every kind of
 * output; a reader that goes away (| head) ends the output quietly.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
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
