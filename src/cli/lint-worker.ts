/**
 * Worker thread for `lint`. Started in one of two ways:
 * - mode 'analyze': the analyzing half of a merged analysis. It reads the facts
 *   the dissecting thread ships through the shared ring, feeds them to one
 *   engine with every selected rule, and posts the findings back.
 * - otherwise (--each): analyzes the file groups it is sent, one at a time, and
 *   posts back each result as plain data, with its packet counts for the main
 *   thread's progress line.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createEngine } from '../analyze/engine.js';
import { RingReader } from '../analyze/ring.js';
import { FactsDecoder, packetKinds } from '../analyze/wire.js';
import type { PacketCounter } from '../output/progress.js';
import { lintGroup, parseTolerance, type LintOptions } from './lint.js';
import { buildRunConfig } from './options.js';

const data = workerData as { mode?: 'analyze'; opts: LintOptions; progress?: boolean; files?: string[]; sab?: SharedArrayBuffer };
const opts = data.opts;

/** Packets read, posted to the main thread's progress line now and then (--each); nothing is drawn here. */
function counterFor(index: number): PacketCounter {
  let packets = 0;
  let bytes = 0;
  const post = (): void => {
    if (packets > 0) parentPort!.postMessage({ index, progress: { packets, bytes } });
    packets = 0;
    bytes = 0;
  };
  return {
    packet(recordBytes = 0) {
      bytes += recordBytes;
      if (++packets === 8192) post();
    },
    done: post,
  };
}

if (data.mode === 'analyze') {
  const reader = new RingReader(data.sab!);
  try {
    const cfg = buildRunConfig(opts, () => {});
    const engine = createEngine({
      profile: cfg.profile,
      tolerance: opts.tolerance ? parseTolerance(opts.tolerance) : undefined,
      rules: opts.rules,
      disable: opts.disable,
      // The ids come from the dissecting thread's address table.
      recycleAddresses: false,
    });
    const decoder = new FactsDecoder(reader, packetKinds(cfg.profile.mhTypes), engine.addresses, data.files!);
    for (let f = decoder.next(); f; f = decoder.next()) engine.feedFacts(f);
    parentPort!.postMessage({ result: { findings: engine.finish(), packets: engine.packets } });
  } catch (e) {
    reader.fail();
    parentPort!.postMessage({ error: e instanceof Error ? e.stack ?? e.message : String(e) });
  }
} else {
  parentPort!.on('message', (m: { index: number; files: string[] }) => {
    try {
      const counter = data.progress ? counterFor(m.index) : { packet() {}, done() {} };
      const { shown: _local, ...result } = lintGroup(m.files, opts, {}, counter);
      counter.done();
      parentPort!.postMessage({ index: m.index, result });
    } catch (e) {
      parentPort!.postMessage({ index: m.index, error: e instanceof Error ? e.stack ?? e.message : String(e) });
    }
  });
}
