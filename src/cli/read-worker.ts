/**
 * The second thread of a split `read` (read-split.ts): walks the records before
 * the split without dissecting them (to number the frames and read every
 * section and interface block), then dissects and prints the rest into a
 * temporary file, exactly as the reading thread would, and posts what the main
 * thread needs to finish the run (packet counts, problems, unopened SAs).
 */
import { workerData, type MessagePort } from 'node:worker_threads';
import { openCapture } from '../capture/open.js';
import { createDissector, dissectFrame } from '../dissect/index.js';
import { unopenedSas } from '../dissect/esp.js';
import { compileFilter } from '../filter/index.js';
import { colorize } from '../output/color.js';
import { Sink } from '../output/sink.js';
import type { Profile } from '../profile/profile.js';
import { isFieldOption } from '../output/field-options.js';
import { packetPrinter, type ReadOptions } from './read-print.js';
import type { SplitPart } from './read-split.js';

/** A packet record's bytes beyond its data, for the progress line (options.ts RECORD_OVERHEAD, not imported to keep this thread's start short). */
const RECORD_OVERHEAD = 32;

interface Data {
  file: string;
  splitAt: number;
  first: number;
  opts: ReadOptions;
  /** Settled by the main thread (profile files, flags): plain data. */
  profile: Profile;
  espNull: boolean;
  color: boolean;
  /** The main thread's temporary file (shared descriptor; the main thread closes it). */
  outFd: number;
  shared: SharedArrayBuffer;
  port: MessagePort;
}

const d = workerData as Data;
const words = new Int32Array(d.shared, 0, 4);
/** Set by the main thread when it reads on alone: stop writing. */
const STOP = 2;
const counts = new Float64Array(d.shared, 16, 2);
let part: SplitPart;
try {
  part = run();
} catch (e) {
  part = { packets: 0, printed: 0, problems: [], unopened: [], error: e instanceof Error ? e.stack ?? e.message : String(e) };
}
d.port.postMessage(part);
Atomics.store(words, 0, 1);
Atomics.notify(words, 0);

function run(): SplitPart {
  // No ESP keys here: a read with keys is not split.
  const ctx = createDissector(d.profile, { espNull: d.espNull });
  const filter = d.opts.displayFilter !== undefined ? compileFilter(d.opts.displayFilter) : null;
  const out = new Sink(d.outFd);
  const printer = packetPrinter(d.opts, out, colorize(d.color), false, (d.opts.E ?? []).filter(isFieldOption));
  const reader = openCapture(d.file);
  try {
    let f = reader.next();
    let walked = 0;
    while (f && reader.frameOffset < d.splitAt) {
      printer.seen(f);
      if ((++walked & 4095) === 0) {
        Atomics.add(words, 1, 1);
        if (Atomics.load(words, STOP) !== 0) f = null;
      }
      if (f) f = reader.next();
    }
    // Problems met on the way belong to the main thread's part, which reports them.
    const before = reader.problems.length;
    let packets = 0;
    let printed = 0;
    let bytes = 0;
    // Summary lines of the usual signalling straight from the frames' bytes, as on the main thread.
    const direct = filter === null ? printer.direct : undefined;
    for (; f; f = reader.next()) {
      packets++;
      bytes += f.caplen + RECORD_OVERHEAD;
      if ((packets & 1023) === 0) {
        counts[0] = packets;
        counts[1] = bytes;
        Atomics.add(words, 1, 1);
        if (Atomics.load(words, STOP) !== 0) break;
      }
      if (direct !== undefined && direct(ctx, f, d.first)) {
        printed++;
        if (out.closed) break;
        continue;
      }
      dissectFrame(ctx, f);
      printer.seen(f);
      if (filter && !filter.match(ctx.tree)) continue;
      // Every object with its comma (-T json): the main thread drops the first when its part printed none.
      printer.print(ctx.tree, f, d.file, d.first, 1);
      printed++;
      if (out.closed) break;
    }
    out.flush();
    counts[0] = packets;
    counts[1] = bytes;
    return { packets, printed, problems: reader.problems.slice(before), unopened: unopenedSas(ctx) };
  } finally {
    reader.close();
  }
}
