/**
 * `read -w`: the packets -Y keeps (up to -c) copied to a pcapng file, bytes,
 * wire lengths, nanosecond times and comments unchanged; nothing printed
 * unless -P; never onto an input.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDissector, dissectFrame } from '../../src/dissect/index.js';
import { compileFilter } from '../../src/filter/index.js';
import { openCapture } from '../../src/capture/open.js';
import { PcapngWriter } from '../../src/capture/pcapng-writer.js';
import { hasTshark, NO_TSHARK } from '../craft/external-tools.js';
import { SAMPLES } from '../filter/helpers.js';
import { runRead } from './read-helpers.js';
import { readFrames, type SavedFrame } from '../live/helpers.js';

const sample = (n: string): string => resolve(SAMPLES, n);
const tmp = mkdtempSync(join(tmpdir(), 'mip6scope-write-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const CLI = resolve(__dirname, '../../bin/mip6scope.js');

const run = runRead;

/** The frames of a capture that a display filter matches, as our dissector sees them. */
function matching(path: string, filter: string): SavedFrame[] {
  const all = readFrames(path);
  const ctx = createDissector();
  const f = compileFilter(filter);
  const r = openCapture(path);
  const keep: boolean[] = [];
  for (let fr = r.next(); fr; fr = r.next()) { dissectFrame(ctx, fr); keep.push(f.match(ctx.tree)); }
  r.close();
  return all.filter((_, i) => keep[i]);
}

describe('read -w', () => {
  it('copies the frames -Y keeps, unchanged, and prints nothing but the count', () => {
    const src = sample('hard-switch-failover.pcapng');
    const out = join(tmp, 'has.pcapng');
    const r = run([src], { displayFilter: 'mip6.mhtype == 12', write: out });
    expect(r.code).toBe(0);
    expect(r.lines).toEqual([]);
    const want = matching(src, 'mip6.mhtype == 12');
    expect(want.length).toBeGreaterThan(10);
    expect(r.err).toBe(`mip6scope: ${want.length} packets written to ${out}`);
    expect(readFrames(out)).toEqual(want);
  });

  it('keeps packet comments and nanosecond times; -c stops the copy; -P prints what it writes', () => {
    const annotated = join(tmp, 'annotated.pcapng');
    // An annotated capture (findings as comments on their frames) from lint.
    const lint = spawnSync(process.execPath, [CLI, 'lint', '--annotate', annotated, sample('bad-switch-rate.pcapng')], { encoding: 'utf8' });
    expect(lint.status, lint.stderr).toBeLessThan(2);
    const commented = join(tmp, 'commented.pcapng');
    expect(run([annotated], { write: commented, displayFilter: 'frame.comment' }).code).toBe(0);
    const withComments = readFrames(commented);
    expect(withComments.length).toBeGreaterThan(0);
    expect(withComments.some((f) => f.comments?.some((c) => c.startsWith('mip6scope ')))).toBe(true);
    expect(withComments).toEqual(readFrames(annotated).filter((f) => f.comments !== null));
    // Times with nanoseconds (as a later run of lint or Wireshark sees them).
    const ns = join(tmp, 'ns-copy.pcapng');
    const src = readFrames(annotated).map((f, i) => ({ ...f, tsNsec: f.tsNsec + 1 + i }));
    const nsIn = join(tmp, 'ns-in.pcapng');
    const w = new PcapngWriter(nsIn);
    const id = w.addInterface({ linktype: 1, tsresolNs: true });
    for (const f of src) w.writePacket(id, f.tsSec, f.tsNsec, f.data, f.len, f.comments ?? undefined);
    w.close();
    const r = run([nsIn], { write: ns, print: true, count: 4 });
    expect(r.code).toBe(0);
    expect(r.lines).toHaveLength(4);
    expect(readFrames(ns)).toEqual(src.slice(0, 4));
    expect(run([ns], {}).lines).toEqual(r.lines);
  });

  it('several files: every frame of each, in the order read prints them', () => {
    const files = [sample('refresh.pcapng'), sample('state-sync.pcapng')];
    const out = join(tmp, 'both.pcapng');
    const printed = run(files, {}).lines.map((l) => l.slice(l.indexOf(' ', 18)));
    expect(run(files, { write: out }).code).toBe(0);
    // Renumbered and timed from the copy's first packet, but the same packets in the same order.
    expect(run([out], {}).lines.map((l) => l.slice(l.indexOf(' ', 18)))).toEqual(printed);
  });

  it('refuses to write onto an input (any spelling), -P without -w and -w - with -P; the input is untouched', () => {
    const copy = join(tmp, 'input.pcapng');
    writeFileSync(copy, readFileSync(sample('refresh.pcapng')));
    const before = statSync(copy).size;
    for (const w of [copy, join(tmp, '.', 'input.pcapng')]) {
      const r = run([copy], { write: w });
      expect([r.code, r.lines], w).toEqual([2, []]);
      expect(r.err).toMatch(/is the input file .*: writing it would destroy the capture being read/);
    }
    expect(statSync(copy).size).toBe(before);
    expect(run([copy], { print: true }).err).toMatch(/-P prints the packets while -w writes them/);
    expect(run([copy], { print: true, write: '-' }).err).toMatch(/-w - writes the capture to standard output/);
    const bad = run([copy], { write: join(tmp, 'no-such-dir', 'x.pcapng') });
    expect([bad.code, bad.err]).toEqual([2, expect.stringMatching(/cannot write .*no-such-dir.*\n {2}check the directory exists/)]);
  });

  it('-w - writes the capture to standard output, which read - takes back', () => {
    const w = spawnSync(process.execPath, [CLI, 'read', '-w', '-', '-Y', 'mip6.mhtype == 6', sample('refresh.pcapng')]);
    expect(w.status, w.stderr.toString()).toBe(0);
    expect(w.stderr.toString()).toBe('');
    const back = spawnSync(process.execPath, [CLI, 'read', '-'], { input: w.stdout, encoding: 'utf8' });
    expect(back.status).toBe(0);
    const lines = back.stdout.trim().split('\n');
    expect(lines.length).toBe(matching(sample('refresh.pcapng'), 'mip6.mhtype == 6').length);
    expect(lines.every((l) => l.includes('Binding Acknowledgement'))).toBe(true);
  });

  it('a capture cut short: the frames before the cut are copied, the problem reported', () => {
    const src = readFileSync(sample('maintenance-switch.pcapng'));
    const cut = join(tmp, 'cut.pcapng');
    writeFileSync(cut, src.subarray(0, src.length - 30));
    const out = join(tmp, 'cut-copy.pcapng');
    const r = run([cut], { write: out });
    expect(r.err).toMatch(/truncated/);
    const all = readFrames(sample('maintenance-switch.pcapng'));
    expect(readFrames(out)).toEqual(all.slice(0, all.length - 1));
  });
});

describe.skipIf(!hasTshark)(`read -w output read by tshark${hasTshark ? '' : ` (skipped: ${NO_TSHARK})`}`, () => {
  it('tshark reads the copy, with its comments and times', () => {
    const out = join(tmp, 'for-tshark.pcapng');
    const annotated = join(tmp, 'annotated-2.pcapng');
    spawnSync(process.execPath, [CLI, 'lint', '--annotate', annotated, sample('bad-switch-rate.pcapng')]);
    expect(run([annotated], { write: out, displayFilter: 'frame.comment' }).code).toBe(0);
    const fields = (path: string) => spawnSync('tshark', ['-r', path, '-T', 'fields', '-e', 'frame.time_epoch', '-e', 'frame.len', '-e', 'frame.comment'], { encoding: 'utf8' }).stdout;
    const copy = fields(out);
    expect(copy.trim().split('\n').length).toBeGreaterThan(0);
    // Exactly the original's lines that carry a comment.
    expect(copy).toBe(fields(annotated).split('\n').filter((l) => l.split('\t')[2]).map((l) => `${l}\n`).join(''));
  });
});
