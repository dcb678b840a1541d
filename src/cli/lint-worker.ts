/**
 * Worker thread for `lint`. Started in one of two ways:
 * - mode 'analyze': the analyzing half of a merged analysis. It reads the facts
 *   the dissecting thread ships through the shared ring, feeds them to one
 *   engine with every selected rule, and posts the findings back.
 * - otherwise: analyzes the file groups it is sent (--each), one at a time,
 *   and posts back each result as plain data.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createEngine } from '../analyze/engine.js';
import { RingReader } from '../analyze/ring.js';
import { FactsDecoder, packetKinds } from '../analyze/wire.js';
import { lintGroup, parseTolerance, type LintOptions } from './lint.js';
import { buildRunConfig } from './options.js';

const data = workerData as { mode?: 'analyze'; opts: LintOptions; files?: string[]; sab?: SharedArrayBuffer };
const opts = data.opts;

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
      const { shown: _local, ...result } = lintGroup(m.files, opts, {}, false);
      parentPort!.postMessage({ index: m.index, result });
    } catch (e) {
      parentPort!.postMessage({ index: m.index, error: e instanceof Error ? e.stack ?? e.message : String(e) });
    }
  });
}
