/**
 * The samples carried over another link layer (802.11, NFLOG...): each frame's
 * Ethernet bytes rewritten by the test, and what a link-layer test compares
 * with the Ethernet capture (summary lines, lint findings).
 */
import { resolve } from 'node:path';
import { openCapture } from '../../src/capture/open.js';
import type { Frame } from '../../src/capture/frame.js';
import { writePcap, type PcapRecord } from '../../src/capture/pcapng-writer.js';
import { lintMain } from '../../src/cli/lint.js';
import { SAMPLES } from '../filter/helpers.js';
import { runRead } from '../cli/read-helpers.js';

/** Sample `name` rewritten frame by frame (`rewrite` gets each Ethernet frame and its index), as a pcap of `linktype` at `path`. */
export function relinked(name: string, linktype: number, path: string, rewrite: (eth: Uint8Array, i: number) => Uint8Array): string {
  const r = openCapture(resolve(SAMPLES, name));
  const frames: PcapRecord[] = [];
  let i = 0;
  for (let f = r.next(); f; f = r.next(), i++) frames.push({ tsSec: f.tsSec, tsNsec: f.tsNsec, data: rewrite(f.data, i) });
  r.close();
  writePcap(path, linktype, frames);
  return path;
}

/** Summary lines without the frame length (another link layer's framing changes it). */
export const linesWithoutLength = (path: string): string[] =>
  runRead([path], { jobs: 1 }).lines.map((l) => l.replace(/^(\s*\d+\s+\S+ \S+ → \S+ \S+) \d+ /, '$1 _ '));

/** lint's findings on a capture: rule, frame and message. */
export async function lintFindings(path: string): Promise<[string, number, string][]> {
  let json = '';
  await lintMain([path], { format: 'json' }, { out: (s) => { json += s; }, err: () => {} });
  return (JSON.parse(json) as { findings: { rule: string; frame: number; message: string }[] }).findings.map((f) => [f.rule, f.frame, f.message]);
}

/** A frame of `linktype` holding `data`, for dissectFrame. */
export function frameOf(linktype: number, data: Uint8Array): Frame {
  return { number: 1, tsSec: 0, tsNsec: 0, linktype, caplen: data.length, len: data.length, data, interfaceId: 0, comments: null };
}
