/**
 * What `read` prints for each packet, in a module of its own: the thread that
 * reads the second part of a split read (read-worker.ts) prints with it too,
 * without loading the command line.
 */
import type { Frame } from '../capture/frame.js';
import type { DissectContext } from '../dissect/context.js';
import type { Tree } from '../dissect/tree.js';
import type { Colors } from '../output/color.js';
import { DirectSummary, JsonWriter, SummaryWriter } from '../output/fast-packets.js';
import { FieldsPrinter, parseFieldOptions } from '../output/fields-text.js';
import { hexDump, packetJson, summaryLine, treeText } from '../output/packets.js';
import { Sink } from '../output/sink.js';
import { TimeColumn, type TimeFormat } from '../output/time-column.js';
import type { CommonOptionValues } from './options.js';

export interface ReadOptions extends CommonOptionValues {
  verbose?: boolean;
  hex?: boolean;
  format?: 'text' | 'json' | 'ndjson' | 'fields';
  /** -e: the fields -T fields prints. */
  field?: string[];
  /** -O: show the tree of these protocols only (the others as one line each); implies -V. */
  protocols?: string[];
  /** -t: the Time column's format (tshark's; r, relative to the first packet, by default). */
  timeFormat?: TimeFormat;
  /** -w: copy the packets to this capture file ('-': standard output) instead of printing them; -P prints too. */
  write?: string;
  print?: boolean;
  jobs?: string | number;
  /** Not on the command line: where a split read divides the file, as a fraction of its size (tests choose it). */
  splitFraction?: number;
}

export interface PacketPrinter {
  /** Print one packet: `n` counts the packets printed before (for the commas of -T json). */
  print(tree: Tree, frame: Frame, file: string, first: number, n: number): void;
  /** Every frame read, printed or not (-T fields counts frame times from them). */
  seen(frame: Frame): void;
  /** What the whole output starts with (-T fields: the header line), or null. */
  start(): string | null;
  /**
   * Summary lines only: print an undissected frame whose line can be read from its
   * bytes (DirectSummary) and return true, having counted it as seen; false when it
   * needs dissecting (nothing done).
   */
  direct?(ctx: DissectContext, frame: Frame, first: number): boolean;
}

const nothing = (): void => {};

/**
 * What `read` prints for one packet (summary line, -V tree, -x hex, JSON, fields),
 * as a function of the dissected tree. Shared by the thread that reads the second
 * part of a split read (read-worker.ts), so both parts print alike, and by `live`,
 * whose -V header names the interface (`capturedOn`). The -T fields names and -E
 * options are checked when the command starts (FieldsError here).
 */
export function packetPrinter(
  opts: ReadOptions, out: Sink, colors: Colors, multi: boolean, fieldOptions: readonly string[] = [], capturedOn?: string,
): PacketPrinter {
  const format = opts.format ?? 'text';
  if (format === 'fields') {
    const fp = new FieldsPrinter(opts.field ?? [], parseFieldOptions(fieldOptions), opts.timeFormat);
    return {
      print: (tree, frame) => out.line(fp.line(tree, frame)),
      seen: (frame) => fp.seen(frame),
      start: () => fp.start(),
    };
  }
  // A real Sink takes bytes: summary lines and JSON objects are written straight
  // into its buffer (the same bytes as summaryLine() and JSON.stringify(packetJson())).
  const bytes = out instanceof Sink;
  const summary = bytes && format === 'text' ? new SummaryWriter(colors) : null;
  // -x with JSON (raw bytes beside each field) takes the string route.
  // -e with JSON (only the fields named) takes the string route too.
  const only = format !== 'text' && opts.field !== undefined && opts.field.length > 0 ? new FieldsPrinter(opts.field, undefined, opts.timeFormat) : null;
  const json = bytes && format !== 'text' && !opts.hex && !only ? new JsonWriter() : null;
  const expand = opts.protocols !== undefined && opts.protocols.length > 0 ? new Set(opts.protocols) : undefined;
  const verbose = opts.verbose === true || expand !== undefined;
  const times = format === 'text' && opts.timeFormat !== undefined && opts.timeFormat !== 'r' ? new TimeColumn(opts.timeFormat) : null;
  const print = (tree: Tree, frame: Frame, file: string, first: number, n: number): void => {
    if (format === 'text') {
      if (verbose) {
        out.line(`Frame ${frame.number}: ${frame.len} bytes on wire, ${frame.caplen} bytes captured${capturedOn !== undefined ? ` on ${capturedOn}` : multi ? ` (${file})` : ''}`);
        out.line(treeText(tree, colors, expand));
        if (opts.hex) out.line(hexDump(tree));
        out.line('');
      } else {
        const timeText = times?.text(frame);
        if (summary) summary.write(out, tree, frame, first, timeText);
        else out.line(summaryLine(tree, frame, first, colors, timeText));
        if (opts.hex) { out.line(hexDump(tree)); out.line(''); }
      }
    } else if (json) {
      json.write(out, tree, frame, format === 'json' && n ? ',' : '', multi ? file : undefined);
    } else {
      const j = packetJson(tree, frame, opts.hex === true, only?.record(tree, frame, opts.hex === true));
      if (multi) j.file = file;
      const str = JSON.stringify(j);
      out.line(format === 'json' ? `${n ? ',' : ''}${str}` : str);
    }
  };
  const seen = times ? (f: Frame): void => times.seen(f) : only ? (f: Frame): void => only.seen(f) : nothing;
  let directSummary: DirectSummary | null = null;
  const direct = summary !== null && !verbose && !opts.hex
    ? (ctx: DissectContext, frame: Frame, first: number): boolean => {
      if (directSummary === null) directSummary = new DirectSummary(ctx, summary);
      // The Time column's text needs the frame seen first; a frame given back is seen by whoever dissects it.
      if (!directSummary.accepts(frame)) return false;
      seen(frame);
      directSummary.write(out as Sink, frame, first, times?.text(frame));
      return true;
    }
    : undefined;
  return { print, seen, start: () => (format === 'json' ? '[' : null), direct };
}
