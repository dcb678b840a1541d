/** `mip6scope live` with -Y and colour, on a scripted capture and clock (no network, no root). */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { liveMain, type LiveCommandOptions } from '../../src/cli/live.js';
import { UsageError, type Terminal } from '../../src/cli/options.js';
import { FrameBits, MatchedFrames, RecentFrames } from '../../src/filter/index.js';
import { fakeClock, fileSink, readFrames, sample, scriptedCapture, tempDir, type SavedFrame } from '../live/helpers.js';

const timeOf = (f: SavedFrame): number => f.tsSec + f.tsNsec / 1e9;

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => { tmp = tempDir(); });
afterEach(() => tmp.remove());

/** Deliver a whole sample to liveMain, stop, and return what it printed. */
async function replay(name: string, opts: LiveCommandOptions, terminal: Terminal = { stdoutIsTTY: false, env: {} }) {
  const frames = readFrames(sample(name));
  const clock = fakeClock(timeOf(frames[0]!));
  const capture = scriptedCapture(clock);
  const out = fileSink(tmp.dir);
  const errors: string[] = [];
  const stop = new AbortController();
  const done = liveMain({ interface: 'veth-test', format: 'text', failOn: 'error', ...opts }, {
    out: out.sink, err: (s) => errors.push(s), signal: stop.signal, open: capture.open, clock: clock.clock, tickMs: 5, terminal,
  });
  for (const f of frames) capture.deliver(f.data, timeOf(f));
  stop.abort();
  const code = await done;
  out.close();
  return { code, text: out.text(), errors };
}

type Obj = Record<string, unknown>;
const objects = (text: string): Obj[] => text.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Obj);

describe('live -Y', () => {
  it('prints only matching packets; with --lint, only findings on them', async () => {
    const all = objects((await replay('bad-no-backoff.pcapng', { lint: true, format: 'ndjson' })).text);
    const allPackets = all.filter((o) => !('rule' in o));
    expect(all.some((o) => o.rule === 'HAS-BACKOFF')).toBe(true);

    const other = await replay('bad-no-backoff.pcapng', { lint: true, format: 'ndjson', displayFilter: 'mip6.mhtype != 12' });
    const objs = objects(other.text);
    const packets = objs.filter((o) => !('rule' in o));
    expect(packets.length).toBeGreaterThan(0);
    expect(packets.length).toBeLessThan(allPackets.length);
    expect(packets.every((p) => (p.fields as Obj)['mip6.mhtype'] !== 12)).toBe(true);
    expect(objs.filter((o) => 'rule' in o && o.rule === 'HAS-BACKOFF')).toEqual([]);
    expect(other.code).toBe(0);

    const sw = await replay('bad-no-backoff.pcapng', { lint: true, format: 'ndjson', displayFilter: 'mip6.mhtype == 12' });
    const swObjs = objects(sw.text);
    expect(swObjs.filter((o) => !('rule' in o)).every((p) => (p.fields as Obj)['mip6.mhtype'] === 12)).toBe(true);
    expect(swObjs.filter((o) => o.rule === 'HAS-BACKOFF').map((o) => o.frame)).toEqual(all.filter((o) => o.rule === 'HAS-BACKOFF').map((o) => o.frame));
    expect(sw.code).toBe(1);
  });

  it('-T ndjson -e: packets list only the fields named (-Y and findings as without -e)', async () => {
    const r = await replay('bad-no-backoff.pcapng', { lint: true, format: 'ndjson', field: ['frame.number', 'mip6.mhtype'], displayFilter: 'mip6.mhtype == 12' });
    const objs = objects(r.text);
    const packets = objs.filter((o) => !('rule' in o));
    expect(packets.length).toBeGreaterThan(0);
    expect(packets.map((p) => p.fields)).toEqual(packets.map((p) => ({ 'frame.number': p.frame, 'mip6.mhtype': 12 })));
    expect(objs.some((o) => o.rule === 'HAS-BACKOFF')).toBe(true);
  });

  it('a bad filter is a usage error before the capture opens', async () => {
    let opened = false;
    const p = liveMain({ interface: 'veth-test', displayFilter: 'mip6.mhtpye == 12' }, {
      out: fileSink(tmp.dir).sink, err: () => undefined, open: () => { opened = true; throw new Error('opened'); },
    });
    await expect(p).rejects.toThrow(UsageError);
    await expect(p).rejects.toMatchObject({ hint: expect.stringMatching(/\^~+\n {2}did you mean: .*mip6\.mhtype/) });
    expect(opened).toBe(false);
  });
});

describe('live colour', () => {
  it('severities coloured on a terminal, none with --no-color', async () => {
    const on = await replay('bad-no-backoff.pcapng', { lint: true }, { stdoutIsTTY: true, env: {} });
    expect(on.text).toContain('** \x1b[31merror\x1b[39m HAS-BACKOFF');
    const off = await replay('bad-no-backoff.pcapng', { lint: true, color: false }, { stdoutIsTTY: true, env: {} });
    expect(off.text).toContain('** error HAS-BACKOFF');
    expect(off.text).not.toContain('\x1b[');
  });
});

describe('matched-frame bitsets', () => {
  it('FrameBits grows as needed and holds one bit per frame', () => {
    const b = new FrameBits(64);
    for (const f of [1, 2, 31, 32, 33, 1_000_000]) b.add(f);
    for (const f of [1, 2, 31, 32, 33, 1_000_000]) expect(b.has(f)).toBe(true);
    for (const f of [0, 3, 30, 34, 999_999, 1_000_001, 5_000_000, -1]) expect(b.has(f)).toBe(false);
    expect(b.byteLength).toBeLessThanOrEqual(2 * Math.ceil(1_000_001 / 8));
  });

  it('MatchedFrames keeps files apart', () => {
    const m = new MatchedFrames();
    m.add(0, 5);
    m.add(1, 7);
    expect([m.has(0, 5), m.has(1, 5), m.has(1, 7), m.has(0, 7), m.has(2, 5)]).toEqual([true, false, true, false, false]);
  });

  it('RecentFrames remembers the last window of frames and forgets older ones', () => {
    const r = new RecentFrames(64);
    for (let f = 1; f <= 200; f++) r.record(f, f % 3 === 0);
    expect(r.has(198)).toBe(true);
    expect(r.has(199)).toBe(false);
    expect(r.has(137)).toBe(false);
    expect(r.has(138)).toBe(true);
    expect(r.has(136)).toBeUndefined();
    expect(r.has(201)).toBeUndefined();
  });
});
