/** The ESP table of `stats`: gaps and replays per SA as the receiver's window sees them (RFC 4303 3.4.3). */
import { describe, expect, it } from 'vitest';
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
