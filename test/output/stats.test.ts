/** The ESP table of `stats`: gaps and replays per SA as the receiver's window sees them (RFC 4303 3.4.3). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Facts } from '../../src/analyze/facts.js';
import { writeWorkload } from '../../src/bench/workload.js';
import { openCapture } from '../../src/capture/open.js';
import { SCENARIOS } from '../../src/samples/scenarios.js';
import { samplePath } from '../samples/lab-sa.js';
import { createDissector, dissectFrame } from '../../src/dissect/index.js';
import { StatsCollector, type EspSaRow } from '../../src/output/stats.js';
import { Lab } from '../../src/samples/lab.js';
import { frameOf } from '../analyze/helpers.js';
import { ack, hasTo, reg } from '../analyze/lab-packets.js';
import type { Packet } from '../analyze/helpers.js';
import { bindingUpdate, espNull, ethernet, ETHERTYPE_IPV6, ipv6, mobility } from '../../src/craft/index.js';
import { ipv4Packet } from '../dissect/helpers.js';

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

  /** The SA row as a window of 64 flags, one per number, moved along as the highest number grows. */
  function windowModel(seqs: number[]): Partial<EspSaRow> {
    const seen = new Uint8Array(64);
    let top = 0;
    let first = seqs[0]!;
    let gaps = 0;
    let replays = 0;
    seqs.forEach((seq, i) => {
      if (i === 0 || seq > top) {
        if (i > 0) {
          gaps += seq - top - 1;
          const shift = Math.min(seq - top, 64);
          for (let k = 63; k >= 0; k--) seen[k] = k >= shift ? seen[k - shift]! : 0;
        }
        seen[0] = 1;
        top = seq;
      } else if (top - seq >= 64 || seen[top - seq]) {
        replays++;
      } else {
        seen[top - seq] = 1;
        if (seq >= first) gaps--;
        else { gaps += first - seq - 1; first = seq; }
      }
    });
    return { packets: seqs.length, gaps: Math.max(0, gaps), replays, firstSequence: first, lastSequence: top };
  }

  it('agrees with a window of 64 flags on random runs of numbers: near ones, repeats, jumps within and past the window, 32-bit ones', () => {
    const stats = () => new StatsCollector(createDissector().profile.mhTypes);
    const f = new Facts();
    const near = fc.integer({ min: 0, max: 150 });
    const wide = fc.integer({ min: 0, max: 0xffffffff });
    fc.assert(fc.property(fc.array(fc.oneof({ arbitrary: near, weight: 6 }, { arbitrary: wide, weight: 1 }), { minLength: 1, maxLength: 80 }), fc.nat(0xffffffff), (seqs, base) => {
      // Numbers near a random base (kept below 2^32), as an SA's are after a while.
      const run = seqs.map((s) => (s <= 150 ? Math.min(0xffffffff, base + s) : s));
      const st = stats();
      const src = st.addressTable.intern(new Uint8Array(16).fill(0x20), 0);
      const dst = st.addressTable.intern(new Uint8Array(16).fill(0x30), 0);
      run.forEach((seq, i) => {
        f.clearMessage();
        Object.assign(f, { time: i, frame: i + 1, espItem: 0, spi: 0x1000, espSeq: seq, espOpened: true, src, dst });
        expect(st.addFacts(f)).toBe(true);
      });
      const rows = st.report().espSas;
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject(windowModel(run));
    }), { numRuns: 2000 });
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

describe('stats: registrations and switches one after another', () => {
  /** The distributions after these packets (times in seconds). */
  function distributionsAfter(packets: Packet[]): Record<string, unknown> {
    const ctx = createDissector();
    const stats = new StatsCollector(ctx.profile.mhTypes);
    packets.forEach((p, i) => {
      dissectFrame(ctx, frameOf(p, i + 1));
      stats.add(ctx.tree, p.t);
    });
    return Object.fromEntries(stats.report().distributions.map((d) => [d.name, d]));
  }

  it('an answered BU or HA Switch leaves nothing behind for the next one (whose record may be the same object, reused)', () => {
    const lab = new Lab();
    const d = distributionsAfter([
      // MN 1: a BU sent twice, answered; then MN 2's, sent once.
      { t: 0, data: lab.mnToHa(1, 1, reg(1)) },
      { t: 1, data: lab.mnToHa(1, 1, reg(1)) },
      { t: 1.5, data: lab.haToMn(1, 1, ack(1)) },
      { t: 10, data: lab.mnToHa(2, 1, reg(7)) },
      { t: 10.25, data: lab.haToMn(1, 2, ack(7)) },
      // HA 1 switches MN 1 (sent twice; MN 1's BU to HA 1 acknowledges it), then MN 2 (once).
      { t: 20, data: lab.haToMn(1, 1, hasTo([2])) },
      { t: 21, data: lab.haToMn(1, 1, hasTo([2])) },
      { t: 21.5, data: lab.mnToHa(1, 1, reg(2, 0)) },
      { t: 30, data: lab.haToMn(1, 2, hasTo([2])) },
      { t: 30.3, data: lab.mnToHa(2, 1, reg(8, 0)) },
    ]);
    expect(d['BU transmissions per answered BU']).toMatchObject({ count: 2, min: 1, max: 2 });
    expect(d['BU → BA (from the first transmission)']).toMatchObject({ count: 2, min: 0.25, max: 1.5 });
    expect(d['BU → BA (from the BU answered)']).toMatchObject({ count: 2, min: 0.25, max: 0.5 });
    expect(d['BU retransmission interval']).toMatchObject({ count: 1, min: 1, max: 1 });
    expect(d['HA Switch transmissions per acknowledged switch']).toMatchObject({ count: 2, min: 1, max: 2 });
    expect(d['HA Switch → acknowledging BU (from the first transmission)']).toMatchObject({ count: 2, min: 0.3, max: 1.5 });
    expect(d['HA Switch → acknowledging BU (from the last transmission)']).toMatchObject({ count: 2, min: 0.3, max: 0.5 });
  });
});

describe('stats: the addresses of a message', () => {
  it('are those of the innermost IPv6 header before it (a BU tunnelled in IPv6, RFC 2473), not the outer ones', () => {
    const inner = ipv6({ src: '2001:db8:77::5', dst: '2001:db8:1::a1', payload: mobility({ ...bindingUpdate({ sequence: 9, flags: { A: true, H: true }, lifetimeUnits: 10 }) }) });
    const outer = ipv6({ src: '2001:db8:99::1', dst: '2001:db8:99::2', payload: inner, nextHeader: 41 });
    const ctx = createDissector();
    const stats = new StatsCollector(ctx.profile.mhTypes);
    dissectFrame(ctx, frameOf({ t: 0, data: ethernet('02:00:00:00:00:01', '02:00:00:00:00:02', ETHERTYPE_IPV6, outer) }, 1));
    stats.add(ctx.tree, 0);
    const r = stats.report();
    expect(r.messages.map((m) => [m.protocol, m.type, m.direction, m.packets])).toEqual([['MH', 5, 'MN → HA', 1]]);
    expect(r.homeAgents.map((h) => h.address)).toEqual(['2001:db8:1::a1']);
    expect(r.mobileNodes.map((m) => m.homeAddress)).toEqual(['2001:db8:77::5']);
  });

  it('an SA carried over IPv4 gets no IPv6 addresses, not those of the IPv6 packet inside it', () => {
    const inner = ipv6({ src: '2001:db8:77::5', dst: '2001:db8:1::a1', payload: mobility({ ...bindingUpdate({ sequence: 9, flags: { A: true, H: true }, lifetimeUnits: 10 }) }) });
    const esp = espNull({ spi: 0x4242, seq: 1, payload: inner, nextHeader: 41 });
    const ctx = createDissector();
    const stats = new StatsCollector(ctx.profile.mhTypes);
    dissectFrame(ctx, frameOf({ t: 0, data: ethernet('02:00:00:00:00:01', '02:00:00:00:00:02', 0x0800, ipv4Packet([10, 0, 0, 1], [10, 0, 0, 2], 50, esp)) }, 1));
    stats.add(ctx.tree, 0);
    const r = stats.report();
    expect(r.espSas).toMatchObject([{ spi: 0x4242, source: '?', destination: '?', packets: 1, opened: 1 }]);
    expect(r.homeAgents.map((h) => h.address)).toEqual(['2001:db8:1::a1']);
  });
});
