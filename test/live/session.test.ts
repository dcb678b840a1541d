/**
 * The live session (output, analyzer on the clock, stopping, the saved file) driven by a
 * scripted capture and clock, so it runs anywhere without root.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRecorder } from '../../src/capture/live.js';
import { interruptHandler, liveMain, ringOption, type LiveCommandOptions } from '../../src/cli/live.js';
import { UsageError } from '../../src/cli/options.js';
import { fakeClock, fileSink, readFrames, sample, scriptedCapture, tempDir, until, type SavedFrame } from './helpers.js';

const timeOf = (f: SavedFrame): number => f.tsSec + f.tsNsec / 1e9;

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => { tmp = tempDir(); });
afterEach(() => tmp.remove());

/** Start liveMain on a scripted capture; the caller delivers packets and stops it. */
function session(opts: LiveCommandOptions, start: number) {
  const clock = fakeClock(start);
  const capture = scriptedCapture(clock);
  const out = fileSink(tmp.dir);
  const errors: string[] = [];
  const stop = new AbortController();
  const done = liveMain({ interface: 'veth-test', format: 'text', failOn: 'error', ...opts }, {
    out: out.sink, err: (s) => errors.push(s), signal: stop.signal, open: capture.open, clock: clock.clock, tickMs: 5,
  });
  return { clock, capture, out, errors, stop, done };
}

describe('live --lint on the clock', () => {
  it('reports a request that is never answered while no packet arrives, interleaved in ndjson', async () => {
    const frames = readFrames(sample('bad-unanswered.pcapng'));
    const saved = join(tmp.dir, 'saved.pcapng');
    const s = session({ lint: true, format: 'ndjson', write: saved, failOn: 'warning' }, timeOf(frames[0]!));
    for (const f of frames) expect(s.capture.deliver(f.data, timeOf(f))).toBe(true);
    // Nothing is due yet: the last BU's retransmission timer still runs.
    await new Promise((r) => setTimeout(r, 50));
    expect(s.out.text()).not.toContain('"rule"');

    // The clock alone moves past every retransmission timeout; no packet follows.
    s.clock.set(timeOf(frames.at(-1)!) + 120);
    const seen = await until(() => s.out.text().includes('"BU-UNANSWERED"') && s.out.text().includes('"HAR-SYNC-UNANSWERED"'), 5000);
    expect(seen, `output so far:\n${s.out.text()}`).toBe(true);
    expect(s.capture.closed).toBe(false); // reported while still capturing, not at the end

    s.stop.abort();
    const code = await s.done;
    s.out.close();
    expect(code).toBe(1); // BU-UNANSWERED is a warning and --fail-on warning

    const objs = s.out.text().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const packets = objs.filter((o) => !('rule' in o));
    const findings = objs.filter((o) => 'rule' in o);
    expect(packets.map((p) => p.frame)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(findings.map((f) => [f.rule, f.frame])).toEqual(expect.arrayContaining([['BU-UNANSWERED', 1], ['HAR-SYNC-UNANSWERED', 5]]));
    // Known only after the last packet, so printed after it.
    expect(objs.findIndex((o) => o.rule === 'BU-UNANSWERED')).toBeGreaterThan(objs.findIndex((o) => o.frame === 6 && !('rule' in o)));
    expect(findings.every((f) => f.file === 'veth-test' && typeof f.message === 'string' && typeof f.spec === 'string')).toBe(true);

    // The saved file: every packet, byte for byte, with the findings on the packets they concern.
    const back = readFrames(saved);
    expect(back.map((f) => Buffer.from(f.data).toString('hex'))).toEqual(frames.map((f) => Buffer.from(f.data).toString('hex')));
    expect(back[0]!.comments?.join('\n')).toContain('BU-UNANSWERED');
    expect(back[4]!.comments?.join('\n')).toContain('HAR-SYNC-UNANSWERED');
    expect(back[1]!.comments).toBeNull();
    expect(s.errors.at(-1)).toMatch(/6 packets captured on veth-test .*\(interrupted\); 2 findings .*6 saved to /);
  });

  it('-T fields: one line of columns per packet with the header, findings on standard error', async () => {
    const frames = readFrames(sample('bad-unanswered.pcapng'));
    const s = session({ lint: true, format: 'fields', field: ['frame.number', 'frame.time_delta', 'mip6.mhtype'], E: ['header=y', 'separator=,'], failOn: 'never' }, timeOf(frames[0]!));
    for (const f of frames) expect(s.capture.deliver(f.data, timeOf(f))).toBe(true);
    s.clock.set(timeOf(frames.at(-1)!) + 120);
    expect(await until(() => s.errors.some((e) => e.includes('BU-UNANSWERED')), 5000)).toBe(true);
    s.stop.abort();
    expect(await s.done).toBe(0);
    s.out.close();
    const lines = s.out.text().trim().split('\n');
    expect(lines[0]).toBe('frame.number,frame.time_delta,mip6.mhtype');
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(['1', '2', '3', '4', '5', '6']);
    expect(lines[1]).toBe('1,0.000000000,5');
    expect(lines.slice(1).every((l) => /^\d+,\d+\.\d{9},\d*$/.test(l))).toBe(true);
  });

  it('-T fields without -e is refused before the capture opens', async () => {
    await expect(liveMain({ interface: 'veth-test', format: 'fields' }, { out: fileSink(tmp.dir).sink, err: () => {}, open: () => { throw new Error('opened'); } }))
      .rejects.toThrow(/-T fields: name the fields to print with -e/);
  });

  it('reports a measured failover while still capturing, as soon as every MN has re-registered', async () => {
    const frames = readFrames(sample('hard-switch-failover.pcapng'));
    const s = session({ lint: true, format: 'ndjson' }, timeOf(frames[0]!));
    for (const f of frames) expect(s.capture.deliver(f.data, timeOf(f))).toBe(true);
    const seen = await until(() => s.out.text().includes('"HAR-FAILOVER"'), 5000);
    expect(seen, `output so far:\n${s.out.text().split('\n').filter((l) => l.includes('"rule"')).join('\n')}`).toBe(true);
    expect(s.capture.closed).toBe(false);
    s.stop.abort();
    await s.done;
    s.out.close();
    const failovers = s.out.text().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>).filter((o) => o.rule === 'HAR-FAILOVER');
    expect(failovers).toHaveLength(1); // not repeated when the capture stops
    expect(failovers[0]!.message).toMatch(/50\/50 mobile nodes sent a Home Agent Switch; all 50 re-registered/);
  });

  it('prints a finding in text mode right after the packet that reveals it', async () => {
    const frames = readFrames(sample('registration-and-switch.pcapng'));
    const s = session({ lint: true }, 1_800_000_000);
    // Replayed back to back, as tcpreplay --topspeed would: the HAS retransmission comes far too soon.
    frames.forEach((f, i) => s.capture.deliver(f.data, 1_800_000_000 + i * 0.001));
    s.stop.abort();
    const code = await s.done;
    s.out.close();
    const lines = s.out.text().trim().split('\n');
    const at = lines.findIndex((l) => l.includes('HAS-BACKOFF'));
    expect(at, lines.join('\n')).toBeGreaterThan(0);
    expect(lines[at]).toMatch(/^ {2}\*\* error HAS-BACKOFF frame 6: /);
    expect(lines[at - 1]).toMatch(/^ +6 +0\.005000 .*Home Agent Switch/);
    expect(lines[at + 1]).toMatch(/^ +7 /);
    expect(code).toBe(1);
  });

  it('exits 0 with --fail-on never whatever was found, and does not analyse without --lint', async () => {
    const frames = readFrames(sample('registration-and-switch.pcapng'));
    for (const opts of [{ lint: true, failOn: 'never' as const }, {}]) {
      const s = session(opts, 1_800_000_000);
      frames.forEach((f, i) => s.capture.deliver(f.data, 1_800_000_000 + i * 0.001));
      s.stop.abort();
      expect(await s.done).toBe(0);
      s.out.close();
      expect(s.out.text().includes('HAS-BACKOFF')).toBe(opts.lint === true);
    }
  });
});

describe('stopping', () => {
  it('-c N stops the capture after N packets', async () => {
    const frames = readFrames(sample('registration-and-switch.pcapng'));
    const s = session({ count: 3, format: 'ndjson' }, 1_800_000_000);
    const delivered = frames.map((f, i) => s.capture.deliver(f.data, 1_800_000_000 + i)).filter(Boolean).length;
    expect(await s.done).toBe(0);
    s.out.close();
    expect(delivered).toBe(3);
    expect(s.capture.closed).toBe(true);
    expect(s.out.text().trim().split('\n').map((l) => JSON.parse(l).frame)).toEqual([1, 2, 3]);
    expect(s.errors.at(-1)).toContain('(count)');
  });

  it('--duration stops on the real clock even when nothing arrives', async () => {
    const s = session({ duration: 0.2 }, 1_800_000_000);
    const t0 = Date.now();
    expect(await s.done).toBe(0);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(150);
    expect(s.capture.closed).toBe(true);
    expect(s.errors.at(-1)).toMatch(/0 packets captured .*\(duration\)/);
  });

  it('-T json with --lint: packets and findings in one array, each after a comma but the first; -V names the interface', async () => {
    const frames = readFrames(sample('bad-unanswered.pcapng'));
    const s = session({ lint: true, format: 'json', failOn: 'never' }, timeOf(frames[0]!));
    for (const f of frames) s.capture.deliver(f.data, timeOf(f));
    s.clock.set(timeOf(frames.at(-1)!) + 120);
    expect(await until(() => s.out.text().includes('"BU-UNANSWERED"'), 5000)).toBe(true);
    s.stop.abort();
    await s.done;
    s.out.close();
    const arr = JSON.parse(s.out.text()) as { frame?: number; rule?: string }[];
    expect(arr.filter((x) => x.rule === undefined).map((x) => x.frame)).toEqual(frames.map((_, i) => i + 1));
    expect(arr.some((x) => x.rule === 'BU-UNANSWERED')).toBe(true);

    const v = session({ verbose: true }, timeOf(frames[0]!));
    v.capture.deliver(frames[0]!.data, timeOf(frames[0]!));
    v.stop.abort();
    await v.done;
    v.out.close();
    expect(v.out.text()).toMatch(new RegExp(`^Frame 1: ${frames[0]!.data.length} bytes on wire, ${frames[0]!.data.length} bytes captured on veth-test\n`));
  });

  it('says when the interface delivers frames of a link type that is not dissected', async () => {
    const clock = fakeClock(1_800_000_000);
    const capture = scriptedCapture(clock, 147); // LINKTYPE_USER0
    const errors: string[] = [];
    const done = liveMain({ interface: 'usr0', lint: true, duration: 0.05 }, { out: fileSink(tmp.dir).sink, err: (e) => errors.push(e), open: capture.open, clock: clock.clock });
    expect(await done).toBe(0);
    expect(errors.join('\n')).toContain('usr0 delivers USER0 (147) frames, which are not dissected: packets are listed but nothing is checked');
    expect(errors.join('\n')).toContain('NFLOG');
  });

  it('-T json stays a complete array when interrupted', async () => {
    const frames = readFrames(sample('registration-and-switch.pcapng'));
    const s = session({ format: 'json' }, 1_800_000_000);
    frames.slice(0, 4).forEach((f, i) => s.capture.deliver(f.data, 1_800_000_000 + i));
    s.stop.abort();
    await s.done;
    s.out.close();
    const arr = JSON.parse(s.out.text()) as { frame: number }[];
    expect(arr.map((p) => p.frame)).toEqual([1, 2, 3, 4]);
  });
});

describe('usage', () => {
  it('refuses to start without an interface, and --rules without --lint, before opening anything', async () => {
    const clock = fakeClock(0);
    const capture = scriptedCapture(clock);
    const io = { out: fileSink(tmp.dir).sink, err: () => {}, open: capture.open, clock: clock.clock };
    await expect(liveMain({}, io)).rejects.toThrow(UsageError);
    await expect(liveMain({ interface: 'x', rules: ['BU-UNANSWERED'] }, io)).rejects.toThrow(/need --lint/);
    await expect(liveMain({ interface: 'x', lint: true, rules: ['NO-SUCH-RULE'] }, io)).rejects.toThrow(/unknown rule id/);
    expect(capture.opened).toHaveLength(0);
  });

  it('passes the capture settings through and defaults to IPv6 plus IPv4 ESP', async () => {
    const s = session({ snapshotLength: 200, promisc: false, duration: 0.01 }, 0);
    await s.done;
    expect(s.capture.opened[0]).toMatchObject({ iface: 'veth-test', snaplen: 200, promisc: false, filter: 'ip6 or (ip and (proto 50 or udp port 4500))' });
  });

  it('-D lists interfaces and captures nothing', async () => {
    const out = fileSink(tmp.dir);
    const code = await liveMain({ listInterfaces: true }, {
      out: out.sink, err: () => {}, list: () => [{ name: 'veth0', description: '', addresses: [], loopback: false }],
    });
    out.close();
    expect(code).toBe(0);
    expect(out.text()).toBe('1. veth0\n');
  });
});

describe('createRecorder', () => {
  const pkt = (n: number): Uint8Array => Uint8Array.from({ length: 60 }, (_, i) => (i + n) & 0xff);
  const frame = (n: number, t: number) => ({
    number: n, tsSec: Math.floor(t), tsNsec: 0, linktype: 1, caplen: 60, len: 60, data: pkt(n), interfaceId: 0, comments: null,
  });

  it('holds frames so later findings land on their own packet, and says where late ones went', () => {
    const path = join(tmp.dir, 'r.pcapng');
    const rec = createRecorder(path, { linktype: 1, snaplen: 65535, iface: 'veth0', holdSeconds: 10 });
    rec.add(frame(1, 100));
    rec.add(frame(2, 105));
    rec.comment(1, 'first');
    rec.release(112); // frame 1 is older than 10 s: written; frame 2 still held
    expect(rec.written).toBe(1);
    rec.comment(2, 'second'); // still held: on frame 2
    rec.comment(1, 'too late'); // frame 1 is on disk: goes on the next packet written
    rec.add(frame(3, 120));
    rec.release(125); // frame 2 written (with the late comment first), frame 3 held
    expect(rec.written).toBe(2);
    rec.comment(3, 'after everything');
    expect(rec.close()).toEqual([]);
    const back = readFrames(path);
    expect(back.map((f) => f.comments)).toEqual([['first'], ['frame 1: too late', 'second'], ['after everything']]);
  });

  it('returns the comments no packet was left to carry', () => {
    const path = join(tmp.dir, 'r.pcapng');
    const rec = createRecorder(path, { linktype: 1, snaplen: 65535, iface: 'veth0', holdSeconds: 1 });
    rec.add(frame(1, 100));
    rec.release(105);
    rec.comment(1, 'late');
    expect(rec.close()).toEqual(['frame 1: late']);
    expect(readFrames(path)).toHaveLength(1);
  });

  it('writes the oldest frames early instead of holding more than its byte budget', () => {
    const path = join(tmp.dir, 'r.pcapng');
    const rec = createRecorder(path, { linktype: 1, snaplen: 65535, iface: 'veth0', holdSeconds: 1e9, maxHeldBytes: 200 });
    for (let n = 1; n <= 10; n++) rec.add(frame(n, 100 + n));
    expect(rec.written).toBe(7); // 3 × 60 bytes fit in 200
    rec.close();
    expect(readFrames(path).map((f) => f.data[0])).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });
});

describe('interrupting live', () => {
  it('the first interrupt stops cleanly, a second is only acknowledged (the -w file is being finished), a third quits', () => {
    const stop = new AbortController();
    const said: string[] = [];
    const exits: number[] = [];
    const onSignal = interruptHandler(stop, 'out.pcapng', (m) => said.push(m), (c) => exits.push(c));
    onSignal();
    expect(stop.signal.aborted).toBe(true);
    expect(said).toEqual([]);
    onSignal();
    expect(said).toEqual(['mip6scope: stopping, finishing out.pcapng; interrupt once more to quit at once']);
    expect(exits).toEqual([]);
    onSignal();
    expect(exits).toEqual([130]);
  });
});

describe('live -w with a ring buffer (-b)', () => {
  it('starts a new file every duration (capture time), named as dumpcap names them, and keeps the last N', async () => {
    const saved = process.env.TZ;
    process.env.TZ = 'UTC';
    try {
      const frames = readFrames(sample('hard-switch-failover.pcapng'));
      const t0 = timeOf(frames[0]!);
      const prefix = join(tmp.dir, 'ring.pcapng');
      const s = session({ write: prefix, ringBuffer: { duration: 5, files: 3 }, format: 'ndjson' }, t0);
      for (const f of frames) expect(s.capture.deliver(f.data, timeOf(f))).toBe(true);
      s.stop.abort();
      expect(await s.done).toBe(0);
      s.out.close();
      const kept = readdirSync(tmp.dir).filter((n) => n.startsWith('ring_')).sort();
      expect(kept).toHaveLength(3);
      for (const n of kept) expect(n).toMatch(/^ring_\d{5}_\d{14}\.pcapng$/);
      // Each file holds at most 5 s of capture time; together the kept ones are the end of the capture, in order.
      const back = kept.map((n) => readFrames(join(tmp.dir, n)));
      for (const b of back) expect(timeOf(b.at(-1)!) - timeOf(b[0]!)).toBeLessThan(5);
      const all = back.flat();
      expect(all.map((f) => Buffer.from(f.data).toString('hex'))).toEqual(frames.slice(frames.length - all.length).map((f) => Buffer.from(f.data).toString('hex')));
      // The name carries the file's first packet time (UTC here), and the numbers run on from the dropped ones.
      const first = back[0]![0]!;
      const stamp = new Date(Math.floor(timeOf(first)) * 1000).toISOString().replace(/[-:T]/g, '').slice(0, 14);
      expect(kept[0]).toMatch(new RegExp(`_${stamp}\\.pcapng$`));
      expect(Number(kept[0]!.slice(5, 10))).toBeGreaterThan(1);
      expect(s.errors.at(-1)).toMatch(/saved to 3 files, .*ring_\d{5}_\d{14}\.pcapng to .*ring_\d{5}_\d{14}\.pcapng/);
    } finally {
      if (saved === undefined) delete process.env.TZ; else process.env.TZ = saved;
    }
  });

  it('by size: a new file once the current one reaches filesize', async () => {
    const frames = readFrames(sample('hard-switch-failover.pcapng'));
    const prefix = join(tmp.dir, 'size.pcapng');
    const s = session({ write: prefix, ringBuffer: { filesize: 10_000 }, format: 'ndjson' }, timeOf(frames[0]!));
    for (const f of frames) s.capture.deliver(f.data, timeOf(f));
    s.stop.abort();
    await s.done;
    s.out.close();
    const files = readdirSync(tmp.dir).filter((n) => n.startsWith('size_')).sort().map((n) => join(tmp.dir, n));
    expect(files.length).toBeGreaterThan(3);
    // Every file but the last passed 10 kB with its last packet, not before.
    for (const f of files.slice(0, -1)) {
      expect(statSync(f).size).toBeGreaterThanOrEqual(10_000);
      expect(statSync(f).size).toBeLessThan(10_000 + 400);
    }
    expect(files.flatMap((f) => readFrames(f)).length).toBe(frames.length);
  });

  it('-b needs -w, and a size or a duration', async () => {
    const io = { out: fileSink(tmp.dir).sink, err: () => {}, open: () => { throw new Error('opened'); } };
    await expect(liveMain({ interface: 'x', ringBuffer: { duration: 5 } }, io)).rejects.toThrow(/-b makes a ring of -w files/);
    await expect(liveMain({ interface: 'x', write: join(tmp.dir, 'r.pcapng'), ringBuffer: { files: 3 } }, io)).rejects.toThrow(/say when a file ends/);
    expect(() => ringOption('size:10', undefined)).toThrow(/give filesize:kB, duration:seconds or files:N/);
    expect(() => ringOption('files:0', undefined)).toThrow(/greater than 0/);
    expect(ringOption('files:3', ringOption('filesize:100', undefined))).toEqual({ filesize: 100_000, files: 3 });
  });
});
