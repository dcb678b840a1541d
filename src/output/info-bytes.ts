/**
 * The Info column of the busiest messages written straight as bytes.
 *
 * A dissector sets tree.info to a formatter returning a string; for Binding
 * Updates and Acknowledgements and HA Hellos (most of a home link's signalling)
 * that string costs more than the rest of the summary line: a subtree scan per
 * field looked up, a string built, then flattened and encoded. The writers here
 * produce the same text, byte for byte, in one scan and no string. They stand in
 * only for the formatter functions registered for those messages (found by
 * identity in the MH registry), so any other formatter, or a replaced one, is
 * simply called.
 *
 * They restate what those formatters print: test/output/fast-packets.test.ts
 * compares the two on every sample and on fuzzed packets, so a change to a
 * formatter's text that is not made here fails there.
 */
import { registeredMhMessages } from '../dissect/context.js';
import type { FieldDef } from '../dissect/fields.js';
import { helloFields } from '../dissect/mh/harel.js';
import { BA_STATUS } from '../dissect/mh/ba-status.js';
import { baFields, buFields } from '../dissect/mh/rfc6275.js';
import type { InfoFormatter, Tree } from '../dissect/tree.js';
import { Chunk, NUMBER_BOUND, writeChunk, writeNumber } from './bytes.js';

/**
 * Writes a message's Info text at out[p..] and returns the end. The text is
 * printable ASCII without quote or backslash (it goes into JSON strings as is).
 */
export type InfoWriter = (tree: Tree, item: number, out: Buffer, view: DataView, p: number) => number;

/**
 * The first item of each of several fields inside the subtree of `root`, as
 * Tree.firstWithin gives for each, found in one pass over the items after root.
 */
class FieldFinder {
  private readonly slotOf = new Int8Array(1 << 16).fill(-1);
  readonly found: Int32Array;

  constructor(defs: readonly FieldDef[]) {
    this.found = new Int32Array(defs.length);
    defs.forEach((d, k) => { this.slotOf[d.id] = k; });
  }

  /** For root >= 0. */
  find(tree: Tree, root: number): Int32Array {
    const found = this.found;
    let left = found.length;
    for (let k = 0; k < left; k++) found[k] = -1;
    const field = tree.field;
    const parent = tree.parent;
    const slotOf = this.slotOf;
    const count = tree.count;
    for (let i = root + 1; i < count && left > 0; i++) {
      const s = slotOf[field[i]!]!;
      if (s < 0 || found[s]! >= 0) continue;
      // Tree.isWithin(i, root)
      let p = i;
      while (p >= 0 && p !== root) p = parent[p]!;
      if (p === root) { found[s] = i; left--; }
    }
    return found;
  }
}

/** Whether text needs nothing escaped in JSON and is one byte per character. */
function plainText(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 34 || c === 92) return false;
  }
  return true;
}

// ---- Binding Update (rfc6275.ts buInfo) ---------------------------------------

const BU_FLAGS = [buFields.a_flag, buFields.h_flag, buFields.l_flag, buFields.k_flag, buFields.m_flag,
  buFields.r_flag, buFields.p_flag, buFields.f_flag, buFields.t_flag, buFields.b_flag];
const BU_FLAG_LETTERS = 'AHLKMRPFTB';
const buFinder = new FieldFinder([buFields.seqnr, buFields.lifetime, ...BU_FLAGS]);
const BU_SEQ = Chunk.of('Binding Update seq ');
const LIFETIME = Chunk.of(' lifetime ');
const DEREGISTRATION = Chunk.of(' s (de-registration)');

const writeBu: InfoWriter = (tree, item, out, view, p) => {
  const f = buFinder.find(tree, item);
  const value = tree.value;
  let flags = 0;
  for (let k = 0; k < 10; k++) {
    const x = f[2 + k]!;
    if (x >= 0 && value[x]) flags |= 0x8000 >> k;
  }
  const life = f[1]!;
  return writeBuInfo(out, view, p, f[0]! >= 0, f[0]! >= 0 ? value[f[0]!]! : 0, flags, life >= 0 ? value[life]! * 4 : 0);
};

/**
 * buInfo's text from the BU's numbers: whether it has a sequence number and which, its
 * flags word (A = 0x8000 ... B = 0x0040) and its lifetime in seconds.
 */
export function writeBuInfo(out: Buffer, view: DataView, p: number, hasSeq: boolean, seq: number, flags: number, lifetime: number): number {
  p = writeChunk(view, p, BU_SEQ);
  if (hasSeq) p = writeNumber(out, p, seq);
  else out[p++] = 63; // ?
  let letters = false;
  for (let k = 0; k < 10; k++) {
    if ((flags & (0x8000 >> k)) !== 0) {
      if (!letters) { out[p++] = 32; letters = true; }
      out[p++] = BU_FLAG_LETTERS.charCodeAt(k);
    }
  }
  p = writeChunk(view, p, LIFETIME);
  p = writeNumber(out, p, lifetime);
  if (lifetime === 0) return writeChunk(view, p, DEREGISTRATION);
  out[p] = 32;
  out[p + 1] = 115; // s
  return p + 2;
}

// ---- Binding Acknowledgement (rfc6275.ts baInfo) ------------------------------

const baFinder = new FieldFinder([baFields.status, baFields.seqnr, baFields.lifetime]);
const BA_SEQ = Chunk.of('Binding Acknowledgement seq ');
const STATUS = Chunk.of(' status ');
const STATUS_CLOSE = Chunk.of(') lifetime ');
/** The status names, by status (0..255), the fallbacks for unnamed ones included. */
const baNames: Chunk[] = [];
const ACCEPTED = Chunk.of('accepted');
const REJECTED = Chunk.of('rejected');
/** The writer is used only when every name is plain text and every key a byte value. */
let baNamesPlain = Object.keys(BA_STATUS).every((k) => /^(?:0|[1-9][0-9]{0,2})$/.test(k) && Number(k) < 256);
for (let s = 0; s < 256; s++) {
  const name = BA_STATUS[s];
  if (name !== undefined && !plainText(name)) baNamesPlain = false;
  baNames.push(name !== undefined ? Chunk.of(name) : s < 128 ? ACCEPTED : REJECTED);
}
let baNameMax = 8;
for (const n of baNames) baNameMax = Math.max(baNameMax, n.length);

const writeBa: InfoWriter = (tree, item, out, view, p) => {
  const f = baFinder.find(tree, item);
  const value = tree.value;
  const st = f[0]!;
  const seq = f[1]!;
  const life = f[2]!;
  return writeBaInfo(out, view, p, st >= 0 ? value[st]! : -1, seq >= 0, seq >= 0 ? value[seq]! : 0, life >= 0, life >= 0 ? value[life]! * 4 : 0);
};

/** baInfo's text from the BA's status (-1 when absent), sequence number and lifetime in seconds (each when present). */
export function writeBaInfo(
  out: Buffer, view: DataView, p: number, status: number, hasSeq: boolean, seq: number, hasLifetime: boolean, lifetime: number,
): number {
  p = writeChunk(view, p, BA_SEQ);
  if (hasSeq) p = writeNumber(out, p, seq);
  else out[p++] = 63;
  p = writeChunk(view, p, STATUS);
  p = writeNumber(out, p, status);
  out[p++] = 32;
  out[p++] = 40; // (
  // BA_STATUS names only whole statuses 0..255 (checked below): anything else is unnamed.
  const name = status >= 0 && status < 256 && Number.isInteger(status) ? baNames[status]! : status < 128 ? ACCEPTED : REJECTED;
  p = writeChunk(view, p, name);
  p = writeChunk(view, p, STATUS_CLOSE);
  if (hasLifetime) p = writeNumber(out, p, lifetime);
  else out[p++] = 63;
  out[p] = 32;
  out[p + 1] = 115;
  return p + 2;
}

// ---- Home Agent Hello (harel.ts helloInfo) -------------------------------------

const helloFinder = new FieldFinder([helloFields.seq, helloFields.a_flag, helloFields.r_flag, helloFields.lifetime, helloFields.group, helloFields.pref]);
const HELLO = Chunk.of('HA Hello');
const HELLO_SEQ = Chunk.of('HA Hello seq ');
const GROUP = Chunk.of(' group ');
const ACTIVE = Chunk.of(' ACTIVE pref ');
const STANDBY = Chunk.of(' STANDBY pref ');
const REPLY = Chunk.of(', reply requested');
const LIFETIME0 = Chunk.of(', lifetime 0');

const writeHello: InfoWriter = (tree, item, out, view, p) => {
  const f = helloFinder.find(tree, item);
  const value = tree.value;
  return writeHelloInfo(out, view, p, num(f, value, 0), num(f, value, 4), num(f, value, 1) === 1, num(f, value, 5), num(f, value, 2) === 1, num(f, value, 3));
};

/** harel.ts num(): the value of the k-th field found, or -1 when it is absent. */
function num(found: Int32Array, value: Float64Array, k: number): number {
  return found[k]! < 0 ? -1 : value[found[k]!]!;
}

/** helloInfo's text from the Hello's numbers (-1: absent; a Hello without a sequence number is "HA Hello"). */
export function writeHelloInfo(
  out: Buffer, view: DataView, p: number, seq: number, group: number, active: boolean, preference: number, reply: boolean, lifetime: number,
): number {
  if (seq < 0) return writeChunk(view, p, HELLO);
  p = writeChunk(view, p, HELLO_SEQ);
  p = writeNumber(out, p, seq);
  p = writeChunk(view, p, GROUP);
  p = writeNumber(out, p, group);
  p = writeChunk(view, p, active ? ACTIVE : STANDBY);
  p = writeNumber(out, p, preference);
  if (reply) p = writeChunk(view, p, REPLY);
  if (lifetime === 0) p = writeChunk(view, p, LIFETIME0);
  return p;
}

/** Bytes any writer here may write (numbers at their longest, and the longest status name). */
export const INFO_BOUND = 120 + 3 * NUMBER_BOUND + baNameMax;

/**
 * The writers, by the formatter they stand in for. Found from the MH registry
 * once, when first asked (the dissectors have registered by then).
 */
let table: { formatters: InfoFormatter[]; writers: InfoWriter[] } | null = null;

function buildTable(): { formatters: InfoFormatter[]; writers: InfoWriter[] } {
  const t = { formatters: [] as InfoFormatter[], writers: [] as InfoWriter[] };
  const messages = registeredMhMessages();
  const add = (key: 'bindingUpdate' | 'bindingAck' | 'homeAgentHello', w: InfoWriter): void => {
    const f = messages.get(key)?.info;
    if (f) { t.formatters.push(f); t.writers.push(w); }
  };
  add('bindingUpdate', writeBu);
  if (baNamesPlain) add('bindingAck', writeBa);
  add('homeAgentHello', writeHello);
  return t;
}

/**
 * The byte writer for an Info formatter called on `item`, or null: call the
 * formatter. Only for a message item (the dissectors' use): with no item (-1)
 * what "inside" means is the formatter's business.
 */
export function infoWriterFor(f: InfoFormatter | null, item: number): InfoWriter | null {
  if (f === null || item < 0) return null;
  const t = table ?? (table = buildTable());
  const fs = t.formatters;
  for (let i = 0; i < fs.length; i++) if (fs[i] === f) return t.writers[i]!;
  return null;
}
