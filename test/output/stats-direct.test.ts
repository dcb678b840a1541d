/**
 * `stats` counting the packets whose facts are read from their bytes (analyze/direct.ts)
 * with StatsCollector.addFacts(): the report is the one every packet dissected gives, on
 * the samples, the benchmark workload, the peer tool's captures and fuzzed packets; with a
 * profile that gives two messages one number; and `stats` takes that path unless -Y asks
 * for the tree.
 */
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { directFacts } from '../../src/analyze/direct.js';
import { Facts, mhKinds } from '../../src/analyze/facts.js';
import { writeWorkload } from '../../src/bench/workload.js';
import type { Frame } from '../../src/capture/frame.js';
import { openCapture } from '../../src/capture/open.js';
import { statsMain } from '../../src/cli/stats.js';
import { createDissector, dissectFrame } from '../../src/dissect/index.js';
import { fieldByAbbrev } from '../../src/dissect/fields.js';
import { Sink } from '../../src/output/sink.js';
import { StatsCollector, type StatsReport } from '../../src/output/stats.js';
import { getDefaultProfile } from '../../src/profile/profile.js';
import type { MhTypeKey } from '../../src/profile/defaults.js';
import { SCENARIOS } from '../../src/samples/scenarios.js';
import { mendMhChecksum } from '../analyze/helpers.js';
import { eachPeerCapture, PEER_DIR } from '../peer-dir.js';
import { samplePath } from '../samples/lab-sa.js';

const tmp = mkdtempSync(join(tmpdir(), 'mip6scope-stats-direct-'));
const workload = join(tmp, 'workload.pcapng');
beforeAll(() => { writeWorkload(workload, { packets: 20_000, mobileNodes: 400 }); });
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
afterEach(() => { vi.restoreAllMocks(); });

const SAMPLES = SCENARIOS.map((make) => samplePath(`${make().name}.pcapng`));

/**
 * Two collectors fed the same frames: `tree` with every frame dissected, `mixed` as
 * `stats` feeds it (facts from the bytes where directFacts() and addFacts() take them).
 */
class Both {
  readonly ctx;
  readonly tree: StatsCollector;
  readonly mixed: StatsCollector;
  private readonly facts = new Facts();
  private readonly kinds;
  frames = 0;
  /** Frames addFacts() counted, and frames directFacts() read that addFacts() gave back. */
  taken = 0;
  declined = 0;

  constructor(mhTypes: Readonly<Record<MhTypeKey, number>> = getDefaultProfile().mhTypes) {
    this.ctx = createDissector({ ...getDefaultProfile(), mhTypes });
    this.kinds = mhKinds(mhTypes);
    this.tree = new StatsCollector(mhTypes);
    this.mixed = new StatsCollector(mhTypes);
  }

  frame(fr: Frame): void {
    this.frames++;
    const time = fr.tsSec + fr.tsNsec / 1e9;
    const read = directFacts(this.facts, this.ctx, fr, 'x', 0, this.kinds, this.mixed.addressTable);
    const counted = read && this.mixed.addFacts(this.facts);
    if (counted) this.taken++;
    else if (read) this.declined++;
    dissectFrame(this.ctx, fr);
    this.tree.add(this.ctx.tree, time);
    if (!counted) this.mixed.add(this.ctx.tree, time);
  }

  file(path: string): void {
    const r = openCapture(path);
    try {
      for (let fr = r.next(); fr; fr = r.next()) this.frame(fr);
    } finally {
      r.close();
    }
  }

  reports(): { want: StatsReport; got: StatsReport } {
    return { want: this.tree.report(), got: this.mixed.report() };
  }
}

describe('stats from facts read from the bytes', () => {
  it('reports what the dissection of every frame reports, on every sample and on the benchmark workload', () => {
    for (const path of [...SAMPLES, workload]) {
      const both = new Both();
      both.file(path);
      const { want, got } = both.reports();
      expect(got, path).toEqual(want);
    }
    // All of them at once (one collector across files), and most of the workload's frames were counted from their facts.
    const all = new Both();
    for (const path of [...SAMPLES, workload]) all.file(path);
    expect(all.reports().got).toEqual(all.reports().want);
    expect(all.taken).toBeGreaterThan(0.95 * all.frames);
    // The comparison is not of empty tables.
    const { want } = all.reports();
    expect(want.espSas.length).toBeGreaterThan(400);
    expect(want.mobileNodes.length).toBeGreaterThanOrEqual(400);
    expect(want.distributions.filter((d) => d.count > 0).length).toBeGreaterThan(5);
  });

  it('reports what the dissection reports on the peer tool\'s captures', (ctx) => {
    if (!existsSync(PEER_DIR)) { ctx.skip(`no peer captures at ${PEER_DIR}`); return; }
    const both = new Both();
    eachPeerCapture((path) => both.file(path));
    expect(both.frames).toBeGreaterThan(20);
    expect(both.reports().got).toEqual(both.reports().want);
  });

  it('a number the profile gives two messages is counted as the first of them, the facts given back to be dissected', () => {
    // 250 is the Home Agent Hello's and now the Binding Refresh Request's too: the dissector (and the facts) read
    // a Hello, which stats counts as a Binding Refresh Request (its order: BRR before Hello), as with the tree.
    const mhTypes = { ...getDefaultProfile().mhTypes, bindingRefreshRequest: 250 };
    const both = new Both(mhTypes);
    for (const path of [samplePath('maintenance-switch.pcapng'), workload]) both.file(path);
    expect(both.declined).toBeGreaterThan(100);
    expect(both.taken).toBeGreaterThan(1000);
    const { want, got } = both.reports();
    expect(got).toEqual(want);
    expect(want.messages.some((m) => m.type === 250 && m.name === fieldByAbbrev('mip6.mhtype')!.vals![250])).toBe(true);
  });

  it('reports what the dissection reports on runs of damaged and repeated frames (fuzzed)', () => {
    const base: { data: Uint8Array; linktype: number; t: number }[] = [];
    for (const s of [...SAMPLES, workload]) {
      const r = openCapture(s);
      let n = 0;
      for (let fr = r.next(); fr && n < 40; fr = r.next(), n++) base.push({ data: fr.data.slice(), linktype: fr.linktype, t: fr.tsSec + fr.tsNsec / 1e9 });
      r.close();
    }
    const probe = createDissector();
    const edit = fc.record({ at: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) });
    const packet = fc.record({ which: fc.nat({ max: base.length - 1 }), edits: fc.array(edit, { maxLength: 2 }), dt: fc.integer({ min: 0, max: 3_000_000 }) });
    let taken = 0;
    fc.assert(fc.property(fc.array(packet, { minLength: 1, maxLength: 40 }), (run) => {
      const both = new Both();
      let t = 1768467600;
      run.forEach(({ which, edits, dt }, i) => {
        const b = base[which]!;
        const data = b.data.slice();
        for (const e of edits) data[e.at % data.length] ^= e.xor;
        const fr: Frame = { number: i + 1, tsSec: Math.floor(t), tsNsec: Math.round((t % 1) * 1e9), linktype: b.linktype, caplen: data.length, len: data.length, data, interfaceId: 0, comments: null };
        mendMhChecksum(probe, fr);
        both.frame(fr);
        t += dt / 1e6;
      });
      taken += both.taken;
      const { want, got } = both.reports();
      expect(got).toEqual(want);
    }), { numRuns: 400 });
    expect(taken).toBeGreaterThan(1000);
  });
});

describe('stats reads facts from the bytes', () => {
  /** statsMain's JSON report of `files`, and how many packets it counted from their facts. */
  function run(files: string[], displayFilter?: string): { report: unknown; fromFacts: number } {
    const spy = vi.spyOn(StatsCollector.prototype, 'addFacts');
    const out = join(tmp, 'out.json');
    const fd = openSync(out, 'w');
    try {
      expect(statsMain(files, { format: 'json', displayFilter } as Parameters<typeof statsMain>[1], new Sink(fd), () => {})).toBe(0);
    } finally {
      closeSync(fd);
    }
    const fromFacts = spy.mock.results.filter((r) => r.value === true).length;
    spy.mockRestore();
    return { report: JSON.parse(readFileSync(out, 'utf8')), fromFacts };
  }

  it('without -Y (and reports what it reports with every frame dissected, -Y frame)', () => {
    const files = [...SAMPLES, workload];
    const direct = run(files);
    const dissected = run(files, 'frame');
    expect(direct.fromFacts).toBeGreaterThan(19_000);
    expect(dissected.fromFacts).toBe(0);
    expect(direct.report).toEqual(dissected.report);
  });
});
