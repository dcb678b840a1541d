/**
 * Worker thread for `lint --each`: analyzes the files it is sent, one at a time,
 * and posts back each result (plain data).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { lintGroup, type LintOptions } from './lint.js';

const opts = (workerData as { opts: LintOptions }).opts;

parentPort!.on('message', (m: { index: number; file: string }) => {
  try {
    parentPort!.postMessage({ index: m.index, result: lintGroup([m.file], opts, {}, false) });
  } catch (e) {
    parentPort!.postMessage({ index: m.index, error: e instanceof Error ? e.stack ?? e.message : String(e) });
  }
});
