/**
 * `mip6scope read`: every packet, one line each (tshark's default), the full
 * tree (-V), hex (-x), or JSON (-T json | ndjson).
 */
import { Option, type Command } from 'commander';
import { hexDump, packetJson, summaryLine, treeText } from '../output/packets.js';
import { Sink } from '../output/sink.js';
import { addCommonOptions, buildRunConfig, type CommonOptionValues } from './options.js';
import { describeProblems, runPipeline } from './pipeline.js';
import { unopenedSas } from '../dissect/esp.js';

export interface ReadOptions extends CommonOptionValues {
  verbose?: boolean;
  hex?: boolean;
  format?: 'text' | 'json' | 'ndjson';
}

export function registerRead(program: Command, setExit: (code: number) => void): void {
  const cmd = program
    .command('read')
    .description('dissect captures and print every packet (like tshark -r)')
    .argument('<files...>', 'pcap or pcapng files; - reads standard input')
    .option('-V, --verbose', 'print the full protocol tree of each packet')
    .option('-x, --hex', 'print a hex dump of each packet')
    .addOption(new Option('-T, --format <format>', 'output format').choices(['text', 'json', 'ndjson']).default('text'));
  addCommonOptions(cmd);
  cmd.action((files: string[], opts: ReadOptions) => {
    setExit(readMain(files, opts));
  });
}

/** Run `read`; returns the exit code. */
export function readMain(files: string[], opts: ReadOptions, out = new Sink(1), err: (s: string) => void = (s) => process.stderr.write(`${s}\n`)): number {
  const cfg = buildRunConfig(opts, err);
  const format = opts.format ?? 'text';
  let first = -1;
  let n = 0;
  if (format === 'json') out.line('[');
  const multi = files.length > 1;
  const res = runPipeline(files, cfg, (ctx, frame, file) => {
    const tree = ctx.tree;
    const t = frame.tsSec + frame.tsNsec / 1e9;
    if (first < 0) first = t;
    if (format === 'text') {
      if (opts.verbose) {
        out.line(`Frame ${frame.number}: ${frame.len} bytes on wire, ${frame.caplen} bytes captured${multi ? ` (${file})` : ''}`);
        out.line(treeText(tree));
        if (opts.hex) out.line(hexDump(tree));
        out.line('');
      } else {
        out.line(summaryLine(tree, frame, first));
        if (opts.hex) { out.line(hexDump(tree)); out.line(''); }
      }
    } else {
      const j = packetJson(tree, frame);
      if (multi) j.file = file;
      const s = JSON.stringify(j);
      out.line(format === 'json' ? `${n ? ',' : ''}${s}` : s);
    }
    n++;
    if (out.closed) return false;
  });
  if (format === 'json') out.line(']');
  out.flush();
  for (const m of describeProblems(res)) err(m);
  const ctxUnopened = unopenedSas(res.ctx);
  if (ctxUnopened.length) {
    err(`mip6scope: ESP that could not be opened (add keys with --esp-sa):`);
    for (const u of ctxUnopened) {
      err(`  SPI 0x${u.spi.toString(16).padStart(8, '0')} ${u.src} → ${u.dst}: ${u.packets} packet${u.packets === 1 ? '' : 's'}`);
    }
  }
  if (res.fatal) return 2;
  return 0;
}
