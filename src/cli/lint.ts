/**
 * `mip6scope lint`: follow the flows of one or more captures and report every
 * place the signalling breaks RFC 6275, RFC 5142 or the reliability drafts.
 * Exit code 0 when nothing reaches --fail-on, 1 when something does, 2 for
 * unusable input or options.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { Option, type Command } from 'commander';
import { createEngine, RuleSelectionError, type Tolerance } from '../analyze/engine.js';
import type { Frame } from '../capture/frame.js';
import { FactExtractor, type Facts } from '../analyze/facts.js';
import { resolveFields } from '../analyze/fields.js';
import { SaWindows } from '../analyze/sa-windows.js';
import { extractDirect } from '../analyze/direct.js';
import { createRing, RingFailed, RingWriter } from '../analyze/ring.js';
import { FactsEncoder } from '../analyze/wire.js';
import { ALL_RULES } from '../analyze/rules/index.js';
import { SEVERITY_RANK, type Finding, type Severity } from '../analyze/types.js';
import { OutputError } from '../output/write-fully.js';
import { Sink } from '../output/sink.js';
import { writeFindingsJson } from '../output/findings-json.js';
import { writeFindingsText } from '../output/findings-text.js';
import { writeJunit } from '../output/junit.js';
import { writeSarif } from '../output/sarif.js';
import { TimelineCollector, type TimelineEvent } from '../output/timeline.js';
import { MatchedFrames } from '../filter/index.js';
import type { PacketCounter, Progress } from '../output/progress.js';
import {
  addCommonOptions, buildRunConfig, colorsFor, compileDisplayFilter, inputBytes, RECORD_OVERHEAD, refuseFieldOptions, sameFile, startProgress, UsageError, usageText,
  type CommonOptionValues, type Terminal,
} from './options.js';
import { contextFor, describeProblems, LinkCensus, runPipeline, type FrameHandler } from './pipeline.js';
import { dropEarlyAnalyzer, PIPELINE_MIN_BYTES, RING_WORDS, spawnAnalyzer, takeEarlyAnalyzer, workerUrl, type AnalyzerThread } from './analyzer-thread.js';

const VERSION = '0.1.0';

export interface LintOptions extends CommonOptionValues {
  rules?: string[];
  disable?: string[];
  tolerance?: string;
  failOn?: Severity | 'never';
  format?: 'text' | 'json' | 'sarif' | 'junit';
  timeline?: boolean;
  annotate?: string;
  /** Analyze every file on its own instead of merging them. */
  each?: boolean;
  /** Threads (default: one per core): a merged analysis dissects on one and analyzes on another, as --each does with two; --each with more runs a file per thread. */
  jobs?: string | number;
}

export interface LintIo {
  out: (s: string) => void;
  err: (s: string) => void;
  /** Terminal facts for colour and the progress line (tests). */
  terminal?: Terminal;
}

/**
 * Reports go to standard output synchronously (a Sink, flushed after each piece;
 * through process.stdout the pieces of a large report, json-stream.ts, queued in
 * memory whenever a pipe's reader fell behind). A reader that went away (`| head`)
 * ends the output quietly; a full disk is an OutputError (exit 2).
 */
const stdoutSink = new Sink(1);
const stdio: LintIo = {
  out: (s) => { stdoutSink.text(s); stdoutSink.flush(); },
  err: (s) => process.stderr.write(`${s}\n`),
};

const list = (v: string, prev: string[] = []): string[] => [...prev, ...v.split(',').map((x) => x.trim()).filter(Boolean)];

/** "10%", "0.1", "10%,0.05" (fraction, then the absolute floor in seconds). */
export function parseTolerance(text: string): Partial<Tolerance> {
  const [frac, floor] = text.split(',');
  const parse = (s: string, pct: boolean): number => {
    const t = s.trim();
    const v = t.endsWith('%') ? Number(t.slice(0, -1)) / 100 : t.endsWith('ms') ? Number(t.slice(0, -2)) / 1000 : Number(t.replace(/s$/, ''));
    if (!Number.isFinite(v) || v < 0 || (pct && v >= 1)) throw new UsageError(`--tolerance ${text}: give a fraction like 10% or 0.1, optionally with a floor like 10%,50ms`);
    return v;
  };
  const out: Partial<Tolerance> = {};
  if (frac !== undefined && frac.trim() !== '') out.fraction = parse(frac, true);
  if (floor !== undefined) out.floor = parse(floor, false);
  return out;
}

export function registerLint(program: Command, setExit: (code: number) => void = (c) => { process.exitCode = c; }): void {
  const cmd = program
    .command('lint')
    .description('check captures against RFC 6275, RFC 5142 and the HA reliability drafts; findings with frame and spec section')
    .argument('<files...>', 'pcap or pcapng files, merged by time (captures taken at several HAs)')
    .option('--rules <ids>', 'run only these rules (comma-separated; PREFIX* selects a family, e.g. HAS-*)', list)
    .option('--disable <ids>', 'switch these rules off (comma-separated)', list)
    .option('--tolerance <value>', 'timing tolerance: fraction and absolute floor (default 10%,50ms)')
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding is at least this severe').choices(['error', 'warning', 'info', 'never']).default('error'))
    .addOption(new Option('-T, --format <format>', 'output format').choices(['text', 'json', 'sarif', 'junit']).default('text'))
    .option('--timeline', 'also print the failover and switch timeline')
    .option('--annotate <out.pcapng>', 'write a copy of the input with each finding as a packet comment')
    .option('--each', 'analyze every file on its own (independent captures) instead of merging them by time')
    .option('--jobs <n>', 'threads to use (default: one per core; one below 8 MiB of capture): a merged analysis dissects on one and analyzes on another, as --each does with two, file after file; --each with more analyzes that many files at a time');
  addCommonOptions(cmd);
  cmd.action(async (files: string[], opts: LintOptions) => {
    setExit(await lintMain(files, opts));
  });
}

/** What analyzing one group of files (merged by time) produced; plain data, so a worker thread can send it. */
export interface GroupResult {
  files: string[];
  /** Findings to report (already narrowed by -Y). */
  findings: Finding[];
  packets: number;
  /** Messages for stderr (capture problems). */
  messages: string[];
  /** No file of the group could be used at all (none opened, or no packet of a link type that is dissected). */
  fatal: boolean;
  /** Files that could not be opened. */
  unopened: string[];
  /** Time of the first packet (NaN: none). */
  start: number;
  events?: TimelineEvent[];
  /** Whether a finding on (file, frame) passes -Y (main thread only: not sent by workers). */
  shown?: (file: string, frame: number) => boolean;
}

/**
 * Analyze `files` as one capture (merged by time) with one engine. Throws
 * UsageError / RuleSelectionError for bad options, before reading anything.
 *
 * With -Y the analyzer still sees every packet (a flow needs all of them), but only
 * findings on a frame the filter matched are reported, in every output and for the
 * exit code. Every finding points at a frame, including those concluded at the end
 * of the capture (they point at the packet they concern); one without a frame
 * (frame < 1) concerns the capture as a whole and is kept.
 */
export function lintGroup(files: string[], opts: LintOptions, term: Terminal = {}, counter?: PacketCounter, ship?: FactsEncoder): GroupResult {
  const cfg = buildRunConfig(opts, () => {});
  // With `ship`, this thread dissects and sends each packet's facts to the analysis thread; else it analyzes too.
  const engine = ship ? null : createEngine({
    profile: cfg.profile,
    tolerance: opts.tolerance ? parseTolerance(opts.tolerance) : undefined,
    rules: opts.rules,
    disable: opts.disable,
  });
  const extractor = ship ? new FactExtractor(resolveFields(), cfg.profile.mhTypes, ship.addresses) : null;
  // Shipping, this thread keeps the SAs' anti-replay windows (the analyzing thread is the busier one).
  const windows = ship ? new SaWindows() : null;
  const send = (facts: Facts): void => {
    windows!.judgeRecorded(facts, ship!.addresses.words);
    ship!.send(facts);
  };
  const ctx = contextFor(cfg);
  const filter = compileDisplayFilter(opts.displayFilter);
  const format = opts.format ?? 'text';
  const matched = filter ? new MatchedFrames() : null;
  const timeline = opts.timeline && format === 'text' ? new TimelineCollector(ctx.profile.mhTypes) : null;
  // Several groups (--each) share the caller's progress line; one group has its own.
  const progress = counter ?? startProgress(files, format !== 'text', term);
  let start = NaN;
  // Packets of a link type nothing is dissected in: a capture of only those would otherwise lint "clean".
  const census = new LinkCensus();
  const account = (frame: Frame, file: string): void => {
    progress.packet(frame.caplen + RECORD_OVERHEAD);
    census.add(frame, file);
    if (Number.isNaN(start)) start = frame.tsSec + frame.tsNsec / 1e9;
  };
  // Without -Y or a timeline, nothing needs a packet's tree but its facts: most frames' facts are read
  // from their bytes (analyze/direct.ts), and only the others are dissected.
  let direct: FrameHandler | undefined;
  if (!matched && !timeline) {
    const ex = engine ? engine.extractor : extractor!;
    direct = (c, frame, file, fileIndex) => {
      const facts = extractDirect(ex, c, frame, file, fileIndex);
      if (facts === null) return false;
      account(frame, file);
      if (engine) engine.feedFacts(facts);
      else send(facts);
      return true;
    };
  }
  const res = runPipeline(files, cfg, (c, frame, file, fileIndex) => {
    account(frame, file);
    if (matched && filter!.match(c.tree)) matched.add(fileIndex, frame.number);
    timeline?.add(c.tree, frame, file, fileIndex);
    if (engine) engine.feed(c, frame, file, fileIndex);
    else send(extractor!.extract(c, frame, file, fileIndex));
  }, ctx, direct);
  if (!counter) progress.done();
  const all = engine ? engine.finish() : [];

  const shown = shownBy(files, matched);
  const messages = describeProblems(res);
  const undissected = census.message(res.packets, 'nothing in them was checked');
  if (undissected !== null) messages.push(undissected);
  return {
    files,
    findings: matched ? all.filter((f) => shown(f.file, f.frame)) : all,
    packets: res.packets,
    messages,
    // Nothing could be analyzed: unusable input, not a clean capture.
    fatal: res.fatal || census.all(res.packets),
    unopened: res.unopened.map((u) => u.file),
    start,
    events: timeline?.events().filter((e) => !matched || matched.has(e.fileIndex, e.frame)),
    shown,
  };
}

/**
 * Whether a finding on (file, frame) passes -Y. Made apart from lintGroup: a
 * closure made there would hold every variable its other closures use (the
 * engine and its tables among them) for as long as the result is kept, which
 * with --each is until the last file is done.
 */
function shownBy(files: readonly string[], matched: MatchedFrames | null): (file: string, frame: number) => boolean {
  // Findings name their file; the same path given twice is two inputs, so try each index it has.
  const indices = new Map<string, number[]>();
  files.forEach((f, i) => { const l = indices.get(f); if (l) l.push(i); else indices.set(f, [i]); });
  return (file, frame) => {
    if (!matched || frame < 1) return true;
    for (const i of indices.get(file) ?? []) if (matched.has(i, frame)) return true;
    return false;
  };
}

/**
 * Run `lint`; returns the exit code (0 clean, 1 findings at or above --fail-on, 2 unusable input).
 *
 * By default every file is one input to one analysis (captures taken at several
 * HAs, merged by time). With --each, every file is analyzed on its own (a corpus
 * of independent test captures), and the analyses are reported together in file
 * order: on two threads (--jobs 2, or two cores) one file after the other, each
 * read on this thread and analyzed on the other; with more, a pool of worker
 * threads, --jobs files at a time. Inputs under 8 MiB in all are analyzed on one
 * thread unless --jobs says otherwise.
 */
export async function lintMain(files: string[], opts: LintOptions, io: LintIo = stdio): Promise<number> {
  try {
    return await lintRun(files, opts, io);
  } finally {
    // An analyzing thread started early (main.ts) that this run did not take.
    dropEarlyAnalyzer();
  }
}

async function lintRun(files: string[], opts: LintOptions, io: LintIo): Promise<number> {
  const format = opts.format ?? 'text';
  const term = io.terminal ?? {};
  let catalog;
  let filterText: string | undefined;
  try {
    // Check every option before reading anything (the groups repeat this cheaply).
    buildRunConfig(opts, io.err);
    refuseFieldOptions(opts, 'lint');
    catalog = createEngine({
      tolerance: opts.tolerance ? parseTolerance(opts.tolerance) : undefined, rules: opts.rules, disable: opts.disable,
    }).rules.map((r) => r.meta);
    if (opts.each && opts.annotate) throw new UsageError('--annotate writes one annotated capture of a merged analysis; drop --each, or annotate each file in its own run');
    if (opts.annotate) {
      // The annotated copy is written from a second reading of each input.
      if (files.includes('-')) throw new UsageError('--annotate reads the capture twice, and standard input can be read only once', 'save the capture to a file and give its path');
      const input = files.find((f) => sameFile(f, opts.annotate!));
      if (input !== undefined) throw new UsageError(`--annotate ${opts.annotate} is the input file ${input}: writing it would destroy the capture being read`, 'write the annotated copy to another file');
    }
    if (opts.jobs !== undefined && !(Number.isInteger(Number(opts.jobs)) && Number(opts.jobs) >= 1)) throw new UsageError(`--jobs ${opts.jobs}: give a whole number of threads, 1 or more`);
    contextFor(buildRunConfig(opts, () => {}));
    filterText = compileDisplayFilter(opts.displayFilter)?.text;
  } catch (e) {
    if (e instanceof UsageError) { io.err(usageText(e)); return 2; }
    if (e instanceof RuleSelectionError) { io.err(`mip6scope: ${e.message}`); return 2; }
    throw e;
  }

  let results: GroupResult[];
  if (!opts.each) {
    const jobs = opts.jobs !== undefined ? Number(opts.jobs) : smallInput(files) ? 1 : availableParallelism();
    results = [jobs > 1 ? await lintPipelined(files, opts, term) : lintGroup(files, opts, term)];
  } else {
    // Small inputs on one thread, as a merged analysis (starting a thread would cost more than it saves).
    const jobs = opts.jobs !== undefined ? Number(opts.jobs) : smallInput(files) ? 1 : availableParallelism();
    // One progress line over every file, whichever thread reads it.
    const progress = startProgress(files, format !== 'text', term);
    try {
      // Two threads: the files one after the other, each read on this thread and analyzed on the other (one
      // thread start, warmed up across files); more: a pool of threads, each analyzing whole files on its own.
      results = jobs > 2 && files.length > 2 ? await lintInWorkers(files, opts, Math.min(jobs, files.length), progress)
        : jobs >= 2 ? await lintEachPipelined(files, opts, term, progress)
          : files.map((f) => lintGroup([f], opts, term, progress));
    } finally {
      progress.done();
    }
  }
  for (const r of results) for (const m of r.messages) io.err(m);
  if (results.every((r) => r.fatal)) return 2;

  const findings = results.flatMap((r) => r.findings);
  const packets = results.reduce((n, r) => n + r.packets, 0);
  const starts = results.map((r) => r.start).filter((t) => !Number.isNaN(t));
  const events = opts.timeline && format === 'text' ? results.flatMap((r) => r.events ?? []) : undefined;
  switch (format) {
    case 'json':
      writeFindingsJson(findings, { files, packets, rules: catalog.length }, io.out);
      break;
    case 'sarif':
      writeSarif(findings, ALL_RULES.map((r) => r.meta), VERSION, io.out);
      break;
    case 'junit':
      writeJunit(findings, catalog, files.join(' '), io.out);
      break;
    default:
      writeFindingsText(findings, catalog, {
        timeline: opts.timeline, events, multipleFiles: files.length > 1, start: starts.length ? Math.min(...starts) : NaN, packets,
        colors: colorsFor(opts, false, term), displayFilter: filterText,
      }, io.out);
  }
  if (opts.annotate) {
    const unopened = new Set(results.flatMap((r) => r.unopened));
    try {
      // Loaded only for --annotate (with the capture writer it needs).
      const { writeAnnotated } = await import('../output/annotate.js');
      writeAnnotated(files.filter((f) => !unopened.has(f)), findings, opts.annotate);
    } catch (e) {
      // Opening it (no such directory, no permission) or writing it (a full disk).
      if (e instanceof OutputError) io.err(`mip6scope: ${e.message}\n  ${e.hint}`);
      else io.err(`mip6scope: cannot write ${opts.annotate}: ${(e as Error).message}\n  check that the directory exists and is writable`);
      return 2;
    }
  }
  if (results.some((r) => r.unopened.length > 0 || r.fatal)) return 2;
  return exitCodeFor(findings, opts.failOn ?? 'error');
}

/** Regular files whose sizes add up to less than PIPELINE_MIN_BYTES (standard input and pipes never are). */
function smallInput(files: readonly string[]): boolean {
  const total = inputBytes(files);
  return total !== null && total < PIPELINE_MIN_BYTES;
}

/**
 * One merged analysis on two cores, as a pipeline: this thread reads and
 * dissects each packet and extracts its facts (and evaluates -Y and the
 * timeline, which need the protocol tree); a worker thread runs the engine and
 * every rule over those facts, shipped through a shared ring. One engine sees
 * every packet, so the findings are those of a single-thread run, in its order.
 */
function lintPipelined(files: string[], opts: LintOptions, term: Terminal): Promise<GroupResult> {
  return withAnalyzer((thread) => pipelined(thread, files, opts, term));
}

/**
 * lint --each on two cores: the files one after the other, each a pipeline as
 * lintPipelined's, all through one analyzing thread (started once, its code
 * warmed up by the files before). Each file is its own analysis (its own engine).
 */
function lintEachPipelined(files: string[], opts: LintOptions, term: Terminal, progress: Progress): Promise<GroupResult[]> {
  return withAnalyzer(async (thread) => {
    const results: GroupResult[] = [];
    for (const f of files) results.push(await pipelined(thread, [f], opts, term, progress));
    return results;
  });
}

/** Run `use` with the analyzing thread (the one started early, or a new one), stopped after. */
async function withAnalyzer<T>(use: (thread: AnalyzerThread) => Promise<T>): Promise<T> {
  const thread = takeEarlyAnalyzer() ?? spawnAnalyzer();
  try {
    return await use(thread);
  } finally {
    void thread.worker.terminate();
  }
}

/** One analysis of `files` through the analyzing thread: this thread reads and extracts, the other runs the rules. */
async function pipelined(thread: AnalyzerThread, files: string[], opts: LintOptions, term: Terminal, counter?: PacketCounter): Promise<GroupResult> {
  const cfg = buildRunConfig(opts, () => {});
  const sab = createRing(RING_WORDS);
  const analyzed = thread.run({
    files, profile: cfg.profile, tolerance: opts.tolerance ? parseTolerance(opts.tolerance) : undefined, rules: opts.rules, disable: opts.disable,
  }, sab);
  const ring = new RingWriter(sab);
  const encoder = new FactsEncoder(ring);
  let main: GroupResult;
  try {
    main = lintGroup(files, opts, term, counter, encoder);
    ring.close();
  } catch (e) {
    void thread.worker.terminate();
    // The analysis thread's own error says more than "it stopped".
    if (e instanceof RingFailed) await analyzed;
    throw e;
  }
  const rest = await analyzed;
  const shown = main.shown ?? (() => true);
  main.findings = rest.findings.filter((f) => shown(f.file, f.frame));
  main.packets = rest.packets;
  return main;
}

/** Analyze each file in a pool of `jobs` worker threads; results in file order. */
async function lintInWorkers(files: string[], opts: LintOptions, jobs: number, progress: Progress): Promise<GroupResult[]> {
  const results: GroupResult[] = new Array(files.length);
  const url = workerUrl('lint-worker');
  let next = 0;
  const runWorker = (): Promise<void> => new Promise((resolveRun, reject) => {
    const w = new Worker(url, { workerData: { opts, progress: true }, resourceLimits: { maxYoungGenerationSizeMb: 6 } });
    const feed = (): void => {
      if (next >= files.length) { void w.terminate(); resolveRun(); return; }
      const i = next++;
      w.postMessage({ index: i, files: [files[i]] });
    };
    w.on('message', (m: { index: number; result?: GroupResult; error?: string; progress?: { packets: number; bytes: number } }) => {
      if (m.progress) { progress.add(m.progress.packets, m.progress.bytes); return; }
      if (m.error !== undefined) { void w.terminate(); reject(new Error(m.error)); return; }
      results[m.index] = m.result!;
      feed();
    });
    w.on('error', reject);
    feed();
  });
  await Promise.all(Array.from({ length: jobs }, runWorker));
  return results;
}

export function exitCodeFor(findings: readonly Finding[], failOn: Severity | 'never'): number {
  if (failOn === 'never') return 0;
  const min = SEVERITY_RANK[failOn];
  return findings.some((f) => SEVERITY_RANK[f.severity] >= min) ? 1 : 0;
}
