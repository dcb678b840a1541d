/**
 * Shared pieces of the dissector tests: dissect bytes or capture files, and
 * read fields back as numbers or text.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openCapture } from '../../src/capture/open.js';
import type { Frame } from '../../src/capture/frame.js';
import { createDissector, dissectFrame, type DissectContext } from '../../src/dissect/index.js';
import { fieldByAbbrev, FT } from '../../src/dissect/fields.js';
import { ipv4ToString, ipv6ToString, macToString, toHex } from '../../src/dissect/format.js';
import type { Tree } from '../../src/dissect/tree.js';
import type { DissectOptions } from '../../src/dissect/context.js';
import { PEER_DIR } from '../peer-dir.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SAMPLES = resolve(REPO_ROOT, 'samples');
export const PEER = PEER_DIR;
export const FIXTURES_ESP = resolve(REPO_ROOT, 'test/fixtures/esp');
export const hasPeer = existsSync(PEER);

export function makeFrame(data: Uint8Array, linktype = 1, number = 1, tsSec = 0): Frame {
  return { number, tsSec, tsNsec: 0, linktype, caplen: data.length, len: data.length, data, interfaceId: 0, comments: null };
}

export function newCtx(options: Partial<DissectOptions> = {}): DissectContext {
  return createDissector(undefined, options);
}

/** Dissect one packet in a (fresh unless given) context; returns the tree. */
export function dissect(data: Uint8Array, linktype = 229, ctx: DissectContext = newCtx(), number = 1, tsSec = 0): Tree {
  dissectFrame(ctx, makeFrame(data, linktype, number, tsSec));
  return ctx.tree;
}

function def(abbrev: string) {
  const d = fieldByAbbrev(abbrev);
  if (!d) throw new Error(`no field ${abbrev}`);
  return d;
}

/** Text of one item, formatted by its field type (the way an output would). */
export function itemText(tree: Tree, i: number): string {
  const d = tree.fieldOf(i);
  const b = tree.bufferOf(i);
  const s = tree.start[i]!;
  switch (d.type) {
    case FT.IPv6: return ipv6ToString(b, s);
    case FT.IPv4: return ipv4ToString(b, s);
    case FT.Ether: return macToString(b, s);
    case FT.Bytes: return toHex(b, s, tree.length[i]!);
    case FT.String: return new TextDecoder().decode(b.subarray(s, s + tree.length[i]!));
    case FT.Choice: return d.vals?.[tree.value[i]!] ?? String(tree.value[i]);
    default: return String(tree.value[i]);
  }
}

/** Every occurrence of a field, as text. */
export function texts(tree: Tree, abbrev: string): string[] {
  const d = def(abbrev);
  const out: string[] = [];
  for (let i = tree.first(d); i >= 0; i = tree.next(d, i)) out.push(itemText(tree, i));
  return out;
}

/** First occurrence as text, undefined when absent. */
export function text(tree: Tree, abbrev: string): string | undefined {
  return texts(tree, abbrev)[0];
}

/** Every occurrence's numeric value. */
export function values(tree: Tree, abbrev: string): number[] {
  const d = def(abbrev);
  const out: number[] = [];
  for (let i = tree.first(d); i >= 0; i = tree.next(d, i)) out.push(tree.value[i]!);
  return out;
}

export function value(tree: Tree, abbrev: string): number | undefined {
  return values(tree, abbrev)[0];
}

export function info(tree: Tree): string {
  return tree.info ? tree.info(tree, tree.infoItem) : '';
}

export function noteGroups(tree: Tree): string[] {
  return tree.notes.map((n) => n.group);
}

/** Dissect every frame of a capture; `each` sees the tree while it is valid. */
export function eachFrame(path: string, ctx: DissectContext, each: (tree: Tree, frame: Frame) => void): number {
  const r = openCapture(path);
  let n = 0;
  try {
    for (let f = r.next(); f !== null; f = r.next()) {
      dissectFrame(ctx, f);
      each(ctx.tree, f);
      n++;
    }
  } finally {
    r.close();
  }
  return n;
}

/** RFC 1071 checksum of a whole byte array. */
export function inetChecksum(b: Uint8Array): number {
  let x = 0;
  for (let i = 0; i < b.length; i += 2) x += (b[i]! << 8) | (b[i + 1] ?? 0);
  while (x > 0xffff) x = (x & 0xffff) + (x >>> 16);
  return ~x & 0xffff;
}

/** An IPv4 header (RFC 791, no options) with a correct checksum around `payload`. */
export function ipv4Packet(src: number[], dst: number[], proto: number, payload: Uint8Array, flagsFrag = 0): Uint8Array {
  const total = 20 + payload.length;
  const p = new Uint8Array(total);
  p.set([0x45, 0, total >> 8, total & 255, 0, 1, flagsFrag >> 8, flagsFrag & 255, 64, proto, 0, 0, ...src, ...dst]);
  const c = inetChecksum(p.subarray(0, 20));
  p[10] = c >> 8; p[11] = c & 255;
  p.set(payload, 20);
  return p;
}

/** ICMP echo request/reply (RFC 792) with a correct checksum. */
export function icmpEcho(type: 8 | 0, id: number, seq: number, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const m = new Uint8Array(8 + data.length);
  m.set([type, 0, 0, 0, id >> 8, id & 255, seq >> 8, seq & 255]);
  m.set(data, 8);
  const c = inetChecksum(m);
  m[2] = c >> 8; m[3] = c & 255;
  return m;
}
