/**
 * `mip6scope stats`: summary tables over whole captures (tshark -z), or JSON.
 * With -Y only the packets the display filter matches are counted.
 */
import { Option, type Command } from 'commander';
import { directFacts } from '../analyze/direct.js';
import { Facts, mhKinds } from '../analyze/facts.js';
import { Sink } from '../output/sink.js';
import { StatsCollector, statsJson, statsText } from '../output/stats.js';
import {
  addCommonOptions, buildRunConfig, colorsFor, compileDisplayFilter, RECORD_OVERHEAD, refuseFieldOptions, startProgress, UsageError, usageText,
  type CommonOptionValues, type Terminal,
} from './options.js';
import { contextFor, describeProblems, LinkCensus, runPipeline, type FrameHandler } from './pipeline.js';

export interface StatsOptions extends CommonOptionValues {
  format?: 'text' | 'json';
}

export function registerStats(program: Command, setExit: (code: number) => void): void {
  const cmd = program
    .command('stats')
    .description('message counts per type, home agent, mobile node and ESP SA, with retransmission and response-time distributions (like tshark -z)')
    .argument('<files...>', 'pcap or pcapng files (merged by time); - reads standard input')
    .addOption(new Option('-T, --format <format>', 'output format').choices(['text', 'json']).default('text'));
  addCommonOptions(cmd);
  cmd.action((files: string[], opts: StatsOptions) => {
    setExit(statsMain(files, opts));
  });
}

/** Run `stats`; returns the exit code. */
export function statsMain(
  files: string[], opts: StatsOptions, out = new Sink(1), err: (s: string) => void = (s) => process.stderr.write(`${s}\n`), term: Terminal = {},
): number {
  let cfg;
  let ctx;
  let filter;
  try {
    cfg = buildRunConfig(opts, err);
    refuseFieldOptions(opts, 'stats');
    ctx = contextFor(cfg);
    filter = compileDisplayFilter(opts.displayFilter);
  } catch (e) {
    if (e instanceof UsageError) { err(usageText(e)); return 2; }
    throw e;
  }
  const json = opts.format === 'json';
  const stats = new StatsCollector(ctx.profile.mhTypes);
  const progress = startProgress(files, json, term);
  // Packets of a link type nothing is dissected in: a capture of only those would otherwise show empty tables as if it held no signalling.
  const census = new LinkCensus();
  // Without -Y, the packets HA signalling is mostly made of are counted from facts read from their bytes
  // (analyze/direct.ts, as lint does), and only the others are dissected.
  let direct: FrameHandler | undefined;
  if (!filter) {
    const facts = new Facts();
    const kinds = mhKinds(ctx.profile.mhTypes);
    direct = (c, frame, file, fileIndex) => {
      if (!directFacts(facts, c, frame, file, fileIndex, kinds, stats.addressTable) || !stats.addFacts(facts)) return false;
      progress.packet(frame.caplen + RECORD_OVERHEAD);
      census.add(frame, file);
      return true;
    };
  }
  const res = runPipeline(files, cfg, (c, frame, file) => {
    progress.packet(frame.caplen + RECORD_OVERHEAD);
    census.add(frame, file);
    if (filter && !filter.match(c.tree)) return;
    stats.add(c.tree, frame.tsSec + frame.tsNsec / 1e9);
  }, ctx, direct);
  progress.done();
  for (const m of describeProblems(res)) err(m);
  const undissected = census.message(res.packets, 'nothing in them is in the tables');
  if (undissected !== null) err(undissected);
  if (res.fatal || census.all(res.packets)) return 2;
  const report = stats.report();
  out.line(json ? statsJson(report) : statsText(report, { colors: colorsFor(opts, false, term), displayFilter: filter?.text }));
  out.flush();
  // The tables cover the files that opened; one that did not is unusable input (as lint).
  return res.unopened.length > 0 ? 2 : 0;
}
