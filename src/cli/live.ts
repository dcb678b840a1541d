/**
 * `mip6scope live`: capture on an interface and print packets as they arrive (like
 * `tshark -i`), optionally running the analyzer with findings printed the moment they
 * are known, and saving what was captured with the findings as packet comments.
 */
import { Option, type Command } from 'commander';
import {
  createRecorder, DEFAULT_CAPTURE_FILTER, listInterfaces, monotonicClock, openLive, type RingOptions,
  type ClockTime, type InterfaceInfo, type LiveSource, type Recorder,
} from '../capture/live.js';
import type { Frame } from '../capture/frame.js';
import { linkTypeName } from '../capture/linktypes.js';
import { DISSECTED_LINKTYPES, DISSECTED_LINKTYPES_TEXT } from '../dissect/link.js';
import { createEngine, RuleSelectionError, type Engine } from '../analyze/engine.js';
import { SEVERITY_RANK, type Finding, type Severity } from '../analyze/types.js';
import { dissectFrame } from '../dissect/index.js';
import { unopenedSas } from '../dissect/esp.js';
import { RecentFrames } from '../filter/index.js';
import { commentFor } from '../output/annotate.js';
import { colorize, type Colors } from '../output/color.js';
import type { TimeFormat } from '../output/time-column.js';
import { Sink } from '../output/sink.js';
import {
  addCommonOptions, buildRunConfig, colorsFor, compileDisplayFilter, fieldOptionsOf, UsageError,
  type CommonOptionValues, type RunConfig, type Terminal,
} from './options.js';
import { addPrintOptions, checkFieldsUsage } from './print-options.js';
import { parseTolerance } from './lint.js';
import { contextFor } from './pipeline.js';
import { packetPrinter } from './read-print.js';

export interface LiveCommandOptions extends CommonOptionValues {
  interface?: string;
  listInterfaces?: boolean;
  captureFilter?: string;
  snapshotLength?: number;
  promisc?: boolean;
  bufferSize?: number;
  verbose?: boolean;
  /** -O: show the tree of these protocols only; implies -V. */
  protocols?: string[];
  hex?: boolean;
  format?: 'text' | 'json' | 'ndjson' | 'fields';
  /** -e: the fields -T fields prints. */
  field?: string[];
  /** -t: the Time column's format. */
  timeFormat?: TimeFormat;
  lint?: boolean;
  rules?: string[];
  disable?: string[];
  failOn?: Severity | 'never';
  tolerance?: string;
  idleTimeout?: number;
  write?: string;
  /** -b: the ring buffer of -w files, dumpcap's way (filesize:kB, duration:s, files:N). */
  ringBuffer?: RingOptions;
  duration?: number;
}

/** What liveMain talks to; tests replace the capture and the clock. */
export interface LiveIo {
  out: Sink;
  err: (line: string) => void;
  /** Aborting stops the capture cleanly (the command wires SIGINT and SIGTERM to it). */
  signal?: AbortSignal;
  open?: typeof openLive;
  list?: () => InterfaceInfo[];
  clock?: () => ClockTime;
  /** How often the clock advances the analyzer's timers and releases held frames (ms). */
  tickMs?: number;
  /** Terminal facts for colour (tests). */
  terminal?: Terminal;
}

/** Why a capture ended, for the summary. */
type StopReason = 'interrupted' | 'count' | 'duration' | 'output closed' | 'failed';

const positiveNumber = (flag: string, integer: boolean) => (v: string): number => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || (integer && !Number.isInteger(n))) {
    throw new UsageError(`${flag} ${v}: give ${integer ? 'a whole number' : 'a number'} ≥ 0`);
  }
  return n;
};
const idList = (v: string, prev: string[] = []): string[] => [...prev, ...v.split(',').map((s) => s.trim()).filter(Boolean)];

export function registerLive(program: Command, setExit: (code: number) => void): void {
  const cmd = program
    .command('live')
    .description('capture on an interface and dissect packets as they arrive (like tshark -i)')
    .option('-i, --interface <name>', 'interface to capture on (-D lists them)')
    .option('-D, --list-interfaces', 'list the interfaces that can be captured on and exit')
    .option('-f, --capture-filter <bpf>', 'capture filter in pcap-filter syntax; "" captures everything', DEFAULT_CAPTURE_FILTER)
    .addOption(new Option('-s, --snapshot-length <bytes>', 'bytes kept of each packet (0: all)').argParser(positiveNumber('-s', true)))
    .option('--no-promisc', 'do not capture frames addressed to other hosts')
    .addOption(new Option('-B, --buffer-size <MiB>', 'kernel capture buffer in MiB').argParser(positiveNumber('-B', false)))
    .option('--lint', 'run the conformance rules and print findings as soon as they are known')
    .option('--rules <ids>', 'with --lint: only these rule ids (comma separated, ID* for a family)', idList)
    .option('--disable <ids>', 'with --lint: switch these rule ids off', idList)
    .addOption(new Option('--fail-on <severity>', 'with --lint: exit 1 when a finding at or above this severity was reported')
      .choices(['error', 'warning', 'info', 'never']).default('error'))
    .option('--tolerance <value>', 'with --lint: timing tolerance, fraction and absolute floor (default 10%,50ms)')
    .addOption(new Option('--idle-timeout <seconds>', 'with --lint: forget a flow after this long without packets (default 600)')
      .argParser(positiveNumber('--idle-timeout', false)))
    .option('-w, --write <file>', 'save the captured packets to a pcapng file, findings as packet comments')
    .addOption(new Option('-b, --ring-buffer <key:value>', "with -w, a ring of files as dumpcap's -b: filesize:kB or duration:seconds starts a new file, files:N keeps the last N (repeatable)")
      .argParser(ringOption))
    .addOption(new Option('--duration <seconds>', 'stop after this many seconds').argParser(positiveNumber('--duration', false)));
  addPrintOptions(cmd);
  addCommonOptions(cmd);
  cmd.action(async (opts: LiveCommandOptions) => {
    const stop = new AbortController();
    const onSignal = interruptHandler(stop, opts.write, (m) => process.stderr.write(`${m}\n`), (c) => process.exit(c));
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
      setExit(await liveMain(opts, { out: new Sink(1), err: (s) => process.stderr.write(`${s}\n`), signal: stop.signal }));
    } finally {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
    }
  });
}

/** -b filesize:1000 / duration:60 / files:10, one a time, into the ring options so far. */
export function ringOption(v: string, prev: RingOptions | undefined): RingOptions {
  const m = /^(filesize|duration|files):(\d+(?:\.\d+)?)$/.exec(v);
  if (!m) throw new UsageError(`-b ${v}: give filesize:kB, duration:seconds or files:N`, 'as dumpcap: -b filesize:100000 -b files:10');
  const n = Number(m[2]);
  if (!(n > 0) || (m[1] !== 'duration' && !Number.isInteger(n))) throw new UsageError(`-b ${v}: give a ${m[1] === 'duration' ? 'number of seconds' : 'whole number'} greater than 0`);
  const out = { ...prev };
  if (m[1] === 'filesize') out.filesize = n * 1000;
  else if (m[1] === 'duration') out.duration = n;
  else out.files = n;
  return out;
}

/**
 * What SIGINT and SIGTERM do during `live`: the first stops the capture cleanly
 * (summary, the -w file completed); a second while that finishes is only
 * acknowledged, so an impatient Ctrl-C does not cut the file short; a third quits at once.
 */
export function interruptHandler(stop: AbortController, write: string | undefined, say: (m: string) => void, exit: (code: number) => void): () => void {
  let signals = 0;
  return () => {
    signals++;
    if (signals === 1) stop.abort();
    else if (signals === 2) say(`mip6scope: stopping${write ? `, finishing ${write}` : ''}; interrupt once more to quit at once`);
    else exit(130);
  };
}

/** Where the packets went: the file, or a ring's files kept. */
function savedTo(files: readonly string[], write: string): string {
  if (files.length <= 1) return files[0] ?? write;
  return `${files.length} files, ${files[0]} to ${files[files.length - 1]}`;
}

/** One line per interface, like `tshark -D`. */
export function interfaceListText(list: readonly InterfaceInfo[]): string[] {
  return list.map((d, i) => {
    const extra = [d.description, d.loopback ? 'loopback' : '', d.addresses.join(' ')].filter(Boolean).join(', ');
    return `${i + 1}. ${d.name}${extra ? ` (${extra})` : ''}`;
  });
}

const NOTE_SEVERITY = { error: 'error', warning: 'warning', info: 'note' } as const;

/** A finding as the text output prints it, right after the packet that made it known. */
export function findingLine(f: Finding, colors: Colors = colorize(false)): string {
  return `  ** ${colors.severity(NOTE_SEVERITY[f.severity], f.severity)} ${f.rule} frame ${f.frame}: ${f.message} (${f.spec})${f.flow ? ` [${f.flow}]` : ''}`;
}

/** The analyzer for --lint, set up as `lint` sets it up, plus the live-only flow idle timeout. */
function lintEngine(cfg: RunConfig, opts: LiveCommandOptions, onFinding: (f: Finding) => void): Engine {
  try {
    // Live output has every finding the moment it is known (onFinding); kept in the engine too,
    // they would grow memory for as long as the capture runs.
    return createEngine({
      profile: cfg.profile, rules: opts.rules, disable: opts.disable, onFinding, retainFindings: false,
      tolerance: opts.tolerance ? parseTolerance(opts.tolerance) : undefined,
      idleTimeout: opts.idleTimeout || undefined,
    });
  } catch (e) {
    if (e instanceof RuleSelectionError) throw new UsageError(e.message);
    throw e;
  }
}

/** Run `live`; resolves with the exit code once the capture has stopped and everything is written. */
export async function liveMain(opts: LiveCommandOptions, io: LiveIo): Promise<number> {
  const { out, err } = io;
  if (opts.listInterfaces) {
    for (const l of interfaceListText((io.list ?? listInterfaces)())) out.line(l);
    out.flush();
    return 0;
  }
  if (!opts.interface) throw new UsageError('give the interface to capture on with -i', 'mip6scope live -D lists the interfaces');
  const ring = opts.ringBuffer;
  if (ring && !opts.write) throw new UsageError('-b makes a ring of -w files: give -w FILE too');
  if (ring && ring.filesize === undefined && ring.duration === undefined) {
    throw new UsageError('-b files:N keeps the last N files of a ring: say when a file ends with -b filesize:kB or -b duration:seconds');
  }
  if (!opts.lint && (opts.rules?.length || opts.disable?.length || opts.tolerance)) throw new UsageError('--rules, --disable and --tolerance need --lint');
  const cfg = buildRunConfig(opts, err);
  const format = opts.format ?? 'text';
  checkFieldsUsage(opts, 'live');
  const ctx = contextFor(cfg);
  // After the context (MH type names come from the profile), before the capture opens.
  const filter = compileDisplayFilter(opts.displayFilter);
  const colors = colorsFor(opts, format !== 'text', io.terminal);
  const printer = packetPrinter(opts, out, colors, false, fieldOptionsOf(opts), opts.interface);
  // Whether recent frames matched -Y, for the findings; a ring, so memory stays flat however long the capture runs.
  const matched = filter && opts.lint ? new RecentFrames() : null;
  const clock = io.clock ?? monotonicClock();
  const nowSec = (): number => { const t = clock(); return t.sec + t.nsec / 1e9; };

  let recorder: Recorder | null = null;
  let failure: unknown = null;
  let engine: Engine | null = null;
  const findings = { total: 0, bySeverity: new Map<Severity, number>() };
  const onFinding = (f: Finding): void => {
    // With -Y, only findings on matching frames (one too old to know about is shown).
    if (matched && matched.has(f.frame) === false) return;
    findings.total++;
    findings.bySeverity.set(f.severity, (findings.bySeverity.get(f.severity) ?? 0) + 1);
    if (format === 'text') out.line(findingLine(f, colors));
    // The field columns stay columns: findings go to standard error.
    else if (format === 'fields') err(findingLine(f, colors));
    else emitJson(f);
    recorder?.comment(f.frame, commentFor(f));
  };
  // Built before the capture opens, so a bad --rules is a usage error and no packet is missed.
  if (opts.lint) engine = lintEngine(cfg, opts, onFinding);

  let jsonItems = 0;
  const emitJson = (o: object): void => {
    const s = JSON.stringify(o);
    out.line(format === 'json' ? `${jsonItems ? ',' : ''}${s}` : s);
    jsonItems++;
  };

  let first = -1;
  let stopReason: StopReason | null = null;
  let finish!: () => void;
  const stopped = new Promise<void>((resolve) => { finish = resolve; });
  let flushQueued = false;
  // The binding hands over a burst of packets in one go: one write per burst, not per line.
  const queueFlush = (): void => {
    if (flushQueued) return;
    flushQueued = true;
    setImmediate(() => {
      flushQueued = false;
      try {
        out.flush();
      } catch (e) {
        // A full disk: the capture stops and the error is reported as the command ends.
        failure = e;
        stop('failed');
        return;
      }
      if (out.closed) stop('output closed');
    });
  };
  const limit = cfg.count > 0 ? cfg.count : Infinity;

  const iface = opts.interface;
  // Assigned once the capture is open; the binding delivers packets only after that.
  let source: LiveSource | undefined;
  const onFrame = (frame: Frame): void => {
    if (stopReason) return;
    try {
      const t = frame.tsSec + frame.tsNsec / 1e9;
      if (first < 0) first = t;
      // Timers due before this packet report before it, as they would in a file.
      engine?.advanceTo(t);
      dissectFrame(ctx, frame);
      printer.seen(frame);
      const shown = filter === null || filter.match(ctx.tree);
      matched?.record(frame.number, shown);
      if (shown) printPacket(frame);
      recorder?.add(frame);
      engine?.feed(ctx, frame, iface, 0);
      if (frame.number >= limit) stop('count');
      queueFlush();
    } catch (e) {
      failure = e;
      stop('failed');
    }
  };
  const printPacket = (frame: Frame): void => {
    // JSON packets and findings share one array: the count of both says whether a comma goes first.
    printer.print(ctx.tree, frame, iface, first, jsonItems);
    if (format === 'json' || format === 'ndjson') jsonItems++;
  };

  let ticker: NodeJS.Timeout | undefined;
  let deadline: NodeJS.Timeout | undefined;
  const onAbort = (): void => stop('interrupted');
  function stop(reason: StopReason): void {
    if (stopReason) return;
    stopReason = reason;
    source?.close();
    clearInterval(ticker);
    clearTimeout(deadline);
    io.signal?.removeEventListener('abort', onAbort);
    finish();
  }

  const open = io.open ?? openLive;
  source = open({
    iface: opts.interface, filter: opts.captureFilter ?? DEFAULT_CAPTURE_FILTER, snaplen: opts.snapshotLength,
    promisc: opts.promisc !== false, bufferSize: opts.bufferSize ? Math.round(opts.bufferSize * (1 << 20)) : undefined, clock,
  }, onFrame);
  const src = source;
  const started = nowSec();
  for (const n of src.notes) err(`mip6scope: ${n}`);

  if (opts.write) {
    try {
      recorder = createRecorder(opts.write, {
        linktype: src.linktype, snaplen: src.snaplen, iface: src.iface, userAppl: 'mip6scope live',
        sectionComment: `live capture on ${src.iface}, capture filter "${src.filter}"`, ring,
      });
    } catch (e) {
      src.close();
      throw new UsageError(`cannot write ${opts.write}: ${(e as Error).message}`, 'check the directory exists and is writable');
    }
  }

  err(`mip6scope: capturing on ${src.iface} (${linkTypeName(src.linktype)}), filter "${src.filter}"${engine ? `, ${engine.rules.length} rules` : ''}`);
  if (!DISSECTED_LINKTYPES.has(src.linktype)) {
    err(`mip6scope: ${src.iface} delivers ${linkTypeName(src.linktype)} (${src.linktype}) frames, which are not dissected: packets are listed${engine ? ' but nothing is checked' : ''}\n`
      + `  mip6scope reads ${DISSECTED_LINKTYPES_TEXT} frames; capture on such an interface (any gives Linux cooked)`);
  }
  // '[' of -T json, the header line of -T fields -E header=y.
  const head = printer.start();
  if (head !== null) out.line(head);
  out.flush();

  // "Never answered" and failover rules fire on the clock, not only when the next packet arrives.
  ticker = setInterval(() => {
    const now = nowSec();
    try {
      engine?.advanceTo(now);
      recorder?.release(now);
    } catch (e) {
      failure = e;
      stop('failed');
    }
    queueFlush();
  }, io.tickMs ?? 250);
  if (opts.duration) deadline = setTimeout(() => stop('duration'), opts.duration * 1000);
  if (io.signal?.aborted) stop('interrupted');
  else io.signal?.addEventListener('abort', onAbort);

  await stopped;

  // Timers not yet due fire with atEnd (rules decide there is no verdict yet), then rules conclude.
  if (engine && failure === null) {
    try { engine.advanceTo(nowSec()); engine.finish(); } catch (e) { failure = e; }
  }
  if (format === 'json') out.line(']');
  try { out.flush(); } catch (e) { failure ??= e; }
  const unsaved = recorder ? recorder.close() : [];
  const elapsed = nowSec() - started;
  const packets = src.frames;
  const sev = (['error', 'warning', 'info'] as const).map((s) => [s, findings.bySeverity.get(s) ?? 0] as const).filter(([, n]) => n > 0);
  err(`mip6scope: ${packets} packet${packets === 1 ? '' : 's'} captured on ${src.iface} in ${elapsed.toFixed(1)} s (${stopReason})`
    + (engine ? `; ${findings.total} finding${findings.total === 1 ? '' : 's'}${sev.length ? ` (${sev.map(([s, n]) => `${n} ${s}`).join(', ')})` : ''}` : '')
    + (recorder ? `; ${recorder.written} saved to ${savedTo(recorder.files, opts.write!)}` : ''));
  if (unsaved.length) {
    err(`mip6scope: ${unsaved.length} finding${unsaved.length === 1 ? '' : 's'} came after ${opts.write} was complete and are not in it:`);
    for (const c of unsaved) err(`  ${c}`);
  }
  const unopened = unopenedSas(ctx);
  if (unopened.length) {
    err('mip6scope: ESP that could not be opened (add keys with --esp-sa):');
    for (const u of unopened) err(`  SPI 0x${u.spi.toString(16).padStart(8, '0')} ${u.src} → ${u.dst}: ${u.packets} packet${u.packets === 1 ? '' : 's'}`);
  }
  if (failure !== null) throw failure;
  if (engine && opts.failOn !== 'never') {
    const bar = SEVERITY_RANK[opts.failOn ?? 'error'];
    for (const [s, n] of findings.bySeverity) if (n > 0 && SEVERITY_RANK[s] >= bar) return 1;
  }
  return 0;
}
