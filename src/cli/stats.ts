/**
 * `mip6scope stats`: summary tables over whole captures (tshark -z), or JSON.
 */
import { Option, type Command } from 'commander';
import { Sink } from '../output/sink.js';
import { StatsCollector, statsJson, statsText } from '../output/stats.js';
import { addCommonOptions, buildRunConfig, type CommonOptionValues } from './options.js';
import { contextFor, describeProblems, runPipeline } from './pipeline.js';

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
export function statsMain(files: string[], opts: StatsOptions, out = new Sink(1), err: (s: string) => void = (s) => process.stderr.write(`${s}\n`)): number {
  const cfg = buildRunConfig(opts, err);
  const ctx = contextFor(cfg);
  const stats = new StatsCollector(ctx.profile.mhTypes);
  const res = runPipeline(files, cfg, (c, frame) => {
    stats.add(c.tree, frame.tsSec + frame.tsNsec / 1e9);
  }, ctx);
  for (const m of describeProblems(res)) err(m);
  if (res.fatal) return 2;
  const report = stats.report();
  out.line(opts.format === 'json' ? statsJson(report) : statsText(report));
  out.flush();
  return 0;
}
