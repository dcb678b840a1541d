/**
 * Worker thread for `lint`: analyzes the file groups it is sent, one at a time,
 * with the options it was started with (for a split analysis, the other rule
 * families), and posts back each result as plain data.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { lintGroup, type LintOptions } from './lint.js';

const opts = (workerData as { opts: LintOptions }).opts;

parentPort!.on('message', (m: { index: number; files: string[] }) => {
  try {
    const { shown: _local, ...result } = lintGroup(m.files, opts, {}, false);
    parentPort!.postMessage({ index: m.index, result });
  } catch (e) {
    parentPort!.postMessage({ index: m.index, error: e instanceof Error ? e.stack ?? e.message : String(e) });
  }
});
