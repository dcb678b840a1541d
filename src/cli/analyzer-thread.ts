/**
 * The analyzing thread of a merged `lint` (analyze-worker.ts), started as early
 * as possible. A thread takes about a fifth of a second to start and load the
 * engine and the rules; started when `lint` has loaded its own modules and
 * parsed its options, the reading thread would fill the ring in a few
 * milliseconds and then wait for it. So the command line's entry point starts
 * it first thing when a merged analysis of a large capture is likely
 * (likelyPipelined), and lint takes it over, or stops it when it reads on one
 * thread after all. The thread waits for its settings (profile, rules) in a message.
 *
 * This module loads nothing of the program's: it is imported before anything else.
 */
import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Finding } from '../analyze/types.js';
import type { AnalyzeSettings } from './analyze-worker.js';

/**
 * Words in the ring between the dissecting and the analyzing thread (4 MiB, some
 * 25,000 packets). The two threads run at nearly the same speed, each the faster
 * in turn as the capture changes (registrations, refreshes, switches); a ring of
 * 1 MiB had each wait for the other about a tenth of a second in a run of a
 * million packets, and measured 3% slower (interleaved runs; 16 MiB, no faster).
 */
export const RING_WORDS = 1 << 20;

/**
 * Below this many bytes of capture, a merged analysis without --jobs runs on one
 * thread: starting the analyzing thread costs about a tenth of a second of this
 * thread's time, which the pipeline wins back only after some 75,000 packets.
 */
export const PIPELINE_MIN_BYTES = 8 << 20;

export interface AnalyzerThread {
  worker: Worker;
  /**
   * Hand over one analysis (a merged lint, or a file of lint --each): its settings,
   * and the ring its facts come through. Settles with its findings, or its error
   * (it never rejects unhandled); the thread takes the next analysis once this
   * one is done, so a run of several analyses starts one thread.
   */
  run(settings: AnalyzeSettings, sab: SharedArrayBuffer): Promise<{ findings: Finding[]; packets: number }>;
}

export function workerUrl(name: 'lint-worker' | 'analyze-worker'): URL {
  // From the compiled dist/ the worker is beside this module; run from source (tests), use the compiled one.
  return import.meta.url.endsWith('.ts') ? new URL(`../../dist/cli/${name}.js`, import.meta.url) : new URL(`./${name}.js`, import.meta.url);
}

type Pending = { resolve: (r: { findings: Finding[]; packets: number }) => void; reject: (e: Error) => void };

/** Start an analyzing thread, idle until run(). It keeps the process alive only while an analysis is pending. */
export function spawnAnalyzer(): AnalyzerThread {
  const worker = new Worker(workerUrl('analyze-worker'), {
    // A small young generation, as little is allocated per packet (a larger one was no faster: README).
    resourceLimits: { maxYoungGenerationSizeMb: 6 },
  });
  worker.unref();
  const pending: Pending[] = [];
  let failure: Error | null = null;
  const fail = (e: Error): void => {
    failure ??= e;
    for (const p of pending.splice(0)) p.reject(failure);
  };
  // Listeners from the start: an error or exit before lint looks must still settle what is pending, or the next run.
  worker.on('message', (m: { result?: { findings: Finding[]; packets: number }; error?: string }) => {
    const p = pending.shift();
    if (pending.length === 0) worker.unref();
    if (!p) return;
    if (m.error !== undefined) p.reject(new Error(m.error)); else p.resolve(m.result!);
  });
  worker.once('error', fail);
  worker.once('exit', (code) => fail(new Error(`the analysis thread exited with code ${code}`)));
  return {
    worker,
    run(settings, sab) {
      const done = new Promise<{ findings: Finding[]; packets: number }>((resolveIt, reject) => {
        if (failure) reject(failure); else pending.push({ resolve: resolveIt, reject });
      });
      // Keep a rejection that arrives while this thread is busy from counting as unhandled.
      done.catch(() => {});
      // From now on the run waits for it.
      worker.ref();
      worker.postMessage({ ...settings, sab });
      return done;
    },
  };
}

let early: AnalyzerThread | null = null;

/** Start the thread now (see the module comment). */
export function startAnalyzerEarly(): void {
  early ??= spawnAnalyzer();
}

/** The thread started early, once; null when none was (or it was taken). */
export function takeEarlyAnalyzer(): AnalyzerThread | null {
  const a = early;
  early = null;
  return a;
}

/** Stop the thread started early, when lint does not use it. */
export function dropEarlyAnalyzer(): void {
  const a = takeEarlyAnalyzer();
  if (a) void a.worker.terminate();
}

/**
 * Whether `lint` with these arguments (after the command word) will most likely
 * use an analyzing thread: two cores or more, no --jobs 1, files adding up to
 * PIPELINE_MIN_BYTES or more, and with --each not a pool of worker threads
 * (more than two threads and more than two files). A guess from the raw
 * arguments (an option's value may be counted as a file); lint decides, and
 * stops the thread if not.
 */
export function likelyPipelined(args: readonly string[]): boolean {
  const at = args.indexOf('--jobs');
  const jobs = at >= 0 ? Number(args[at + 1]) : availableParallelism();
  if (!(jobs >= 2)) return false;
  let total = 0;
  let files = 0;
  for (const a of args) {
    if (a === '-') return false;
    if (a.startsWith('-')) continue;
    try {
      const st = statSync(a);
      if (st.isFile()) { total += st.size; files++; }
    } catch {
      // Not a file (an option's value): nothing to add.
    }
  }
  if (args.includes('--each') && jobs > 2 && files > 2) return false;
  return total >= PIPELINE_MIN_BYTES;
}
