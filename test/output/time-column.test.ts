/** -t: the Time column in tshark's formats, the same from the fast summary writer and summaryLine, and as tshark prints it. */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Frame } from '../../src/capture/frame.js';
import { openCapture } from '../../src/capture/open.js';
import { createDissector, dissectFrame } from '../../src/dissect/index.js';
import { SummaryWriter } from '../../src/output/fast-packets.js';
import { summaryLine } from '../../src/output/packets.js';
import { Sink } from '../../src/output/sink.js';
import { TIME_FORMATS, TimeColumn, type TimeFormat } from '../../src/output/time-column.js';
import { hasTshark, NO_TSHARK } from '../craft/external-tools.js';
import { SAMPLES } from '../filter/helpers.js';
import { runRead } from '../cli/read-helpers.js';

const frame = (tsSec: number, tsNsec: number): Frame => ({ number: 1, tsSec, tsNsec, linktype: 1, caplen: 0, len: 0, data: new Uint8Array(0), interfaceId: 0, comments: null });
const tmp = mkdtempSync(join(tmpdir(), 'mip6scope-time-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const savedTz = process.env.TZ;
afterEach(() => { if (savedTz === undefined) delete process.env.TZ; else process.env.TZ = savedTz; });

/** The texts a column gives for frames seen in order, where `shown` says which are printed. */
function texts(format: TimeFormat, frames: Frame[], shown: boolean[]): string[] {
  const c = new TimeColumn(format);
  const out: string[] = [];
  frames.forEach((f, i) => { c.seen(f); if (shown[i]) out.push(c.text(f)); });
  return out;
}

describe('TimeColumn', () => {
  const frames = [frame(1_700_000_000, 999_999_600), frame(1_700_000_001, 250_000_000), frame(1_700_000_003, 0), frame(1_700_000_002, 500_000_000)];
  const shown = [true, false, true, true];

  it('e, d and dd to the microsecond, rounding nanoseconds; out of order gives a negative delta', () => {
    expect(texts('e', frames, shown)).toEqual(['1700000001.000000', '1700000003.000000', '1700000002.500000']);
    expect(texts('d', frames, shown)).toEqual(['0.000000', '1.750000', '-0.500000']);
    expect(texts('dd', frames, shown)).toEqual(['0.000000', '2.000000', '-0.500000']);
  });

  it('u and ud in UTC, a and ad in the local time zone; a fraction that rounds up carries into the second', () => {
    process.env.TZ = 'Asia/Kolkata'; // UTC+5:30, no daylight saving
    expect(texts('u', frames, shown)).toEqual(['22:13:21.000000', '22:13:23.000000', '22:13:22.500000']);
    expect(texts('ud', frames, shown)[0]).toBe('2023-11-14 22:13:21.000000');
    expect(texts('a', frames, shown)[0]).toBe('03:43:21.000000');
    expect(texts('ad', frames, shown)[0]).toBe('2023-11-15 03:43:21.000000');
  });
});

describe('the fast summary writer = summaryLine, with every -t format', () => {
  it('on every packet of a sample', () => {
    const ctx = createDissector();
    for (const format of TIME_FORMATS) {
      const path = join(tmp, `out-${format}`);
      const fd = openSync(path, 'w');
      const sink = new Sink(fd);
      const writer = new SummaryWriter();
      const a = new TimeColumn(format);
      const b = new TimeColumn(format);
      const slow: string[] = [];
      const r = openCapture(resolve(SAMPLES, 'hard-switch-failover.pcapng'));
      let first = -1;
      for (let f = r.next(); f; f = r.next()) {
        dissectFrame(ctx, f);
        if (first < 0) first = f.tsSec + f.tsNsec / 1e9;
        a.seen(f);
        b.seen(f);
        writer.write(sink, ctx.tree, f, first, format === 'r' ? undefined : a.text(f));
        slow.push(summaryLine(ctx.tree, f, first, undefined, format === 'r' ? undefined : b.text(f)));
      }
      r.close();
      sink.flush();
      closeSync(fd);
      expect(readFileSync(path, 'utf8'), format).toBe(`${slow.join('\n')}\n`);
    }
  });
});

describe.skipIf(!hasTshark)(`read -t = tshark -t${hasTshark ? '' : ` (skipped: ${NO_TSHARK})`}`, () => {
  it.each(TIME_FORMATS)('-t %s', (format) => {
    for (const name of ['hard-switch-failover.pcapng', 'refresh.pcapng']) {
      const filter = 'frame.number != 2 && frame.number != 5';
      const time = (line: string): string => {
        const words = line.trim().split(/\s+/);
        return format === 'ad' || format === 'ud' ? `${words[1]} ${words[2]}` : words[1]!;
      };
      const ours = runRead([resolve(SAMPLES, name)], { timeFormat: format, displayFilter: filter, jobs: 1 }).lines.map(time);
      const r = spawnSync('tshark', ['-r', resolve(SAMPLES, name), '-t', format, '-Y', filter], { encoding: 'utf8' });
      const theirs = r.stdout.trim().split('\n').map(time);
      expect(ours.length).toBeGreaterThan(2);
      expect(ours, `${name} -t ${format}`).toEqual(theirs);
    }
  });
});
