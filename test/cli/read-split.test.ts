/**
 * `read` of one file on two threads (the second part in a worker, copied after
 * the first) prints exactly what one thread prints: every sample and peer
 * capture, split at several places, in every output format, with a display
 * filter that leaves one part empty, with fragments pending at the split (one
 * thread then reads on alone), and with the problems and unopened SAs of each
 * part reported as one thread reports them.
 */
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { readMain, type ReadOptions } from '../../src/cli/read.js';
import * as split from '../../src/cli/read-split.js';
import { mergeUnopened, readCostPerByte, SPLIT_MIN_WORK, splitFraction } from '../../src/cli/read-split.js';
import { buildRunConfig } from '../../src/cli/options.js';
import { writeWorkload } from '../../src/bench/workload.js';
import type { Terminal } from '../../src/cli/options.js';
import { PcapngWriter } from '../../src/capture/pcapng-writer.js';
import {
  bindingUpdate, ethernet, ETHERTYPE_IPV6, fragmentIpv6, homeAddressOption, ipv6, mobility, padNOption,
} from '../../src/craft/index.js';
import { Sink } from '../../src/output/sink.js';
import { SAMPLES } from '../filter/helpers.js';
import { PEER_DIR } from '../peer-dir.js';

const tmp = mkdtempSync(join(tmpdir(), 'mip6scope-read-split-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const term: Terminal = { stdoutIsTTY: false, env: {} };

/** Output bytes and messages of readMain through a file Sink. */
function read(files: string[], opts: Partial<ReadOptions>): { out: string; err: string[]; code: number } {
  const path = join(tmp, 'out');
  const fd = openSync(path, 'w');
  const err: string[] = [];
  let code: number;
  try {
    code = readMain(files, { format: 'text', ...opts } as ReadOptions, new Sink(fd, 4096), (s) => err.push(s), term);
  } finally {
    closeSync(fd);
  }
  return { out: readFileSync(path).toString('latin1'), err, code };
}

/** One thread against two, split at `fraction` of the file; how the split went. */
function expectSame(file: string, opts: Partial<ReadOptions>, fraction: number): split.SplitOutcome | null {
  const one = read([file], { ...opts, jobs: 1 });
  const two = read([file], { ...opts, jobs: 2, splitFraction: fraction });
  expect(two, `${file} split at ${fraction} with ${JSON.stringify(opts)}`).toEqual(one);
  return split.lastSplitOutcome;
}

const samples = readdirSync(SAMPLES).filter((f) => f.endsWith('.pcapng')).sort().map((f) => resolve(SAMPLES, f));
const peers = existsSync(PEER_DIR) ? readdirSync(PEER_DIR).filter((f) => /\.pcap(ng)?$/.test(f)).sort().map((f) => resolve(PEER_DIR, f)) : [];

describe('read on two threads = read on one', () => {
  it('every sample, split at a third and at two thirds', { timeout: 120_000 }, () => {
    for (const f of samples) for (const at of [0.33, 0.67]) expect(expectSame(f, {}, at), f).toBe('split');
  });

  it.skipIf(peers.length === 0)('every peer capture (damaged and truncated ones too), split in the middle', { timeout: 120_000 }, () => {
    const outcomes = new Set(peers.map((f) => expectSame(f, {}, 0.5)));
    // Most are split; a one-packet capture ends before its middle, a damaged one may stop first.
    expect(outcomes).toContain('split');
  });

  it('-T json, -T ndjson, -V and -x, and a filter that leaves the first part or the second empty', { timeout: 120_000 }, () => {
    const f = resolve(SAMPLES, 'maintenance-switch.pcapng');
    // -T fields: the second part's times since the first packet and since the one before are the same as on one thread.
    const fields = { format: 'fields', field: ['frame.number', 'frame.time_relative', 'frame.time_delta', 'ipv6.addr', 'mip6.mhtype'], E: ['header=y'] };
    // -T fields' Time column follows -t: since the packet before (d), which the second part is told, and the time of day.
    const timeColumn = (t: string) => ({ format: 'fields', field: ['frame.number', '_ws.col.Time'], timeFormat: t });
    for (const opts of [{ format: 'json' }, { format: 'ndjson' }, { verbose: true }, { hex: true }, fields, { timeFormat: 'd' }, { timeFormat: 'ad' }, timeColumn('d'), timeColumn('ad')] as Partial<ReadOptions>[]) {
      expect(expectSame(f, opts, 0.5)).toBe('split');
    }
    // The time since the packet printed before cannot be known by the second part: one thread reads.
    const displayed = { format: 'fields', field: ['frame.time_delta_displayed'], jobs: 2 } as ReadOptions;
    expect(split.splitPlan([f], displayed, { profile: null as never, espNull: true, saTable: null, count: 0 }, new Sink(1))).toBeNull();
    expect(split.splitPlan([f], { ...displayed, field: ['frame.time_delta'] }, { profile: null as never, espNull: true, saTable: null, count: 0 }, new Sink(1))).not.toBeNull();
    expectSame(f, { ...displayed, displayFilter: 'mip6.mhtype == 12' }, 0.5);
    expect(split.splitPlan([f], { timeFormat: 'dd', jobs: 2 } as ReadOptions, { profile: null as never, espNull: true, saTable: null, count: 0 }, new Sink(1))).toBeNull();
    expectSame(f, { timeFormat: 'dd', displayFilter: 'mip6.mhtype == 12' }, 0.5);
    expect(split.splitPlan([f], { ...timeColumn('dd'), jobs: 2 } as ReadOptions, { profile: null as never, espNull: true, saTable: null, count: 0 }, new Sink(1))).toBeNull();
    expectSame(f, { ...timeColumn('dd'), displayFilter: 'mip6.mhtype == 12' } as Partial<ReadOptions>, 0.5);
    // Frames only at the start, only at the end, or none at all.
    for (const filter of ['frame.number <= 3', 'frame.number >= 40', 'frame.number > 100000']) {
      for (const format of ['json', 'text'] as const) expectSame(f, { format, displayFilter: filter }, 0.5);
    }
  });

  it('unopened SAs of both parts are listed once, in the order one thread lists them', () => {
    const f = resolve(SAMPLES, 'esp-encrypted.pcapng');
    const one = read([f], { jobs: 1, espNull: false });
    expect(one.err.join('\n')).toMatch(/could not be opened/);
    for (const at of [0.3, 0.5, 0.7]) expectSame(f, { espNull: false }, at);
    expect(mergeUnopened(
      [{ spi: 1, src: 'a', dst: 'b', packets: 2 }, { spi: 2, src: 'a', dst: 'c', packets: 1 }],
      [{ spi: 2, src: 'a', dst: 'c', packets: 3 }, { spi: 1, src: 'x', dst: 'b', packets: 1 }, { spi: 3, src: 'a', dst: 'b', packets: 1 }],
    )).toEqual([
      { spi: 1, src: 'a', dst: 'b', packets: 2 }, { spi: 1, src: 'x', dst: 'b', packets: 1 },
      { spi: 2, src: 'a', dst: 'c', packets: 4 }, { spi: 3, src: 'a', dst: 'b', packets: 1 },
    ]);
  });

  it('fragments pending at the split: the reassembled packet is the same (one thread reads on)', () => {
    // 40 small BUs, a BU in fragments whose first half sits before the middle and second half after it, 40 more.
    const path = join(tmp, 'fragments.pcapng');
    const w = new PcapngWriter(path);
    const ifId = w.addInterface({ linktype: 1 });
    const mac = 'aa:bb:cc:00:00:01';
    const bu = (seq: number, pad: number) => ipv6({
      src: '2001:db8:99::1000', dst: '2001:db8:1::a1', extensions: [homeAddressOption('2001:db8:1::100')],
      payload: mobility({ ...bindingUpdate({ sequence: seq, lifetimeUnits: 10 }), options: pad ? Array.from({ length: 7 }, () => padNOption(pad)) : [] }),
    });
    const frame = (p: Uint8Array) => ethernet(mac, mac, ETHERTYPE_IPV6, p);
    let t = 1_700_000_000;
    for (let i = 0; i < 40; i++) w.writePacket(ifId, t++, 0, frame(bu(i, 0)));
    const frags = fragmentIpv6(bu(99, 200), 600, 0x77);
    expect(frags.length).toBeGreaterThan(1);
    w.writePacket(ifId, t++, 0, frame(frags[0]!));
    for (let i = 0; i < 4; i++) w.writePacket(ifId, t++, 0, frame(bu(100 + i, 0)));
    for (const fr of frags.slice(1)) w.writePacket(ifId, t++, 0, frame(fr));
    for (let i = 0; i < 40; i++) w.writePacket(ifId, t++, 0, frame(bu(200 + i, 0)));
    w.close();
    const one = read([path], { jobs: 1 });
    expect(one.out).toMatch(/Binding Update.*seq=99|seq 99|Seq=99/i);
    // Split points right after the first fragment, among the packets between, and around the last fragments.
    const outcomes = [0.3, 0.45, 0.5, 0.52, 0.55, 0.58, 0.7].map((at) => expectSame(path, {}, at));
    expect(outcomes).toContain('fragments pending');
    expect(outcomes).toContain('split');
  });

  it('a capture cut short in the second part, and one damaged in the first', () => {
    const src = readFileSync(resolve(SAMPLES, 'maintenance-switch.pcapng'));
    const cut = join(tmp, 'cut.pcapng');
    writeFileSync(cut, src.subarray(0, src.length - 30));
    const one = read([cut], { jobs: 1 });
    expect(one.err.join('\n')).toMatch(/truncated/);
    expect(expectSame(cut, {}, 0.5)).toBe('split');
    const damaged = Buffer.from(src);
    // The first packet block's total length, made impossible: reading stops there.
    const firstEpb = damaged.indexOf(Buffer.from([6, 0, 0, 0]), 28);
    damaged.writeUInt32LE(0x7ffffff0, firstEpb + 4);
    const bad = join(tmp, 'bad.pcapng');
    writeFileSync(bad, damaged);
    const oneBad = read([bad], { jobs: 1 });
    expect(oneBad.err.join('\n')).toMatch(/corrupt block/);
    expect(expectSame(bad, {}, 0.5)).toBe('input ended first');
  });

  it('a capture with random bytes changed, split anywhere: still what one thread prints', { timeout: 120_000 }, () => {
    const src = readFileSync(resolve(SAMPLES, 'registration-and-switch.pcapng'));
    const path = join(tmp, 'fuzzed.pcapng');
    fc.assert(fc.property(
      fc.array(fc.record({ at: fc.nat({ max: src.length - 1 }), value: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 4 }),
      fc.double({ min: 0.05, max: 0.95, noNaN: true }),
      (edits, at) => {
        const bytes = Buffer.from(src);
        for (const e of edits) bytes[e.at] = e.value;
        writeFileSync(path, bytes);
        expectSame(path, {}, at);
      },
    ), { numRuns: 25 });
  });

  it('refuses a --jobs that is not a whole number of threads, before reading', () => {
    const r = read([resolve(SAMPLES, 'refresh.pcapng')], { jobs: '0' });
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err.join('\n')).toMatch(/--jobs 0: give a whole number of threads/);
  });

  it('gives the late-starting second thread the smaller part, never more than nine tenths to the first', () => {
    expect(splitFraction(150e6)).toBeGreaterThan(0.5);
    expect(splitFraction(150e6)).toBeLessThan(0.7);
    expect(splitFraction(5e9)).toBeCloseTo(0.56, 1);
    expect(splitFraction(1e6)).toBe(0.9);
  });

  it('weighs the output: the costlier a packet is to print, the nearer the halves (the start matters less)', () => {
    const summary = readCostPerByte({});
    const json = readCostPerByte({ format: 'json' });
    const verbose = readCostPerByte({ verbose: true });
    expect(summary).toBeLessThan(readCostPerByte({ timeFormat: 'ad' }));
    expect(readCostPerByte({ timeFormat: 'r' })).toBe(summary);
    expect(summary).toBeLessThan(readCostPerByte({ format: 'fields' }));
    expect(readCostPerByte({ format: 'fields' })).toBeLessThan(json);
    expect(readCostPerByte({ format: 'ndjson' })).toBe(json);
    expect(json).toBeLessThan(verbose);
    expect(readCostPerByte({ protocols: ['mip6'] })).toBe(verbose);
    expect(readCostPerByte({ hex: true })).toBeGreaterThan(summary);
    expect(readCostPerByte({ format: 'json', hex: true })).toBeGreaterThan(verbose);
    expect(splitFraction(75e6, json)).toBeLessThan(splitFraction(75e6, summary));
    expect(splitFraction(75e6, verbose)).toBeLessThan(splitFraction(75e6, json));
    expect(splitFraction(75e6, verbose)).toBeGreaterThanOrEqual(0.5);
  });

  const cores = availableParallelism();
  it.skipIf(cores < 2)(`without --jobs, splits only a file with about a second of work or more: larger for summary lines than for -V${cores < 2 ? ' (skipped: one core, nothing is split)' : ''}`, () => {
    // Files of the sizes where one thread and two were measured (SPLIT_MIN_WORK).
    const worth = (bytes: number, opts: Partial<ReadOptions>): boolean => bytes * readCostPerByte(opts) >= SPLIT_MIN_WORK;
    expect(worth(75e6, {})).toBe(false);
    expect(worth(150e6, {})).toBe(true);
    expect(worth(37e6, { format: 'json' })).toBe(false);
    expect(worth(75e6, { format: 'json' })).toBe(true);
    expect(worth(20e6, { verbose: true })).toBe(true);
    // Through splitPlan, on a real file: one of 12 MB is read on one thread for summary lines, on two for -V.
    const file = join(tmp, 'twelve.pcapng');
    writeWorkload(file, { packets: 80_000, mobileNodes: 500 });
    const cfg = buildRunConfig({} as ReadOptions, () => {});
    const sink = new Sink(1);
    expect(split.splitPlan([file], { format: 'text' } as ReadOptions, cfg, sink)).toBeNull();
    const plan = split.splitPlan([file], { format: 'text', verbose: true } as ReadOptions, cfg, sink);
    expect(plan?.file).toBe(file);
    expect(split.splitPlan([file], { format: 'text', verbose: true, jobs: '1' } as ReadOptions, cfg, sink)).toBeNull();
  });
});
