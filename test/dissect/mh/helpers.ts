/**
 * Shared pieces of the Mobility Header tests: dissect bytes as a raw IPv6 frame,
 * read fields back by their filter names, and run tshark over a written pcap.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { writePcap } from '../../../src/capture/index.js';
import type { Frame } from '../../../src/capture/frame.js';
import { createDissector, dissectFrame, type DissectContext } from '../../../src/dissect/index.js';
import { fieldByAbbrev } from '../../../src/dissect/fields.js';
import type { Note, Tree } from '../../../src/dissect/tree.js';
import { jsonValue } from '../../../src/output/values.js';

export const LINKTYPE_RAW = 101;

/**
 * Bytes from readable hex: whitespace separates, `#` starts a comment to the end of the line.
 */
export function hex(text: string): Uint8Array {
  const out: number[] = [];
  for (const line of text.split('\n')) {
    for (const tok of line.replace(/#.*$/, '').match(/\S+/g) ?? []) {
      if (!/^([0-9a-fA-F]{2})+$/.test(tok)) throw new Error(`bad hex token ${tok}`);
      for (let i = 0; i < tok.length; i += 2) out.push(parseInt(tok.slice(i, i + 2), 16));
    }
  }
  return Uint8Array.from(out);
}

/** An IPv6 header (2001:db8::1 → 2001:db8::2, next header 135) in front of a Mobility Header. */
export function overIpv6(mh: Uint8Array, nextHeader = 135): Uint8Array {
  const ip = hex(`
    60 00 00 00  0000 ${nextHeader.toString(16).padStart(2, '0')} 40
    20010db8000000000000000000000001
    20010db8000000000000000000000002`);
  ip[4] = mh.length >> 8;
  ip[5] = mh.length & 0xff;
  const out = new Uint8Array(40 + mh.length);
  out.set(ip);
  out.set(mh, 40);
  return out;
}

/** MH checksum over the pseudo-header of overIpv6(), so hand-written hex can carry a correct one. */
export function withChecksum(mh: Uint8Array): Uint8Array {
  const out = Uint8Array.from(mh);
  out[4] = out[5] = 0;
  const pseudo = overIpv6(new Uint8Array(0)).subarray(8, 40);
  let sum = 0;
  const add = (b: Uint8Array): void => {
    for (let i = 0; i < b.length; i += 2) sum += (b[i]! << 8) | (b[i + 1] ?? 0);
  };
  add(pseudo);
  sum += out.length + 135;
  add(out);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  const c = ~sum & 0xffff;
  out[4] = c >> 8;
  out[5] = c & 0xff;
  return out;
}

let shared: DissectContext | null = null;

/** Dissect one frame; the returned tree is reused by the next call. */
export function dissect(data: Uint8Array, linktype = LINKTYPE_RAW, ctx?: DissectContext): Tree {
  const c = ctx ?? (shared ??= createDissector());
  const frame: Frame = { number: 1, tsSec: 0, tsNsec: 0, linktype, caplen: data.length, len: data.length, data, interfaceId: 0, comments: null };
  dissectFrame(c, frame);
  return c.tree;
}

/** Every occurrence of a field, as its JSON value. */
export function values(tree: Tree, abbrev: string): (string | number | boolean | null)[] {
  const def = fieldByAbbrev(abbrev);
  if (!def) throw new Error(`no field ${abbrev}`);
  const out: (string | number | boolean | null)[] = [];
  for (let i = tree.first(def); i >= 0; i = tree.next(def, i)) out.push(jsonValue(tree, i));
  return out;
}

/** The single value of a field (undefined when absent). */
export function value(tree: Tree, abbrev: string): string | number | boolean | null | undefined {
  return values(tree, abbrev)[0];
}

export function info(tree: Tree): string {
  return tree.info ? tree.info(tree, tree.infoItem) : '';
}

export function groups(tree: Tree): string[] {
  return tree.notes.map((n: Note) => n.group);
}

export const tsharkAvailable = spawnSync('tshark', ['--version']).status === 0;

export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mip6scope-mh-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Write frames to a pcap and return tshark's -T fields rows (one array of columns per frame). */
export function tsharkRows(dir: string, name: string, frames: readonly Uint8Array[], fields: readonly string[], linktype = LINKTYPE_RAW): string[][] {
  const path = join(dir, name);
  writePcap(path, linktype, frames.map((data, i) => ({ tsSec: 1_700_000_000 + i, tsNsec: 0, data })));
  const args = ['-r', path, '-T', 'fields', '-E', 'separator=/t', '-E', 'occurrence=a', '-E', 'aggregator=,'];
  for (const f of fields) args.push('-e', f);
  const r = spawnSync('tshark', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tshark failed: ${r.stderr}`);
  return r.stdout.replace(/\n$/, '').split('\n').map((l) => l.split('\t'));
}
