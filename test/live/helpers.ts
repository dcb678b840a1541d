/** Driving `live` without a network (a scripted capture and clock) and with one (a veth pair in a namespace). */
import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Frame } from '../../src/capture/frame.js';
import type { ClockTime, LiveOptions, LiveSource } from '../../src/capture/live.js';
import { openCapture } from '../../src/capture/open.js';
import { Sink } from '../../src/output/sink.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const sample = (name: string): string => join(ROOT, 'samples', name);

export interface SavedFrame { tsSec: number; tsNsec: number; data: Uint8Array; len: number; comments: string[] | null }

/** Every frame of a capture, copied out of the reader's buffer. */
export function readFrames(path: string): SavedFrame[] {
  const r = openCapture(path);
  const out: SavedFrame[] = [];
  for (let f = r.next(); f; f = r.next()) out.push({ tsSec: f.tsSec, tsNsec: f.tsNsec, data: Uint8Array.from(f.data), len: f.len, comments: f.comments ? [...f.comments] : null });
  const problems = r.problems.map((p) => p.message);
  r.close();
  if (problems.length) throw new Error(`${path}: ${problems.join('; ')}`);
  return out;
}

export interface FakeClock { now: ClockTime; clock: () => ClockTime; set(t: number): void }

export function fakeClock(start: number): FakeClock {
  const c: FakeClock = {
    now: { sec: 0, nsec: 0 },
    clock: () => ({ ...c.now }),
    set(t: number) { const s = Math.floor(t); c.now = { sec: s, nsec: Math.round((t - s) * 1e9) }; },
  };
  c.set(start);
  return c;
}

/**
 * A capture that delivers what the test tells it to, stamped from the fake clock, the way
 * the binding would: one reused Frame, delivered only after open() has returned.
 */
export function scriptedCapture(clock: FakeClock, linktype = 1) {
  let onFrame: ((f: Frame) => void) | null = null;
  let closed = false;
  let n = 0;
  const opened: LiveOptions[] = [];
  const frame: Frame = { number: 0, tsSec: 0, tsNsec: 0, linktype, caplen: 0, len: 0, data: new Uint8Array(0), interfaceId: 0, comments: null };
  return {
    opened,
    get closed() { return closed; },
    open(opts: LiveOptions, fn: (f: Frame) => void): LiveSource {
      opened.push(opts);
      onFrame = fn;
      return {
        iface: opts.iface, linktype, snaplen: 65535, filter: opts.filter ?? '', notes: [],
        get frames() { return n; },
        close() { closed = true; },
      };
    },
    /** Deliver one packet at time t (epoch seconds); false once the session closed the capture. */
    deliver(data: Uint8Array, t: number): boolean {
      if (closed || !onFrame) return false;
      clock.set(t);
      n++;
      Object.assign(frame, { number: n, tsSec: clock.now.sec, tsNsec: clock.now.nsec, caplen: data.length, len: data.length, data });
      onFrame(frame);
      return true;
    },
  };
}

/** A Sink writing to a temporary file, and a way to read what reached it so far. */
export function fileSink(dir: string, name = 'out.txt') {
  const path = join(dir, name);
  const fd = openSync(path, 'w');
  return {
    sink: new Sink(fd),
    text: (): string => readFileSync(path, 'utf8'),
    close: () => closeSync(fd),
  };
}

export function tempDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'mip6scope-live-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Wait until cond() holds, polling; false on timeout. */
export async function until(cond: () => boolean, ms: number, every = 20): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return true;
    await sleep(every);
  }
  return cond();
}

const have = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;

/** Why the real-network tests cannot run here, or null when they can. */
export function networkSkipReason(): string | null {
  if (process.platform !== 'linux') return 'network namespaces and veth pairs need Linux';
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return 'creating a network namespace and capturing need root (CI runs as root)';
  if (!have('ip')) return 'iproute2 (`ip`) is not installed';
  if (!have('tcpreplay')) return 'tcpreplay is not installed';
  try {
    createRequire(import.meta.url)('cap');
  } catch (e) {
    return `the libpcap binding is not built (${(e as Error).message.split('\n')[0]}): install libpcap-dev, then npm rebuild cap`;
  }
  return null;
}

export const hasTshark = (): boolean => have('tshark');

function run(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr || r.stdout || `exit ${r.status}`}`);
  return r.stdout;
}

export interface VethLab {
  /** The end we capture on, in this process's namespace. */
  captureIf: string;
  /** The peer, inside the namespace, that packets are replayed onto. */
  peerIf: string;
  ns: string;
  /** Send a capture's packets out of the peer, as fast as possible; resolves with tcpreplay's output. */
  replay(file: string): Promise<string>;
  remove(): void;
}

/**
 * A veth pair whose peer sits in a fresh network namespace. IPv6 is switched off on both
 * ends so the kernel sends nothing of its own (router solicitations, MLD, DAD) and the
 * capture holds only the replayed packets; nothing is routed anywhere.
 */
export function createVethLab(): VethLab {
  const id = randomBytes(4).toString('hex');
  const ns = `m6s-${id}`;
  const captureIf = `m6c${id}`; // IFNAMSIZ: at most 15 characters
  const peerIf = `m6p${id}`;
  const lab: VethLab = {
    captureIf, peerIf, ns,
    // Asynchronous, so the capture in this process keeps reading while tcpreplay sends.
    replay: (file) => new Promise((resolve, reject) => {
      execFile('ip', ['netns', 'exec', ns, 'tcpreplay', '--topspeed', '-q', '-i', peerIf, file], (e, stdout, stderr) => {
        if (e) reject(new Error(`tcpreplay ${file}: ${stderr || e.message}`)); else resolve(stdout);
      });
    }),
    remove() {
      spawnSync('ip', ['link', 'del', captureIf], { stdio: 'ignore' });
      spawnSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
    },
  };
  try {
    run('ip', ['netns', 'add', ns]);
    run('ip', ['link', 'add', captureIf, 'type', 'veth', 'peer', 'name', peerIf, 'netns', ns]);
    run('sysctl', ['-qw', `net.ipv6.conf.${captureIf}.disable_ipv6=1`]);
    run('ip', ['netns', 'exec', ns, 'sysctl', '-qw', `net.ipv6.conf.${peerIf}.disable_ipv6=1`]);
    run('ip', ['link', 'set', captureIf, 'up']);
    run('ip', ['netns', 'exec', ns, 'ip', 'link', 'set', peerIf, 'up']);
  } catch (e) {
    lab.remove();
    throw e;
  }
  return lab;
}
