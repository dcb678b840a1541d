/**
 * Live capture on a real interface: a veth pair whose peer is in its own network namespace,
 * sample captures replayed onto the peer with tcpreplay, and the capture read on our end.
 * Needs root, iproute2, tcpreplay and the built libpcap binding; skips with the reason otherwise.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveCaptureError } from '../../src/capture/live.js';
import { liveMain } from '../../src/cli/live.js';
import {
  createVethLab, fileSink, hasTshark, networkSkipReason, readFrames, ROOT, sample, sleep, tempDir, until, type VethLab,
} from './helpers.js';

const skipReason = networkSkipReason();
if (skipReason) console.warn(`test/live/veth.test.ts skipped: ${skipReason}`);

const MH = { bindingUpdate: 5, bindingAck: 6, homeAgentSwitch: 12 } as const;
const hex = (d: Uint8Array): string => Buffer.from(d).toString('hex');

describe.skipIf(skipReason !== null)('live capture on a veth pair', () => {
  let lab: VethLab;
  let tmp: ReturnType<typeof tempDir>;
  beforeAll(() => { lab = createVethLab(); tmp = tempDir(); });
  afterAll(() => { lab?.remove(); tmp?.remove(); });

  /** Run `live` in this process on the lab's interface until stop() is called. */
  function capture(opts: Parameters<typeof liveMain>[0], name: string) {
    const out = fileSink(tmp.dir, `${name}.out`);
    const errors: string[] = [];
    const stop = new AbortController();
    const done = liveMain({ interface: lab.captureIf, format: 'ndjson', failOn: 'error', ...opts }, {
      out: out.sink, err: (s) => errors.push(s), signal: stop.signal, tickMs: 50,
    });
    const objects = (): Record<string, unknown>[] => out.text().split('\n').filter(Boolean).map((l) => JSON.parse(l));
    return { out, errors, stop, done, objects };
  }

  it('delivers the replayed packets, the findings they raise, and a file our reader and tshark read', async () => {
    const saved = join(tmp.dir, 'switch.pcapng');
    const c = capture({ lint: true, write: saved }, 'switch');
    await lab.replay(sample('registration-and-switch.pcapng'));
    const got = await until(() => c.objects().filter((o) => !('rule' in o)).length >= 10, 10_000);
    expect(got, `stderr: ${c.errors.join('\n')}\nstdout:\n${c.out.text()}`).toBe(true);
    await sleep(300); // anything more (there should be nothing) would show up now
    c.stop.abort();
    const code = await c.done;
    c.out.close();

    const objs = c.objects();
    const packets = objs.filter((o) => !('rule' in o)) as { frame: number; fields: Record<string, unknown>; len: number }[];
    expect(packets.map((p) => p.frame)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const B = MH.bindingUpdate, A = MH.bindingAck, S = MH.homeAgentSwitch;
    expect(packets.map((p) => p.fields['mip6.mhtype'])).toEqual([B, A, B, A, S, S, B, A, B, A]);
    const original = readFrames(sample('registration-and-switch.pcapng'));
    expect(packets.map((p) => p.len)).toEqual(original.map((f) => f.len));

    // Back to back, the Home Agent Switch retransmission comes long before RFC 5142's 5 s backoff.
    const backoff = objs.filter((o) => o.rule === 'HAS-BACKOFF');
    expect(backoff.map((f) => f.frame)).toEqual([6]);
    expect(objs.indexOf(backoff[0]!)).toBeGreaterThan(objs.findIndex((o) => o.frame === 6 && !('rule' in o)));
    expect(code).toBe(1);
    expect(c.errors.at(-1)).toMatch(/10 packets captured on m6c[0-9a-f]+ .*\(interrupted\); .*10 saved to /);
    // The lab's interface has no IPv4 address: the binding's stray warning about it is explained.
    expect(c.errors.join('\n')).toMatch(/m6c[0-9a-f]+ has no IPv4 address, so the libpcap binding warns .*; it does/);

    const back = readFrames(saved);
    expect(back.map((f) => hex(f.data))).toEqual(original.map((f) => hex(f.data)));
    expect(back[5]!.comments?.join('\n')).toContain('HAS-BACKOFF');
    if (hasTshark()) {
      const t = spawnSync('tshark', ['-r', saved, '-V'], { encoding: 'utf8' });
      expect(t.status, t.stderr).toBe(0);
      expect(t.stdout.match(/^Frame \d+:/gm)).toHaveLength(10);
      expect(t.stdout).toContain('HAS-BACKOFF');
      expect(t.stdout).toContain(`Interface name: ${lab.captureIf}`);
    }
  });

  it('reports a Binding Update never answered on the clock, with no packet after it', async () => {
    // Shortened timers (--const) so the verdict comes within seconds of the last retransmission.
    const c = capture({ lint: true, const: ['InitialBindackTimeoutFirstReg=0.1', 'INITIAL_BINDACK_TIMEOUT=0.1', 'INITIAL_STATE_SYNC_REQ_TIMER=0.1'] }, 'unanswered');
    await lab.replay(sample('bad-unanswered.pcapng'));
    const seen = await until(() => c.objects().some((o) => o.rule === 'BU-UNANSWERED'), 15_000);
    const packetsWhenSeen = c.objects().filter((o) => !('rule' in o)).length;
    c.stop.abort();
    await c.done;
    c.out.close();
    expect(seen, `stdout:\n${c.out.text()}`).toBe(true);
    expect(packetsWhenSeen).toBe(6);
    expect(c.objects().find((o) => o.rule === 'BU-UNANSWERED')).toMatchObject({ frame: 1, severity: 'warning', file: lab.captureIf });
  });

  it('keeps -s bytes of each packet with its wire length, and stops itself after -c packets', async () => {
    const saved = join(tmp.dir, 'snap.pcapng');
    const c = capture({ snapshotLength: 64, count: 4, write: saved }, 'snap');
    await lab.replay(sample('registration-and-switch.pcapng'));
    const code = await Promise.race([c.done, sleep(10_000).then(() => 'still running')]);
    c.out.close();
    expect(code, c.errors.join('\n')).toBe(0);
    const original = readFrames(sample('registration-and-switch.pcapng')).slice(0, 4);
    const packets = c.objects() as { caplen: number; len: number }[];
    expect(packets.map((p) => [p.caplen, p.len])).toEqual(original.map((f) => [64, f.len]));
    const back = readFrames(saved);
    expect(back.map((f) => [f.data.length, f.len])).toEqual(original.map((f) => [64, f.len]));
    expect(back.map((f) => hex(f.data))).toEqual(original.map((f) => hex(f.data.subarray(0, 64))));
    expect(c.errors.at(-1)).toContain('(count)');
  });

  it('names the interfaces there are when asked for one that is not', async () => {
    const missing = `${lab.captureIf}x`;
    const err = await liveMain({ interface: missing }, { out: fileSink(tmp.dir, 'missing.out').sink, err: () => {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LiveCaptureError);
    expect((err as LiveCaptureError).kind).toBe('no-such-interface');
    expect((err as LiveCaptureError).message).toBe(`${missing}: no such interface`);
    expect((err as LiveCaptureError).hint).toContain(lab.captureIf);
  });

  it('opens the netfilter log interface (nflog), whose NFLOG frames are dissected, and says nothing of undissected frames there or on Ethernet', async () => {
    const ifaces = (createRequire(import.meta.url)('cap') as { Cap: { deviceList(): { name: string }[] } }).Cap.deviceList().map((d) => d.name);
    // The kernel's netfilter log pseudo-interface: libpcap lists it on Linux with netfilter.
    expect(ifaces).toContain('nflog');
    const errors: string[] = [];
    const code = await liveMain({ interface: 'nflog', captureFilter: '', lint: true, duration: 0.2 }, { out: fileSink(tmp.dir, 'nflog.out').sink, err: (e) => errors.push(e) });
    expect(code).toBe(0);
    expect(errors.join('\n')).toContain('capturing on nflog (NFLOG)');
    expect(errors.join('\n')).not.toContain('not dissected');
    const ethernet = capture({ duration: 0.2 }, 'ethernet');
    await ethernet.done;
    expect(ethernet.errors.join('\n')).not.toContain('not dissected');
  });

  // The command as installed: real signals, the summary on stderr, the file complete.
  const bin = join(ROOT, 'bin', 'mip6scope.js');
  const built = join(ROOT, 'dist', 'cli', 'live.js');
  const distStale = !existsSync(built) ? 'dist/ is not built (npm run build)'
    : statSync(built).mtimeMs < statSync(join(ROOT, 'src', 'cli', 'live.ts')).mtimeMs ? 'dist/ is older than src/cli/live.ts (npm run build)' : null;
  if (distStale) console.warn(`signal tests skipped: ${distStale}`);

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it.skipIf(distStale !== null)(`stops cleanly on ${signal} with a summary and a complete file`, async () => {
      const saved = join(tmp.dir, `${signal}.pcapng`);
      const child = spawn(process.execPath, [bin, 'live', '-i', lab.captureIf, '--lint', '-w', saved], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => { stdout += d; });
      child.stderr.on('data', (d) => { stderr += d; });
      const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
      expect(await until(() => stderr.includes('capturing on'), 10_000), stderr).toBe(true);
      await lab.replay(sample('registration-and-switch.pcapng'));
      expect(await until(() => (stdout.match(/^ +\d+ /gm) ?? []).length >= 10, 10_000), stdout).toBe(true);
      child.kill(signal);
      const code = await exited;
      expect(code, stderr).toBe(1); // HAS-BACKOFF is an error
      expect(stderr).toMatch(/10 packets captured on .*\(interrupted\); 1 finding \(1 error\); 10 saved to /);
      expect(readFrames(saved)).toHaveLength(10);
      if (hasTshark()) {
        const t = spawnSync('tshark', ['-r', saved, '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8' });
        expect(t.status, t.stderr).toBe(0);
        expect(t.stdout.trim().split('\n')).toHaveLength(10);
      }
    });
  }
});
