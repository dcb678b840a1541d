/** The ESP table of `stats`: gaps and replays per SA as the receiver's window sees them (RFC 4303 3.4.3). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeWorkload } from '../../src/bench/workload.js';
import { openCapture } from '../../src/capture/open.js';
import { SCENARIOS } from '../../src/samples/scenarios.js';
import { samplePath } from '../samples/lab-sa.js';
import { createDissector, dissectFrame } from '../../src/dissect/index.js';
import { StatsCollector, type EspSaRow } from '../../src/output/stats.js';
import { Lab } from '../../src/samples/lab.js';
import { frameOf } from '../analyze/helpers.js';
import { reg } from '../analyze/lab-packets.js';

/** The SA row after BUs from MN 1 to HA 1 with these ESP sequence numbers, in this order. */
function saAfter(seqs: number[]): EspSaRow {
  const lab = new Lab();
  const ctx = createDissector();
  const stats = new StatsCollector(ctx.profile.mhTypes);
  seqs.forEach((seq, i) => {
    const f = frameOf({ t: i, data: lab.mnToHa(1, 1, reg(i + 1), { seq }) }, i + 1);
    dissectFrame(ctx, f);
    stats.add(ctx.tree, i);
  });
  const rows = stats.report().espSas;
  expect(rows).toHaveLength(1);
  return rows[0]!;
}

describe('stats: ESP sequence numbers', () => {
  it('counts the numbers missing between the first and the last', () => {
    expect(saAfter([1, 2, 5, 6])).toMatchObject({ gaps: 2, replays: 0, firstSequence: 1, lastSequence: 6 });
  });

  it('a late packet fills its gap; a repeat is a replay', () => {
    expect(saAfter([1, 2, 5, 3, 3, 6])).toMatchObject({ gaps: 1, replays: 1, packets: 6 });
  });

  it('a packet older than the first one seen (capture started mid-stream) widens the range, not hides a gap', () => {
    // 9 arrives after 10: nothing is missing between them, and 11 is still missing after 12.
    expect(saAfter([10, 9, 12])).toMatchObject({ gaps: 1, replays: 0, firstSequence: 9, lastSequence: 12 });
    // 7 after 10: 8 and 9 are missing until 8 arrives; 11 stays missing.
    expect(saAfter([10, 7, 12, 8])).toMatchObject({ gaps: 2, replays: 0, firstSequence: 7 });
  });

  it('left of the 64-packet window is a replay, as the receiver drops it', () => {
    expect(saAfter([100, 101, 30])).toMatchObject({ replays: 1, gaps: 0 });
  });
});

describe('stats: table keys', () => {
  /** The report of a capture, its tables keyed by number for addresses numbered below `exactBelow` (the rest by text). */
  function reportOf(path: string, exactBelow?: number): unknown {
    const ctx = createDissector();
    const stats = new StatsCollector(ctx.profile.mhTypes, undefined, exactBelow);
    const r = openCapture(path);
    for (let f = r.next(); f; f = r.next()) {
      dissectFrame(ctx, f);
      stats.add(ctx.tree, f.tsSec + f.tsNsec / 1e9);
    }
    r.close();
    return stats.report();
  }

  it('an entry is the same whether keyed by number or by text, and a mix of both counts each entry once', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'mip6scope-stats-'));
    try {
      const workload = join(tmp, 'workload.pcapng');
      writeWorkload(workload, { packets: 6000, mobileNodes: 300 });
      for (const path of [...SCENARIOS.map((make) => samplePath(`${make().name}.pcapng`)), workload]) {
        const want = reportOf(path);
        // Every address by text; addresses numbered from 40 on by text (entries of both kinds in one table).
        expect(reportOf(path, 1), path).toEqual(want);
        expect(reportOf(path, 40), path).toEqual(want);
      }
      const report = reportOf(workload) as { messages: unknown[]; espSas: unknown[]; mobileNodes: unknown[] };
      // The workload fills the tables (the comparison above is not of empty reports).
      expect(report.espSas.length).toBeGreaterThan(300);
      expect(report.mobileNodes.length).toBe(300);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
