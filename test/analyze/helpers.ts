/** Feeding the analyzer from crafted packets and sample captures, without the CLI. */
import { join } from 'node:path';
import type { Frame } from '../../src/capture/frame.js';
import { openCapture } from '../../src/capture/open.js';
import { createEngine, type EngineOptions } from '../../src/analyze/engine.js';
import type { Finding } from '../../src/analyze/types.js';
import { createDissector, dissectFrame, type DissectContext } from '../../src/dissect/index.js';
import { fieldByAbbrev } from '../../src/dissect/fields.js';
import { defaultSamplesDir } from '../../src/samples/generate.js';

export const BASE = 1768467600; // 2026-01-15T09:00:00Z

export interface Packet { t: number; data: Uint8Array }

export function frameOf(p: Packet, number: number): Frame {
  const sec = Math.floor(p.t);
  return {
    number, tsSec: BASE + sec, tsNsec: Math.round((p.t - sec) * 1e9), linktype: 1, caplen: p.data.length, len: p.data.length,
    data: p.data, interfaceId: 0, comments: null,
  };
}

/** Run the analyzer over packets (sorted by time, numbered from 1 in that order). */
export function lint(packets: readonly Packet[], opts: EngineOptions = {}, setup?: (ctx: DissectContext) => void): Finding[] {
  const engine = createEngine(opts);
  const ctx = createDissector(opts.profile);
  setup?.(ctx);
  const sorted = [...packets].sort((a, b) => a.t - b.t);
  sorted.forEach((p, i) => {
    const f = frameOf(p, i + 1);
    dissectFrame(ctx, f);
    engine.feed(ctx, f, 'test.pcapng', 0);
  });
  return engine.finish();
}

export function lintSample(name: string, opts: EngineOptions = {}): Finding[] {
  const engine = createEngine(opts);
  const ctx = createDissector(opts.profile);
  const r = openCapture(join(defaultSamplesDir(), name));
  for (let f = r.next(); f; f = r.next()) {
    dissectFrame(ctx, f);
    engine.feed(ctx, f, name, 0);
  }
  r.close();
  return engine.finish();
}

export function byRule(findings: readonly Finding[], rule: string): Finding[] {
  return findings.filter((f) => f.rule === rule);
}

export function serious(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => f.severity !== 'info');
}

/** One line per finding, for readable assertion failures. */
export function show(findings: readonly Finding[]): string {
  return findings.map((f) => `${f.rule} ${f.severity} #${f.frame} ${f.message}`).join('\n');
}

/**
 * Dissect `fr` with `probe`, then write the Mobility Header checksum the dissector computed
 * into the frame's bytes (when the header lies in them): a fuzzed header keeps a right
 * checksum, so the damage reaches the checks behind the checksum's.
 */
export function mendMhChecksum(probe: DissectContext, fr: Frame): void {
  dissectFrame(probe, fr);
  const calc = probe.tree.first(fieldByAbbrev('mip6.csum.calculated')!);
  if (calc < 0 || probe.tree.bufferOf(calc) !== fr.data) return;
  const at = probe.tree.start[probe.tree.first(fieldByAbbrev('mip6.csum')!)]!;
  fr.data[at] = probe.tree.value[calc]! >> 8;
  fr.data[at + 1] = probe.tree.value[calc]! & 0xff;
}
