/** `mip6scope read`: -Y display filters, colour and the progress line, through readMain. */
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readMain, type ReadOptions } from '../../src/cli/read.js';
import type { Terminal } from '../../src/cli/options.js';
import type { Sink } from '../../src/output/sink.js';
import { matching, SAMPLES } from '../filter/helpers.js';

const sample = (n: string): string => resolve(SAMPLES, n);
const ESC = '\x1b[';

interface Run { code: number; lines: string[]; out: string; err: string }

function run(files: string[], opts: Partial<ReadOptions> = {}, term: Terminal = { stdoutIsTTY: false, env: {} }): Run {
  const lines: string[] = [];
  const err: string[] = [];
  const sink = { line: (s: string) => { lines.push(s); }, flush: () => undefined, closed: false } as unknown as Sink;
  const code = readMain(files, { format: 'text', ...opts } as ReadOptions, sink, (s) => err.push(s), term);
  return { code, lines, out: lines.join('\n'), err: err.join('\n') };
}

/** A stand-in for stderr that records what the progress line writes. */
function fakeStderr(isTTY: boolean) {
  const writes: string[] = [];
  let t = 0;
  // Each clock read is a second later, so every check the throttle makes finds it is time to redraw.
  return { writes, term: (stdoutIsTTY = false): Terminal => ({ stdoutIsTTY, env: {}, progress: { isTTY, columns: 120, write: (s: string) => { writes.push(s); return true; } }, now: () => (t += 1000) }) };
}

afterEach(() => { vi.unstubAllEnvs(); });

describe('read -Y', () => {
  it('prints only the packets the filter matches, with their own frame numbers and times', () => {
    const all = run([sample('hard-switch-failover.pcapng')]);
    const sw = run([sample('hard-switch-failover.pcapng')], { displayFilter: 'mip6.mhtype == 12' });
    expect(all.code).toBe(0);
    expect(sw.code).toBe(0);
    const expected = all.lines.filter((l) => l.includes('Home Agent Switch'));
    expect(expected.length).toBeGreaterThan(0);
    expect(sw.lines).toEqual(expected);
    expect(sw.lines.length).toBeLessThan(all.lines.length);
    // The same frames the filter module picks on its own.
    expect(sw.lines.map((l) => Number(l.trim().split(/\s+/)[0]))).toEqual(matching('hard-switch-failover.pcapng', 'mip6.mhtype == 12'));
  });

  it('filters JSON output and the -V tree too', () => {
    const j = run([sample('hard-switch-failover.pcapng')], { displayFilter: 'mip6.mhtype == 12', format: 'ndjson' });
    const objs = j.lines.map((l) => JSON.parse(l) as { fields: Record<string, unknown> });
    expect(objs.length).toBe(matching('hard-switch-failover.pcapng', 'mip6.mhtype == 12').length);
    expect(objs.every((o) => o.fields['mip6.mhtype'] === 12)).toBe(true);

    const v = run([sample('registration-and-switch.pcapng')], { displayFilter: 'mip6.mhtype == 12', verbose: true });
    expect(v.out.match(/^Frame \d+:/gm)).toEqual(['Frame 5:', 'Frame 6:']);
  });

  it('matches nothing: prints nothing, exits 0', () => {
    const r = run([sample('registration-and-switch.pcapng')], { displayFilter: 'mip6.mhtype == 250' });
    expect(r.code).toBe(0);
    expect(r.lines).toEqual([]);
  });

  it('value names come from the run profile (the filter is compiled after the dissector for it exists)', () => {
    const hellos = run([sample('hard-switch-failover.pcapng')], { displayFilter: 'mip6.mhtype == "Home Agent Hello"' });
    expect(hellos.lines.length).toBe(matching('hard-switch-failover.pcapng', 'mip6.mhtype == 250').length);
    expect(hellos.lines.length).toBeGreaterThan(0);
    // Renumbered: the capture's type 250 is no longer a Hello, so the name now means 200, which it never sends.
    const renumbered = run([sample('hard-switch-failover.pcapng')], { displayFilter: 'mip6.mhtype == "Home Agent Hello"', mhType: ['homeAgentHello=200'] });
    expect(renumbered.code).toBe(0);
    expect(renumbered.lines).toEqual([]);
  });

  it('prints every packet of the files it can read, and exits 2 for one it cannot', () => {
    const alone = run([sample('refresh.pcapng')]);
    const both = run([sample('refresh.pcapng'), join(SAMPLES, 'no-such-file.pcapng')]);
    expect(alone.code).toBe(0);
    expect(both.code).toBe(2);
    expect(both.lines).toEqual(alone.lines);
    expect(both.err).toMatch(/no-such-file\.pcapng: no such file/);
  });

  it('refuses a bad filter before reading anything: exit 2, the position and close field names', () => {
    const r = run([join(SAMPLES, 'no-such-file.pcapng')], { displayFilter: 'mip6.has.adress == 1' });
    expect(r.code).toBe(2);
    expect(r.lines).toEqual([]);
    expect(r.err).toMatch(/"mip6\.has\.adress" is not a field name \(column 1\)/);
    expect(r.err).toContain('  mip6.has.adress == 1\n  ^~~~~~~~~~~~~~~');
    expect(r.err).toMatch(/did you mean: mip6\.has\.address/);
    // The file was never opened.
    expect(r.err).not.toMatch(/no such file/);

    const v = run([sample('refresh.pcapng')], { displayFilter: 'mip6.mhtype == "Binding Updat"' });
    expect(v.code).toBe(2);
    expect(v.lines).toEqual([]);
    expect(v.err).toMatch(/column 16/);
    expect(v.err).toContain(`\n  ${' '.repeat(15)}^`);
    expect(v.err).toMatch(/did you mean: Binding Update/);

    const syntax = run([sample('refresh.pcapng')], { displayFilter: 'mip6.mhtype ==' });
    expect(syntax.code).toBe(2);
    expect(syntax.err).toMatch(/column \d+/);
  });
});

describe('read colour', () => {
  const file = sample('bad-checksum.pcapng');
  it('colours the -V tree when forced: protocols bold, the bad checksum note red', () => {
    const r = run([file], { verbose: true }, { stdoutIsTTY: false, env: { FORCE_COLOR: '1' } });
    expect(r.out).toContain(`${ESC}1mMobile IPv6`);
    expect(r.out).toMatch(/\x1b\[31m\[Expert Info \(Error\/mip6\.checksum\)/);
    const line = run([file], {}, { stdoutIsTTY: true, env: {} });
    expect(line.out).toContain(`${ESC}31m[!]`);
  });

  it('none with --no-color, NO_COLOR, off a terminal, or for JSON', () => {
    expect(run([file], { verbose: true, color: false }, { stdoutIsTTY: true, env: { FORCE_COLOR: '1' } }).out).not.toContain(ESC);
    expect(run([file], { verbose: true }, { stdoutIsTTY: true, env: { NO_COLOR: '1' } }).out).not.toContain(ESC);
    expect(run([file], { verbose: true }, { stdoutIsTTY: false, env: {} }).out).not.toContain(ESC);
    expect(run([file], { format: 'ndjson' }, { stdoutIsTTY: true, env: { FORCE_COLOR: '1' } }).out).not.toContain(ESC);
  });

  it('reads NO_COLOR and FORCE_COLOR from the environment by default', () => {
    vi.stubEnv('NO_COLOR', '');
    vi.stubEnv('FORCE_COLOR', '1');
    expect(run([file], { verbose: true }, { stdoutIsTTY: false }).out).toContain(ESC);
    vi.stubEnv('NO_COLOR', '1');
    expect(run([file], { verbose: true }, { stdoutIsTTY: false }).out).not.toContain(ESC);
  });
});

describe('read progress line', () => {
  const file = sample('hard-switch-failover.pcapng');
  it('is drawn on a terminal stderr while the output goes to a file, then erased', () => {
    const s = fakeStderr(true);
    expect(run([file], {}, s.term(false)).code).toBe(0);
    expect(s.writes.length).toBeGreaterThan(1);
    expect(s.writes[0]).toMatch(/^\r\[[#.]+\] +\d+% [\d,]+ packets, /);
    expect(s.writes.at(-1)).toBe('\r\x1b[K');
  });

  it('is never written when stderr is not a terminal, for JSON, or when the packets scroll on the terminal', () => {
    const notTty = fakeStderr(false);
    run([file], {}, notTty.term(false));
    expect(notTty.writes).toEqual([]);
    const json = fakeStderr(true);
    run([file], { format: 'json' }, json.term(false));
    expect(json.writes).toEqual([]);
    const onScreen = fakeStderr(true);
    run([file], {}, onScreen.term(true));
    expect(onScreen.writes).toEqual([]);
  });
});
