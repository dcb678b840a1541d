/**
 * `read` of one large capture file on two cores: this thread dissects and prints
 * the first part straight to the output while a worker thread (read-worker.ts)
 * dissects and prints the rest into a temporary file, which is then copied after
 * the first part. The output is byte for byte that of one thread (a test
 * compares them), so the split is only taken where nothing crosses it:
 *
 * - the split is at a frame boundary both threads find on their own: the first
 *   record that starts at or after a byte offset of the file. The worker walks
 *   the records before it (without dissecting) to number its frames and to read
 *   every section and interface block;
 * - per-packet dissection keeps no state from one packet to the next except
 *   IPv6 reassembly: when fragments are pending at the split, the worker's part
 *   is thrown away and this thread reads on alone. ESP keys (--esp-sa, -E), a
 *   packet count (-c), several files, standard input, -T fields with
 *   frame.time_delta_displayed and -t dd (the time since the packet printed
 *   before) are read on one thread;
 * - each part's problems (damaged or truncated records) are reported with the
 *   frame they concern, this part's first; SAs that could not be opened are merged.
 *
 * If the worker fails or stops answering, this thread reads its part instead.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { openCapture } from '../capture/open.js';
import { CaptureError, type CaptureProblem } from '../capture/reader.js';
import type { DissectContext } from '../dissect/index.js';
import { MAX_UNOPENED_SAS, unopenedSas, type UnopenedSa } from '../dissect/esp.js';
import type { Progress } from '../output/progress.js';
import { needsPreviousDisplayed } from '../output/fields-text.js';
import { needsPreviousShown } from '../output/time-column.js';
import { Sink } from '../output/sink.js';
import { inputBytes, type RunConfig } from './options.js';
import { handleFrame, type FrameHandler, type PacketHandler, type PipelineResult } from './pipeline.js';
import type { ReadOptions } from './read-print.js';

/**
 * Seconds of work (readCostPerByte times the file's size) below which a file is
 * read on one thread. Measured on the 2-core machine class of the performance
 * targets: the second thread's start, its walk over the first part and the two
 * threads slowing each other down (CONTENTION) cost more than the split saves
 * up to about a second's work: summary lines of a 75 MB capture took 0.76 s on
 * one thread and 0.86 s on two, of the 150 MB benchmark capture 1.17 and 1.13 s;
 * -T json of 37 MB 1.16 and 1.28 s, of 75 MB 1.85 and 1.73 s.
 */
export const SPLIT_MIN_WORK = 1.0;

/**
 * Where the first part ends, as a fraction of the file. The worker starts late
 * (its start-up and the walk over the first part's records), so it gets less:
 * per byte, dissecting and printing costs readCostPerByte times CONTENTION (the
 * two threads slow each other down), walking CPB_WALK, and starting the thread
 * WORKER_START seconds. Balanced when both finish together.
 */
const CONTENTION = 1.3;
const CPB_WALK = 2e-9;
const WORKER_START = 0.15;

/**
 * Seconds per byte of capture that reading costs on one thread, by what is
 * printed (measured on the benchmark's workload: summary lines 7.4 ns a byte,
 * 11 with a -t other than r, -T fields 16, -T json or ndjson 22, -x 48 more,
 * 215 more with JSON, -V 100). Other captures cost otherwise, but the ratios
 * between the outputs hold well enough to decide whether and where to split.
 */
export function readCostPerByte(opts: ReadOptions): number {
  const format = opts.format ?? 'text';
  let cost: number;
  if (format === 'fields') cost = 16e-9;
  else if (format !== 'text') cost = 22e-9;
  else if (opts.verbose === true || (opts.protocols !== undefined && opts.protocols.length > 0)) cost = 100e-9;
  else cost = opts.timeFormat === undefined || opts.timeFormat === 'r' ? 7.4e-9 : 11e-9;
  if (opts.hex === true) cost += format === 'text' ? 40e-9 : 215e-9;
  return cost;
}

/** A worker whose progress has not moved for this long is given up (this thread reads its part). */
const STALL_MS = 30_000;

/** How the last split read went (tests check that the split they ask for is taken, or why not). */
export type SplitOutcome = 'split' | 'stopped' | 'input ended first' | 'fragments pending' | 'worker failed' | 'no worker';
export let lastSplitOutcome: SplitOutcome | null = null;

export interface SplitPlan {
  file: string;
  /** The first part is the frames whose records start before this file offset. */
  splitAt: number;
}

/** The split for this run, or null to read on one thread. */
export function splitPlan(files: readonly string[], opts: ReadOptions, cfg: RunConfig, out: unknown): SplitPlan | null {
  const jobs = opts.jobs !== undefined ? Number(opts.jobs) : availableParallelism();
  if (jobs < 2 || files.length !== 1 || files[0] === '-' || cfg.count > 0 || cfg.saTable !== null || !(out instanceof Sink)) return null;
  // -w copies the packets in order from this thread.
  if (opts.write !== undefined) return null;
  // The second part cannot know which packet the first part printed last.
  if ((opts.format ?? 'text') !== 'text' && needsPreviousDisplayed(opts.field ?? [])) return null;
  if (((opts.format ?? 'text') === 'text' || opts.format === 'fields') && needsPreviousShown(opts.timeFormat)) return null;
  const size = inputBytes(files);
  if (size === null) return null;
  const perByte = readCostPerByte(opts);
  // --jobs given: split whatever the size (tests use it on small files).
  if (opts.jobs === undefined && size * perByte < SPLIT_MIN_WORK) return null;
  return { file: files[0]!, splitAt: Math.floor(size * (opts.splitFraction ?? splitFraction(size, perByte))) };
}

/** The fraction of the file the first part takes, reading costing `perByte` seconds a byte on one thread (see CONTENTION). */
export function splitFraction(size: number, perByte = readCostPerByte({})): number {
  const work = perByte * CONTENTION;
  const f = (WORKER_START + size * work) / (size * (2 * work - CPB_WALK));
  return Math.min(0.9, Math.max(0.5, f));
}

/** What the worker posts when it is done. */
export interface SplitPart {
  /** Packets read and dissected, and of those printed (the display filter kept them). */
  packets: number;
  printed: number;
  problems: CaptureProblem[];
  unopened: UnopenedSa[];
  error?: string;
}

/** The shared words: [state (0 running, 1 done), heartbeat, stop asked]; then packets and bytes read, for the progress line. */
const STATE = 0;
const HEARTBEAT = 1;
const STOP = 2;

export interface SplitIo {
  opts: ReadOptions;
  color: boolean;
  out: Sink;
  progress: Progress;
  /** Packets this thread printed so far (-T json: the worker put a comma before its first object, dropped when this part printed none). */
  printed: () => number;
}

export function readSplit(
  plan: SplitPlan, cfg: RunConfig, ctx: DissectContext, onFrame: PacketHandler, io: SplitIo, undissected?: FrameHandler,
): { result: PipelineResult; printed: number } {
  const { file } = plan;
  let reader;
  try {
    reader = openCapture(file);
  } catch (e) {
    if (e instanceof CaptureError) return { result: { problems: [], unopened: [e], fatal: true, packets: 0, ctx }, printed: 0 };
    throw e;
  }
  let f = reader.next();
  let packets = 0;
  lastSplitOutcome = 'input ended first';
  if (f === null) {
    reader.close();
    return { result: { problems: [...reader.problems], unopened: [], fatal: false, packets, ctx }, printed: 0 };
  }

  let outFd = -1;
  let worker: Worker | null = null;
  const shared = new SharedArrayBuffer(32);
  const words = new Int32Array(shared, 0, 4);
  const counts = new Float64Array(shared, 16, 2);
  const channel = new MessageChannel();
  const cleanUp = (): void => {
    if (worker) {
      // The worker writes to outFd: it must be done before the descriptor is closed (and its number reused).
      if (Atomics.load(words, STATE) === 0) {
        Atomics.store(words, STOP, 1);
        waitFor(words, channel, 5000);
      }
      void worker.terminate();
    }
    worker = null;
    channel.port1.close();
    if (outFd >= 0) closeSync(outFd);
    outFd = -1;
  };
  try {
    try {
      outFd = anonymousFile();
      worker = new Worker(workerUrl(), {
        workerData: {
          file, splitAt: plan.splitAt, first: f.tsSec + f.tsNsec / 1e9, opts: io.opts, profile: cfg.profile, espNull: cfg.espNull, color: io.color, outFd, shared, port: channel.port2,
        },
        transferList: [channel.port2],
        resourceLimits: { maxYoungGenerationSizeMb: 6 },
      });
      // Its errors arrive as a message (or as silence, see STALL_MS); never as an unhandled event.
      worker.on('error', () => {});
    } catch {
      // No temporary directory or no thread: one thread it is.
      cleanUp();
    }

    let seen = 0;
    let seenBytes = 0;
    /** Dissect and print the frames whose records start before `limit`; false when the output stopped taking them. */
    const readUntil = (limit: number): boolean => {
      while (f && reader.frameOffset < limit) {
        packets++;
        if (!handleFrame(ctx, f, file, 0, onFrame, undissected)) return false;
        if ((packets & 4095) === 0 && worker) {
          // The worker's packets on the progress line too.
          const p = counts[0]!;
          const b = counts[1]!;
          if (p > seen) { io.progress.add(p - seen, b - seenBytes); seen = p; seenBytes = b; }
        }
        f = reader.next();
      }
      return true;
    };
    const stopped = !readUntil(worker ? plan.splitAt : Infinity);
    let part: SplitPart | null = null;
    // Pending fragments could be completed by frames of the worker's part, which it read without them.
    if (!worker) lastSplitOutcome = 'no worker';
    else if (stopped) lastSplitOutcome = 'stopped';
    else if (!f) lastSplitOutcome = 'input ended first';
    else if (ctx.fragments.size > 0) lastSplitOutcome = 'fragments pending';
    else {
      io.out.flush();
      part = waitFor(words, channel);
      lastSplitOutcome = part && part.error === undefined ? 'split' : 'worker failed';
    }
    if (part && part.error === undefined && !io.out.closed) {
      const p = counts[0]!;
      const b = counts[1]!;
      if (p > seen) io.progress.add(p - seen, b - seenBytes);
      appendFile(io.out, outFd, io.opts.format === 'json' && part.printed > 0 && io.printed() === 0);
      reader.close();
      cleanUp();
      return {
        result: {
          problems: [...reader.problems, ...part.problems], unopened: [], fatal: false, packets: packets + part.packets, ctx,
          unopenedSas: mergeUnopened(unopenedSas(ctx), part.unopened),
        },
        printed: part.printed,
      };
    }
    // Alone from here (stopped early, fragments pending, or the worker failed).
    cleanUp();
    if (!stopped) readUntil(Infinity);
    reader.close();
    return { result: { problems: [...reader.problems], unopened: [], fatal: false, packets, ctx }, printed: 0 };
  } finally {
    cleanUp();
  }
}

/** Wait (blocking: this thread has nothing else to do) for the worker's result; null when it stops answering. */
function waitFor(words: Int32Array, channel: MessageChannel, stallMs = STALL_MS): SplitPart | null {
  let beat = Atomics.load(words, HEARTBEAT);
  let since = Date.now();
  for (;;) {
    if (Atomics.load(words, STATE) !== 0) {
      const m = receiveMessageOnPort(channel.port1);
      return m ? (m.message as SplitPart) : null;
    }
    Atomics.wait(words, STATE, 0, 200);
    const now = Atomics.load(words, HEARTBEAT);
    if (now !== beat) { beat = now; since = Date.now(); } else if (Date.now() - since > stallMs) return null;
  }
}

/**
 * A temporary file for the worker's output, open for writing and reading, with
 * no name left on disk: however the process ends (Ctrl-C included), nothing
 * stays behind. Threads share the process's descriptors.
 */
function anonymousFile(): number {
  const dir = mkdtempSync(join(tmpdir(), 'mip6scope-'));
  try {
    return openSync(join(dir, 'part2'), 'w+');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Copy the worker's output (read from its start) after this thread's; `dropFirst`: without its leading comma. */
function appendFile(out: Sink, fd: number, dropFirst: boolean): void {
  let skip = dropFirst ? 1 : 0;
  let at = 0;
  for (;;) {
    if (!out.room(1 << 16)) return;
    const got = readSync(fd, out.buf, out.pos, 1 << 16, at);
    if (got <= 0) return;
    at += got;
    if (skip > 0) {
      out.buf.copyWithin(out.pos, out.pos + skip, out.pos + got);
      out.done(out.pos + got - skip);
      skip = 0;
    } else {
      out.done(out.pos + got);
    }
  }
}

/**
 * The SAs of both parts, in the order one thread would list them: by SPI as first
 * met, then by pair; at most MAX_UNOPENED_SAS pairs, as one thread keeps. (Past
 * that bound, which pairs are listed may differ from one thread's choice.)
 */
export function mergeUnopened(first: readonly UnopenedSa[], second: readonly UnopenedSa[]): UnopenedSa[] {
  const bySpi = new Map<number, UnopenedSa[]>();
  let pairs = 0;
  for (const u of [...first, ...second]) {
    let list = bySpi.get(u.spi);
    const same = list?.find((e) => e.src === u.src && e.dst === u.dst);
    if (same) { same.packets += u.packets; continue; }
    if (pairs >= MAX_UNOPENED_SAS) continue;
    if (!list) { list = []; bySpi.set(u.spi, list); }
    list.push({ ...u });
    pairs++;
  }
  return [...bySpi.values()].flat();
}

function workerUrl(): URL {
  // From the compiled dist/ the worker is beside this module; run from source (tests), use the compiled one.
  return import.meta.url.endsWith('.ts') ? new URL('../../dist/cli/read-worker.js', import.meta.url) : new URL('./read-worker.js', import.meta.url);
}
