/**
 * `mip6scope lint`: follow the flows of one or more captures and report every
 * place the signalling breaks RFC 6275, RFC 5142 or the reliability drafts.
 * Exit code 0 when nothing reaches --fail-on, 1 when something does, 2 for
 * unusable input or options.
 */
import { Option, type Command } from 'commander';
import { createEngine, RuleSelectionError, type Tolerance } from '../analyze/engine.js';
import { ALL_RULES } from '../analyze/rules/index.js';
import { SEVERITY_RANK, type Finding, type Severity } from '../analyze/types.js';
import { writeAnnotated } from '../output/annotate.js';
import { formatFindingsJson } from '../output/findings-json.js';
import { formatFindingsText } from '../output/findings-text.js';
import { formatJunit } from '../output/junit.js';
import { formatSarif } from '../output/sarif.js';
import { TimelineCollector, type TimelineEvent } from '../output/timeline.js';
import { MatchedFrames } from '../filter/index.js';
import {
  addCommonOptions, buildRunConfig, colorsFor, compileDisplayFilter, RECORD_OVERHEAD, startProgress, UsageError, usageText,
  type CommonOptionValues, type Terminal,
} from './options.js';
import { contextFor, describeProblems, runPipeline } from './pipeline.js';

const VERSION = '0.1.0';

export interface LintOptions extends CommonOptionValues {
  rules?: string[];
  disable?: string[];
  tolerance?: string;
  failOn?: Severity | 'never';
  format?: 'text' | 'json' | 'sarif' | 'junit';
  timeline?: boolean;
  annotate?: string;
}

export interface LintIo {
  out: (s: string) => void;
  err: (s: string) => void;
  /** Terminal facts for colour and the progress line (tests). */
  terminal?: Terminal;
}

const stdio: LintIo = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(`${s}\n`) };

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
    .option('--annotate <out.pcapng>', 'write a copy of the input with each finding as a packet comment');
  addCommonOptions(cmd);
  cmd.action(async (files: string[], opts: LintOptions) => {
    setExit(await lintMain(files, opts));
  });
}

/**
 * Run `lint`; returns the exit code (0 clean, 1 findings at or above --fail-on, 2 unusable input).
 *
 * With -Y the analyzer still sees every packet (a flow needs all of them), but only
 * findings on a frame the filter matched are reported, in every output and for the
 * exit code. Every finding points at a frame, including those concluded at the end
 * of the capture (they point at the packet they concern); one without a frame
 * (frame < 1) concerns the capture as a whole and is kept.
 */
export async function lintMain(files: string[], opts: LintOptions, io: LintIo = stdio): Promise<number> {
  let engine;
  let cfg;
  let ctx;
  let filter;
  try {
    cfg = buildRunConfig(opts, io.err);
    engine = createEngine({
      profile: cfg.profile,
      tolerance: opts.tolerance ? parseTolerance(opts.tolerance) : undefined,
      rules: opts.rules,
      disable: opts.disable,
    });
    ctx = contextFor(cfg);
    filter = compileDisplayFilter(opts.displayFilter);
  } catch (e) {
    if (e instanceof UsageError) { io.err(usageText(e)); return 2; }
    if (e instanceof RuleSelectionError) { io.err(`mip6scope: ${e.message}`); return 2; }
    throw e;
  }
  const format = opts.format ?? 'text';
  const term = io.terminal ?? {};
  const matched = filter ? new MatchedFrames() : null;
  const timeline = opts.timeline && format === 'text' ? new TimelineCollector(ctx.profile.mhTypes) : null;
  const progress = startProgress(files, format !== 'text', term);
  let start = NaN;
  const res = runPipeline(files, cfg, (c, frame, file, fileIndex) => {
    progress.packet(frame.caplen + RECORD_OVERHEAD);
    if (Number.isNaN(start)) start = frame.tsSec + frame.tsNsec / 1e9;
    if (matched && filter!.match(c.tree)) matched.add(fileIndex, frame.number);
    timeline?.add(c.tree, frame, file, fileIndex);
    engine.feed(c, frame, file, fileIndex);
  }, ctx);
  progress.done();
  const all = engine.finish();
  for (const m of describeProblems(res)) io.err(m);
  if (res.fatal) return 2;

  // Findings name their file; the same path given twice is two inputs, so try each index it has.
  const indices = new Map<string, number[]>();
  files.forEach((f, i) => { const l = indices.get(f); if (l) l.push(i); else indices.set(f, [i]); });
  const shown = (file: string, frame: number): boolean => {
    if (!matched || frame < 1) return true;
    for (const i of indices.get(file) ?? []) if (matched.has(i, frame)) return true;
    return false;
  };
  const findings = matched ? all.filter((f) => shown(f.file, f.frame)) : all;
  const events: TimelineEvent[] | undefined = timeline?.events().filter((e) => !matched || matched.has(e.fileIndex, e.frame));

  const catalog = engine.rules.map((r) => r.meta);
  switch (format) {
    case 'json':
      io.out(formatFindingsJson(findings, { files, packets: engine.packets, rules: catalog.length }));
      break;
    case 'sarif':
      io.out(formatSarif(findings, ALL_RULES.map((r) => r.meta), VERSION));
      break;
    case 'junit':
      io.out(formatJunit(findings, catalog, files.join(' ')));
      break;
    default:
      io.out(formatFindingsText(findings, catalog, {
        timeline: opts.timeline, events, multipleFiles: files.length > 1, start, packets: engine.packets,
        colors: colorsFor(opts, false, term), displayFilter: filter?.text,
      }));
  }
  if (opts.annotate) {
    try {
      writeAnnotated(files.filter((_f, i) => res.unopened.every((u) => u.file !== files[i])), findings, opts.annotate);
    } catch (e) {
      io.err(`mip6scope: cannot write ${opts.annotate}: ${(e as Error).message}\n  check that the directory exists and is writable`);
      return 2;
    }
  }
  if (res.unopened.length > 0) return 2;
  return exitCodeFor(findings, opts.failOn ?? 'error');
}

export function exitCodeFor(findings: readonly Finding[], failOn: Severity | 'never'): number {
  if (failOn === 'never') return 0;
  const min = SEVERITY_RANK[failOn];
  return findings.some((f) => SEVERITY_RANK[f.severity] >= min) ? 1 : 0;
}
