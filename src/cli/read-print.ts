/**
 * What `read` prints for each packet, in a module of its own: the thread that
 * reads the second part of a split read (read-worker.ts) prints with it too,
 * without loading the command line.
 */
import type { Frame } from '../capture/frame.js';
import type { Tree } from '../dissect/tree.js';
import type { Colors } from '../output/color.js';
import { JsonWriter, SummaryWriter } from '../output/fast-packets.js';
import { hexDump, packetJson, summaryLine, treeText } from '../output/packets.js';
import { Sink } from '../output/sink.js';
import type { CommonOptionValues } from './options.js';

export interface ReadOptions extends CommonOptionValues {
  verbose?: boolean;
  hex?: boolean;
  format?: 'text' | 'json' | 'ndjson';
  jobs?: string | number;
  /** Not on the command line: where a split read divides the file, as a fraction of its size (tests choose it). */
  splitFraction?: number;
}

/**
 * What `read` prints for one packet (summary line, -V tree, -x hex, JSON), as a
 * function of the dissected tree. `n` counts the packets printed before (for the
 * commas of -T json). Shared by the thread that reads the second part of a split
 * read (read-worker.ts), so both parts print alike.
 */
export function packetPrinter(
  opts: ReadOptions, out: Sink, colors: Colors, multi: boolean,
): (tree: Tree, frame: Frame, file: string, first: number, n: number) => void {
  const format = opts.format ?? 'text';
  // A real Sink takes bytes: summary lines and JSON objects are written straight
  // into its buffer (the same bytes as summaryLine() and JSON.stringify(packetJson())).
  const bytes = out instanceof Sink;
  const summary = bytes && format === 'text' ? new SummaryWriter(colors) : null;
  const json = bytes && format !== 'text' ? new JsonWriter() : null;
  return (tree, frame, file, first, n) => {
    if (format === 'text') {
      if (opts.verbose) {
        out.line(`Frame ${frame.number}: ${frame.len} bytes on wire, ${frame.caplen} bytes captured${multi ? ` (${file})` : ''}`);
        out.line(treeText(tree, colors));
        if (opts.hex) out.line(hexDump(tree));
        out.line('');
      } else {
        if (summary) summary.write(out, tree, frame, first);
        else out.line(summaryLine(tree, frame, first, colors));
        if (opts.hex) { out.line(hexDump(tree)); out.line(''); }
      }
    } else if (json) {
      json.write(out, tree, frame, format === 'json' && n ? ',' : '', multi ? file : undefined);
    } else {
      const j = packetJson(tree, frame);
      if (multi) j.file = file;
      const str = JSON.stringify(j);
      out.line(format === 'json' ? `${n ? ',' : ''}${str}` : str);
    }
  };
}
