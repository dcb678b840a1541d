/**
 * Worker thread for `lint --each`: analyzes the file groups it is sent, one at
 * a time, and posts back each result as plain data, with its packet counts for
 * the main thread's progress line. (The analyzing half of a merged analysis is
 * analyze-worker.ts.)
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { PacketCounter } from '../output/progress.js';
import { lintGroup, type LintOptions } from './lint.js';

const data = workerData as { opts: LintOptions; progress?: boolean };
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
