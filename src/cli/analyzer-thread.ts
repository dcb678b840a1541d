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
 * This module loads only the ring: it is imported before anything else.
 */
import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { createRing } from '../analyze/ring.js';
import type { Finding } from '../analyze/types.js';
import type { AnalyzeSettings } from './analyze-worker.js';

/** Words in the ring between the dissecting and the analyzing thread (1 MiB, some 7,000 packets). */
export const RING_WORDS = 1 << 18;

/**
 * Below this many bytes of capture, a merged analysis without --jobs runs on one
 * thread: starting the analyzing thread costs about a tenth of a second of this
 * thread's time, which the pipeline wins back only after some 75,000 packets.
 */
export const PIPELINE_MIN_BYTES = 8 << 20;

export interface AnalyzerThread {
  worker: Worker;
  sab: SharedArrayBuffer;
  /** Settles with the thread's findings once the ring is closed, or its error (it never rejects unhandled). */
  done: Promise<{ findings: Finding[]; packets: number }>;
  /** Hand over the settings; the thread starts reading the ring. */
  start(settings: AnalyzeSettings): void;
}

export function workerUrl(name: 'lint-worker' | 'analyze-worker'): URL {
  // From the compiled dist/ the worker is beside this module; run from source (tests), use the compiled one.
  return import.meta.url.endsWith('.ts') ? new URL(`../../dist/cli/${name}.js`, import.meta.url) : new URL(`./${name}.js`, import.meta.url);
}

/** Start an analyzing thread, idle until start(). It does not keep the process alive until then. */
export function spawnAnalyzer(): AnalyzerThread {
  const sab = createRing(RING_WORDS);
  const worker = new Worker(workerUrl('analyze-worker'), {
    workerData: { sab },
    // Like the main thread's (see bin/mip6scope.js): a small young generation, as little is allocated per packet.
    resourceLimits: { maxYoungGenerationSizeMb: 6 },
  });
  worker.unref();
  // Listeners from the start: an error or exit before lint looks must still settle `done`.
  const done = new Promise<{ findings: Finding[]; packets: number }>((resolveIt, reject) => {
    worker.once('message', (m: { result?: { findings: Finding[]; packets: number }; error?: string }) => {
      if (m.error !== undefined) reject(new Error(m.error)); else resolveIt(m.result!);
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the analysis thread exited with code ${code}`)));
  });
  // Keep a rejection that arrives while this thread is busy from counting as unhandled.
  done.catch(() => {});
  return {
    worker, sab, done,
    start(settings) {
      // From now on the run waits for it.
      worker.ref();
      worker.postMessage(settings);
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
 * Whether `lint` with these arguments (after the command word) will most likely run
 * a merged analysis on two threads: no --each, no --jobs 1, two cores, and files
 * adding up to PIPELINE_MIN_BYTES or more. A guess from the raw arguments (an
 * option's value may be counted as a file); lint decides, and stops the thread if not.
 */
export function likelyPipelined(args: readonly string[]): boolean {
  if (args.includes('--each') || availableParallelism() < 2) return false;
  const jobs = args.indexOf('--jobs');
  if (jobs >= 0 && !(Number(args[jobs + 1]) >= 2)) return false;
  let total = 0;
  for (const a of args) {
    if (a === '-') return false;
    if (a.startsWith('-')) continue;
    try {
      const st = statSync(a);
      if (st.isFile()) total += st.size;
    } catch {
      // Not a file (an option's value): nothing to add.
    }
  }
  return total >= PIPELINE_MIN_BYTES;
}
