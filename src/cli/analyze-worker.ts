/**
 * Worker thread for the analyzing half of a merged `lint` (lint.ts, lintPipelined;
 * started by analyzer-thread.ts). Given an analysis's settings and ring in a
 * message, it reads the facts the dissecting thread ships through that ring,
 * feeds them to one engine with every selected rule, and posts the findings
 * back; then it waits for the next (lint --each sends one per file).
 *
 * It imports only the engine, the ring and the facts codec: everything the
 * command line needed (profile files, ESP keys, --tolerance) was settled by the
 * main thread and arrives as plain data, so the thread starts in a fraction of
 * the time a copy of the whole command would take, and may be started before
 * the main thread has even parsed the command line.
 */
import { parentPort } from 'node:worker_threads';
import { createFactsEngine, type Tolerance } from '../analyze/engine-core.js';
import { RingReader } from '../analyze/ring.js';
import { packetKinds } from '../analyze/facts.js';
import { FactsDecoder } from '../analyze/wire.js';
import type { Profile } from '../profile/profile.js';

export interface AnalyzeSettings {
  files: string[];
  profile: Profile;
  tolerance?: Partial<Tolerance>;
  rules?: string[];
  disable?: string[];
}

// One analysis per message, each through its own ring (a merged lint sends one; lint --each one per file).
parentPort!.on('message', (data: AnalyzeSettings & { sab: SharedArrayBuffer }) => analyze(data));

function analyze(data: AnalyzeSettings & { sab: SharedArrayBuffer }): void {
  const reader = new RingReader(data.sab);
  try {
    const engine = createFactsEngine({
      profile: data.profile,
      tolerance: data.tolerance,
      rules: data.rules,
      disable: data.disable,
    });
    const decoder = new FactsDecoder(reader, packetKinds(data.profile.mhTypes), engine.addresses, data.files);
    for (let f = decoder.next(); f; f = decoder.next()) engine.feedFacts(f);
    parentPort!.postMessage({ result: { findings: engine.finish(), packets: engine.packets } });
  } catch (e) {
    reader.fail();
    parentPort!.postMessage({ error: e instanceof Error ? e.stack ?? e.message : String(e) });
  }
}
