/** `mip6scope stats` with -Y, colour and the progress line. */
import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { statsMain, type StatsOptions } from '../../src/cli/stats.js';
import { inputBytes, type Terminal } from '../../src/cli/options.js';
import type { Sink } from '../../src/output/sink.js';
import type { StatsReport } from '../../src/output/stats.js';
import { matching, SAMPLES } from '../filter/helpers.js';

function run(name: string, opts: Partial<StatsOptions> = {}, term: Terminal = { stdoutIsTTY: false, env: {} }) {
  const lines: string[] = [];
  const err: string[] = [];
  const sink = { line: (s: string) => { lines.push(s); }, flush: () => undefined, closed: false } as unknown as Sink;
  const code = statsMain([resolve(SAMPLES, name)], { format: 'text', ...opts } as StatsOptions, sink, (s) => err.push(s), term);
  return { code, out: lines.join('\n'), err: err.join('\n') };
}
const report = (name: string, opts: Partial<StatsOptions> = {}): StatsReport => JSON.parse(run(name, { ...opts, format: 'json' }).out) as StatsReport;

describe('stats -Y', () => {
  it('counts only the matching packets', () => {
    const all = report('registration-and-switch.pcapng');
    const sw = report('registration-and-switch.pcapng', { displayFilter: 'mip6.mhtype == 12' });
    expect(all.packets).toBeGreaterThan(sw.packets);
    expect(sw.packets).toBe(matching('registration-and-switch.pcapng', 'mip6.mhtype == 12').length);
    expect(sw.messages.map((m) => m.type)).toEqual([12]);
    expect(sw.messages[0]!.packets).toBe(all.messages.find((m) => m.type === 12)!.packets);
    expect(sw.homeAgents.every((h) => h.bindingUpdates === 0 && h.bindingAcks === 0)).toBe(true);
  });

  it('says which filter in the text', () => {
    const r = run('registration-and-switch.pcapng', { displayFilter: 'mip6.mhtype == 12' });
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^2 packets matching mip6\.mhtype == 12,/);
  });

  it('refuses a bad filter before reading: exit 2, where and what was meant', () => {
    const r = run('no-such-file.pcapng', { displayFilter: 'ipv6.scr == 2001:db8::1' });
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/"ipv6\.scr" is not a field name \(column 1\)/);
    expect(r.err).toMatch(/did you mean: .*ipv6\.src/);
    expect(r.err).not.toMatch(/no-such-file/);
  });
});

describe('stats colour and progress', () => {
  it('bold headings only when colour is on', () => {
    expect(run('registration-and-switch.pcapng', {}, { stdoutIsTTY: true, env: {} }).out).toContain('\x1b[1mHome agents\x1b[22m');
    expect(run('registration-and-switch.pcapng', { color: false }, { stdoutIsTTY: true, env: {} }).out).not.toContain('\x1b[');
    expect(run('registration-and-switch.pcapng', {}, { stdoutIsTTY: true, env: { NO_COLOR: '1' } }).out).not.toContain('\x1b[');
    expect(run('registration-and-switch.pcapng', { format: 'json' }, { stdoutIsTTY: true, env: { FORCE_COLOR: '1' } }).out).not.toContain('\x1b[');
  });

  it('a progress line only on a terminal and for text', () => {
    const make = (isTTY: boolean) => {
      const writes: string[] = [];
      let t = 0;
      return { writes, term: { stdoutIsTTY: false, env: {}, progress: { isTTY, write: (s: string) => { writes.push(s); return true; } }, now: () => (t += 1000) } as Terminal };
    };
    const tty = make(true);
    run('hard-switch-failover.pcapng', {}, tty.term);
    expect(tty.writes.length).toBeGreaterThan(1);
    const pipe = make(false);
    run('hard-switch-failover.pcapng', {}, pipe.term);
    expect(pipe.writes).toEqual([]);
    const json = make(true);
    run('hard-switch-failover.pcapng', { format: 'json' }, json.term);
    expect(json.writes).toEqual([]);
  });
});

describe('input size for the progress bar', () => {
  it('sums the files; standard input has no size', () => {
    const a = resolve(SAMPLES, 'refresh.pcapng');
    const b = resolve(SAMPLES, 'bad-checksum.pcapng');
    expect(inputBytes([a, b])).toBe(statSync(a).size + statSync(b).size);
    expect(inputBytes([a, '-'])).toBeNull();
    expect(inputBytes([join(SAMPLES, 'missing.pcapng')])).toBe(0);
  });
});
