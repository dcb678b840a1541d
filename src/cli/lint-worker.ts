/**
 * Worker thread for `lint`: analyzes the file groups it is sent, one at a time,
 * with the options it was started with (for a split analysis, the other rule
 * families), and posts back each result as plain data.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { PacketCounter } from '../output/progress.js';
import { lintGroup, type LintOptions } from './lint.js';

const { opts, progress } = workerData as { opts: LintOptions; progress?: boolean };

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

parentPort!.on('message', (m: { index: number; files: string[] }) => {
  try {
    // A split analysis's worker reads the packets the main thread already counts: no progress from it.
    const counter = progress ? counterFor(m.index) : { packet() {}, done() {} };
    const { shown: _local, ...result } = lintGroup(m.files, opts, {}, counter);
    counter.done();
    parentPort!.postMessage({ index: m.index, result });
  } catch (e) {
    parentPort!.postMessage({ index: m.index, error: e instanceof Error ? e.stack ?? e.message : String(e) });
  }
});
