/**
 * `mip6scope read`: every packet, one line each (tshark's default), the full
 * tree (-V), hex (-x), JSON (-T json | ndjson) or fields (-T fields); -Y keeps
 * the packets a display filter matches; -w copies them to a capture file.
 */
import type { Command } from 'commander';
import { CaptureCopy } from '../output/capture-copy.js';
import { Sink } from '../output/sink.js';
import { packetPrinter, type ReadOptions } from './read-print.js';
import {
  addCommonOptions, buildRunConfig, colorsFor, compileDisplayFilter, fieldOptionsOf, RECORD_OVERHEAD, sameFile, startProgress, UsageError, usageText,
  type Terminal,
} from './options.js';
import { addPrintOptions, checkFieldsUsage } from './print-options.js';
import { contextFor, describeProblems, runPipeline, type FrameHandler, type PacketHandler } from './pipeline.js';
import { readSplit, splitPlan } from './read-split.js';
import { unopenedSas } from '../dissect/esp.js';

export type { ReadOptions } from './read-print.js';

export function registerRead(program: Command, setExit: (code: number) => void): void {
  const cmd = addPrintOptions(program
    .command('read')
    .description('dissect captures and print every packet (like tshark -r)')
    .argument('<files...>', 'pcap or pcapng files; - reads standard input'))
    .option('-w, --write <file>', 'write the packets (those -Y keeps, up to -c) to a pcapng file instead of printing them; - is standard output')
    .option('-P, --print', 'with -w: print the packets as well')
    .option('--jobs <n>', 'threads to use (default: one per core): a large capture file is read in two parts at once');
  addCommonOptions(cmd);
  cmd.action((files: string[], opts: ReadOptions) => {
    setExit(readMain(files, opts));
  });
}

/** -w: not onto an input (it would be truncated before it is read), and with -P not onto the printed output. */
function checkWrite(files: readonly string[], opts: ReadOptions): void {
  const w = opts.write;
  if (w === undefined) {
    if (opts.print) throw new UsageError('-P prints the packets while -w writes them: give -w FILE too, or drop -P');
    return;
  }
  if (w === '-') {
    if (opts.print) throw new UsageError('-w - writes the capture to standard output, where -P would print too', 'write the capture to a file, or drop -P');
    if (files.includes('-')) return;
  }
  const input = files.find((f) => sameFile(f, w));
  if (input !== undefined) throw new UsageError(`-w ${w} is the input file ${input}: writing it would destroy the capture being read`, 'write to another file');
}

/** Run `read`; returns the exit code. */
export function readMain(
  files: string[], opts: ReadOptions, out = new Sink(1), err: (s: string) => void = (s) => process.stderr.write(`${s}\n`), term: Terminal = {},
): number {
  const format = opts.format ?? 'text';
  let cfg;
  let ctx;
  let filter;
  try {
    cfg = buildRunConfig(opts, err);
    // The filter's value names come from the run's profile: compile once the context exists, before any file is opened.
    ctx = contextFor(cfg);
    filter = compileDisplayFilter(opts.displayFilter);
    checkFieldsUsage(opts);
    checkWrite(files, opts);
    if (opts.jobs !== undefined && !(Number.isInteger(Number(opts.jobs)) && Number(opts.jobs) >= 1)) throw new UsageError(`--jobs ${opts.jobs}: give a whole number of threads, 1 or more`);
  } catch (e) {
    if (e instanceof UsageError) { err(usageText(e)); return 2; }
    throw e;
  }
  let copy: CaptureCopy | null = null;
  if (opts.write !== undefined) {
    try {
      copy = new CaptureCopy(opts.write === '-' ? 1 : opts.write, 'mip6scope read');
    } catch (e) {
      err(`mip6scope: cannot write ${opts.write}: ${(e as Error).message}\n  check the directory exists and is writable`);
      return 2;
    }
  }
  // With -w (and no -P) nothing is printed, as tshark -w.
  const printing = copy === null || opts.print === true;
  const colors = colorsFor(opts, format !== 'text', term);
  // Packets scrolling on the terminal are progress enough; the line would land among them.
  const progress = startProgress(files, format !== 'text', term, !(term.stdoutIsTTY ?? process.stdout.isTTY === true));
  let first = -1;
  let n = 0;
  const multi = files.length > 1;
  const printer = packetPrinter(opts, out, colors, multi, fieldOptionsOf(opts));
  const head = printing ? printer.start() : null;
  if (head !== null) out.line(head);
  const onFrame: PacketHandler = (c, frame, file) => {
    progress.packet(frame.caplen + RECORD_OVERHEAD);
    const tree = c.tree;
    const t = frame.tsSec + frame.tsNsec / 1e9;
    // Times stay relative to the first packet of the capture, shown or not (as tshark does).
    if (first < 0) first = t;
    printer.seen(frame);
    if (filter && !filter.match(tree)) return out.closed ? false : undefined;
    if (copy) {
      copy.write(frame, file);
      // -w - into a pipe whose reader has gone: nothing more to do.
      if (copy.readerGone) return false;
    }
    if (!printing) return;
    printer.print(tree, frame, file, first, n);
    n++;
    if (out.closed) return false;
  };
  // Summary lines of the usual signalling are written from the frames' bytes, without a dissection (DirectSummary).
  const directLine = printer.direct;
  const direct: FrameHandler | undefined = directLine && !filter && !copy && printing
    ? (c, frame) => {
      const t = frame.tsSec + frame.tsNsec / 1e9;
      if (!directLine(c, frame, first < 0 ? t : first)) return false;
      progress.packet(frame.caplen + RECORD_OVERHEAD);
      if (first < 0) first = t;
      n++;
      return out.closed ? null : true;
    }
    : undefined;
  const split = splitPlan(files, opts, cfg, out);
  let res;
  if (split) {
    const r = readSplit(split, cfg, ctx, onFrame, { opts, color: colors.enabled, out, progress, printed: () => n }, direct);
    res = r.result;
    n += r.printed;
  } else {
    res = runPipeline(files, cfg, onFrame, ctx, direct);
  }
  progress.done();
  if (format === 'json' && printing) out.line(']');
  out.flush();
  if (copy) {
    copy.close();
    if (opts.write !== '-') err(`mip6scope: ${copy.written} packet${copy.written === 1 ? '' : 's'} written to ${opts.write}`);
  }
  for (const m of describeProblems(res)) err(m);
  const ctxUnopened = res.unopenedSas ?? unopenedSas(res.ctx);
  if (ctxUnopened.length) {
    err(`mip6scope: ESP that could not be opened (add keys with --esp-sa):`);
    for (const u of ctxUnopened) {
      err(`  SPI 0x${u.spi.toString(16).padStart(8, '0')} ${u.src} → ${u.dst}: ${u.packets} packet${u.packets === 1 ? '' : 's'}`);
    }
  }
  // A file that could not be opened is unusable input, whatever the others gave (as lint); none opened is `fatal`.
  return res.unopened.length > 0 ? 2 : 0;
}
