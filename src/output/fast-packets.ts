/**
 * The per-packet outputs of `read` written straight into the Sink's byte
 * buffer: the summary line and the JSON object, byte for byte what
 * summaryLine() and JSON.stringify(packetJson()) give (test/output/fast-packets
 * compares them on every sample and on fuzzed packets), without building the
 * strings, the object or the intermediate UTF-8 copy.
 */
import type { Frame } from '../capture/frame.js';
import { FT, fieldById, type FieldDef } from '../dissect/fields.js';
import { u64ToString } from '../dissect/format.js';
import type { InfoFormatter, Tree } from '../dissect/tree.js';
import {
  Chunk, copyEarlier, CountingNumber, IPV6_BOUND, jsonStringBound, NUMBER_BOUND, utf8Bound, writeBytes, writeChunk, writeEpochTime,
  writeFixed6, writeHex, writeIpv4, writeIpv6, writeJsonNumber, writeJsonString, writeMac, writeNumber, writeUtf8,
} from './bytes.js';
import { colorize, type Colors } from './color.js';
import { INFO_BOUND, infoWriterFor, writeBaInfo, writeBuInfo, writeHelloInfo } from './info-bytes.js';
import { directFacts, directLayout } from '../analyze/direct.js';
import { Facts, mhKinds, type MhKinds } from '../analyze/facts.js';
import type { AddressInterner } from '../analyze/address.js';
import type { DissectContext } from '../dissect/context.js';
import { addressText, infoText, packetJson } from './packets.js';
import type { Sink } from './sink.js';

const plain = colorize(false);
const textDecoder = new TextDecoder('utf-8', { fatal: false });

/** Whether the error marker " [!]" follows the line (summaryLine's `marks`). */
function hasError(tree: Tree): boolean {
  const notes = tree.notes;
  for (let i = 0; i < notes.length; i++) if (notes[i]!.severity === 'error') return true;
  return false;
}

/** A string's UTF-8 bytes, remembered for the last string asked (the Protocol column repeats). */
class LastText {
  private text = '';
  private bytes = new Uint8Array(0);

  write(out: Buffer, p: number, s: string): number {
    if (s !== this.text) {
      this.bytes = Buffer.from(s, 'utf8');
      this.text = s;
    }
    return writeBytes(out, p, this.bytes, 0, this.bytes.length);
  }
}

/** summaryLine() for one packet after another, written into a Sink. */
export class SummaryWriter {
  private readonly number = new CountingNumber();
  private readonly protocol = new LastText();
  private readonly marks: Uint8Array;

  constructor(colors: Colors = plain) {
    this.marks = Buffer.from(` ${colors.severity('error', '[!]')}`, 'utf8');
  }

  /** Append summaryLine(tree, frame, firstTime, colors, timeText) and a newline to `out`. */
  write(out: Sink, tree: Tree, frame: Frame, firstTime: number, timeText?: string): void {
    const srcItem = tree.srcItem;
    const dstItem = tree.dstItem;
    // Addresses of any other kind (or none) take the string route.
    const srcText = srcItem >= 0 && tree.fieldOf(srcItem).type === FT.IPv6 ? null : addressText(tree, srcItem);
    const dstText = dstItem >= 0 && tree.fieldOf(dstItem).type === FT.IPv6 ? null : addressText(tree, dstItem);
    const infoWriter = infoWriterFor(tree.info, tree.infoItem);
    const info = infoWriter === null ? infoText(tree) : '';
    const protocol = tree.protocol;
    const marks = tree.notes.length !== 0 && hasError(tree);
    const need = 2 * NUMBER_BOUND + 40 + 2 * IPV6_BOUND + utf8Bound(protocol) + this.marks.length
      + (infoWriter === null ? utf8Bound(info) : INFO_BOUND)
      + (srcText === null ? 0 : utf8Bound(srcText)) + (dstText === null ? 0 : utf8Bound(dstText))
      + (timeText === undefined ? 0 : utf8Bound(timeText));
    if (!out.room(need)) return;
    const buf = out.buf;
    const view = out.view;
    let p = this.head(out, frame, firstTime, timeText, srcText, tree.bufferOf(srcItem), tree.start[srcItem]!, dstText, tree.bufferOf(dstItem), tree.start[dstItem]!, protocol);
    p = infoWriter === null ? writeUtf8(buf, p, info) : infoWriter(tree, tree.infoItem, buf, view, p);
    if (marks) p = writeBytes(buf, p, this.marks, 0, this.marks.length);
    buf[p++] = 10;
    out.done(p);
  }

  /**
   * The line up to its Info column at out.pos (room made): number, time, source → destination (an IPv6
   * address's bytes when its text is null), protocol, length, each followed by a space. Returns the end.
   */
  head(
    out: Sink, frame: Frame, firstTime: number, timeText: string | undefined,
    srcText: string | null, srcBuf: Uint8Array, srcOff: number, dstText: string | null, dstBuf: Uint8Array, dstOff: number, protocol: string,
  ): number {
    const buf = out.buf;
    const view = out.view;
    let p = this.number.write(buf, out.pos, frame.number, 5);
    buf[p++] = 32;
    if (timeText === undefined) p = writeFixed6(buf, p, frame.tsSec + frame.tsNsec / 1e9 - firstTime, 11);
    else {
      for (let i = timeText.length; i < 11; i++) buf[p++] = 32;
      p = writeUtf8(buf, p, timeText);
    }
    buf[p++] = 32;
    p = srcText === null ? writeIpv6(buf, view, p, srcBuf, srcOff) : writeUtf8(buf, p, srcText);
    buf[p++] = 32; buf[p++] = 0xe2; buf[p++] = 0x86; buf[p++] = 0x92; buf[p++] = 32; // " → "
    p = dstText === null ? writeIpv6(buf, view, p, dstBuf, dstOff) : writeUtf8(buf, p, dstText);
    buf[p++] = 32;
    p = this.protocol.write(buf, p, protocol);
    buf[p++] = 32;
    p = writeNumber(buf, p, frame.len);
    buf[p++] = 32;
    return p;
  }
}

/** The Protocol column of a Mobility Header message (dissect/mh/header.ts). */
const MIPV6 = 'MIPv6';

/**
 * The summary line of frames whose facts directFacts() read from their bytes
 * (analyze/direct.ts), without a dissection: a Binding Update, Binding
 * Acknowledgement or Home Agent Hello with nothing noted on it. Byte for byte
 * SummaryWriter's line from the dissected tree (test/analyze/direct.test.ts).
 */
export class DirectSummary {
  private readonly facts = new Facts();
  private readonly kinds: MhKinds;
  /** Address ids do not matter here. */
  private readonly addresses: AddressInterner = { now: 0, intern: () => 1 };
  private readonly infoByType: (InfoFormatter | undefined)[] = [];

  constructor(private readonly ctx: DissectContext, private readonly summary: SummaryWriter) {
    this.kinds = mhKinds(ctx.profile.mhTypes);
    for (let t = 0; t < 256; t++) this.infoByType.push(ctx.mhByType[t]?.info);
  }

  /** Whether the frame's line can be written from its bytes (then write() it next). */
  accepts(frame: Frame): boolean {
    const f = this.facts;
    if (!directFacts(f, this.ctx, frame, '', 0, this.kinds, this.addresses)) return false;
    const kind = f.kind;
    if (kind !== 'bindingUpdate' && kind !== 'bindingAck' && kind !== 'homeAgentHello') return false;
    // The text of the formatters registered for these messages (a profile cannot replace them; checked all the same).
    return infoWriterFor(this.infoByType[f.mhType] ?? null, 0) !== null;
  }

  /** The line of the frame accepts() took, as SummaryWriter.write() gives it from the dissection. */
  write(out: Sink, frame: Frame, firstTime: number, timeText?: string): void {
    const f = this.facts;
    const kind = f.kind;
    const b = directLayout.bytes;
    const ip = directLayout.ip;
    const mh = directLayout.mh;
    if (!out.room(2 * NUMBER_BOUND + 50 + 2 * IPV6_BOUND + INFO_BOUND + (timeText === undefined ? 0 : utf8Bound(timeText)))) return;
    const buf = out.buf;
    const view = out.view;
    let p = this.summary.head(out, frame, firstTime, timeText, null, b, ip + 8, null, b, ip + 24, MIPV6);
    if (kind === 'bindingUpdate') p = writeBuInfo(buf, view, p, true, f.seq, (b[mh + 8]! << 8) | b[mh + 9]!, f.lifetime);
    else if (kind === 'bindingAck') p = writeBaInfo(buf, view, p, f.status, true, f.seq, true, f.lifetime);
    else p = writeHelloInfo(buf, view, p, f.seq, f.group, f.active, f.preference, f.replyRequested, f.lifetime);
    buf[p++] = 10;
    out.done(p);
  }
}

const ARRAY_INDEX = /^(?:0|[1-9][0-9]*)$/;

/**
 * Whether an object keeps `abbrev` as an own key in insertion order: not an
 * array index such as "7" (those come first, in numeric order) nor "__proto__".
 */
function plainKey(abbrev: string): boolean {
  const index = ARRAY_INDEX.test(abbrev) && Number(abbrev) < 4294967295;
  return !index && abbrev !== '__proto__';
}

/** Bytes a value of this field may take in JSON, its length aside (-1: no JSON value). */
function valueBound(def: FieldDef): number {
  switch (def.type) {
    case FT.UInt: case FT.Int: return NUMBER_BOUND;
    case FT.Bool: return 5;
    case FT.IPv6: return IPV6_BOUND + 2;
    case FT.IPv4: return 17;
    case FT.Ether: return 19;
    case FT.Bytes: case FT.String: return 2; // + per byte, counted per packet
    case FT.UInt64: return 22;
    case FT.Choice: {
      let b = NUMBER_BOUND;
      for (const name of Object.values(def.vals ?? {})) b = Math.max(b, jsonStringBound(name));
      return b;
    }
    case FT.IPv6Prefix: return IPV6_BOUND + NUMBER_BOUND + 3;
    default: return -1;
  }
}

/** Value kinds whose JSON text is a function of the item's number alone (they can be folded). */
function numericKind(def: FieldDef): boolean {
  return def.type === FT.UInt || def.type === FT.Int || def.type === FT.Bool || def.type === FT.Choice;
}

/** The JSON text of a numeric-kind value (jsonValue, then JSON.stringify). */
function numericJson(def: FieldDef, v: number): string {
  switch (def.type) {
    case FT.Bool: return v !== 0 ? 'true' : 'false';
    case FT.Choice: {
      const name = def.vals?.[v];
      return name === undefined ? JSON.stringify(v) : JSON.stringify(name);
    }
    default: return JSON.stringify(v);
  }
}

/** Packets of a shape seen before values that never changed are folded into the constant text. */
const LEARN_PACKETS = 8;

/**
 * The JSON `fields` object of every packet whose items have these field ids in
 * this order: the values' items in output order (a field's occurrences together,
 * at its first place), and the constant text around them (pre[j] goes before
 * value j, pre[n] closes the object).
 *
 * Numbers that stayed the same over the shape's first packets (IPv6 version,
 * Next Header, flags, checksum status...) are folded into that text too: each
 * packet checks they still hold, and a value found to differ is unfolded for good.
 * What is written is the plan: the merged text between the values still written.
 */
class Shape {
  readonly items: Int32Array;
  readonly defs: FieldDef[];
  /** Bytes of the text and values, per-byte parts of Bytes/String values aside. */
  readonly bound: number;
  /** Items of Bytes (2 bytes each) and String (6) fields. */
  readonly perByte: Int32Array;
  readonly perByteCost: Int32Array;
  private readonly pre: string[];
  /** Folding: 1 while a numeric slot has kept one value, and that value. */
  private readonly steady: Uint8Array;
  private readonly last: Float64Array;
  private uses = 0;
  /** The plan: slots written, and the text before each (plus the closing text), as words. */
  slots = new Int32Array(0);
  textAt = new Int32Array(0);
  textLength = new Int32Array(0);
  words = new Int32Array(0);
  texts: Uint8Array[] = [];
  /** Folded slots, and the values they were folded with. */
  folded = new Int32Array(0);
  foldedValue = new Float64Array(0);

  constructor(readonly fids: Uint16Array, readonly plain: boolean, items: number[], defs: FieldDef[], pre: string[]) {
    this.items = Int32Array.from(items);
    this.defs = defs;
    this.pre = pre;
    const perByte: number[] = [];
    const perByteCost: number[] = [];
    let bound = 0;
    for (let j = 0; j < items.length; j++) {
      const def = defs[j]!;
      bound += valueBound(def);
      if (def.type === FT.Bytes || def.type === FT.String) { perByte.push(items[j]!); perByteCost.push(def.type === FT.Bytes ? 2 : 6); }
    }
    for (const t of pre) bound += Buffer.byteLength(t, 'utf8') + 4;
    this.bound = bound;
    this.perByte = Int32Array.from(perByte);
    this.perByteCost = Int32Array.from(perByteCost);
    this.steady = new Uint8Array(items.length);
    this.last = new Float64Array(items.length);
    for (let j = 0; j < items.length; j++) this.steady[j] = numericKind(defs[j]!) ? 1 : 0;
    this.plan(false);
  }

  /** Make the plan (folding the steady slots when asked). */
  private plan(fold: boolean): void {
    const n = this.items.length;
    const slots: number[] = [];
    const texts: string[] = [];
    const folded: number[] = [];
    const foldedValue: number[] = [];
    let text = '';
    for (let j = 0; j < n; j++) {
      text += this.pre[j]!;
      if (fold && this.steady[j]) {
        text += numericJson(this.defs[j]!, this.last[j]!);
        folded.push(j);
        foldedValue.push(this.last[j]!);
      } else {
        texts.push(text);
        slots.push(j);
        text = '';
      }
    }
    texts.push(text + this.pre[n]!);
    const bytes = texts.map((t) => Buffer.from(t, 'utf8'));
    const at: number[] = [];
    let words = 0;
    for (const b of bytes) { at.push(words); words += (b.length + 3) >> 2; }
    const all = new Uint8Array(words * 4);
    bytes.forEach((b, k) => all.set(b, at[k]! * 4));
    // As little-endian words, the way writeText stores short texts; long ones are copied from `texts`.
    const dv = new DataView(all.buffer);
    this.words = new Int32Array(words);
    for (let i = 0; i < words; i++) this.words[i] = dv.getInt32(4 * i, true);
    this.texts = bytes.map((b, k) => all.subarray(at[k]! * 4, at[k]! * 4 + b.length));
    this.slots = Int32Array.from(slots);
    this.textAt = Int32Array.from(at);
    this.textLength = Int32Array.from(bytes.map((b) => b.length));
    this.folded = Int32Array.from(folded);
    this.foldedValue = Float64Array.from(foldedValue);
  }

  /** Before writing a packet: keep the plan true to it (and learn, early on). */
  check(value: Float64Array): void {
    const items = this.items;
    if (this.uses < LEARN_PACKETS) {
      const steady = this.steady;
      const last = this.last;
      const first = this.uses === 0;
      for (let j = 0; j < items.length; j++) {
        if (!steady[j]) continue;
        const v = value[items[j]!]!;
        if (first) last[j] = v;
        else if (v !== last[j]) steady[j] = 0;
      }
      if (++this.uses === LEARN_PACKETS) this.plan(true);
      return;
    }
    const folded = this.folded;
    const foldedValue = this.foldedValue;
    for (let k = 0; k < folded.length; k++) {
      if (value[items[folded[k]!]!] !== foldedValue[k]) { this.unfold(value); return; }
    }
  }

  private unfold(value: Float64Array): void {
    const folded = this.folded;
    for (let k = 0; k < folded.length; k++) {
      const j = folded[k]!;
      if (value[this.items[j]!] !== this.foldedValue[k]) this.steady[j] = 0;
    }
    this.plan(true);
  }
}

function makeShape(tree: Tree): Shape {
  const count = tree.count;
  const fids = tree.field.slice(0, count);
  const groups = new Map<number, number[]>();
  let plain = true;
  for (let i = 0; i < count; i++) {
    const def = fieldById(fids[i]!);
    if (valueBound(def) < 0) continue;
    const g = groups.get(def.id);
    if (g) g.push(i);
    else {
      groups.set(def.id, [i]);
      if (!plainKey(def.abbrev)) plain = false;
    }
  }
  const items: number[] = [];
  const defs: FieldDef[] = [];
  const pre: string[] = [];
  let text = ',"fields":{';
  let first = true;
  for (const [fid, g] of groups) {
    const def = fieldById(fid);
    text += `${first ? '' : ','}${JSON.stringify(def.abbrev)}:${g.length > 1 ? '[' : ''}`;
    first = false;
    for (let k = 0; k < g.length; k++) {
      if (k) text += ',';
      pre.push(text);
      text = '';
      items.push(g[k]!);
      defs.push(def);
    }
    if (g.length > 1) text += ']';
  }
  pre.push(`${text}},"problems":`);
  return new Shape(fids, plain, items, defs, pre);
}

/** Texts longer than this are copied by TypedArray set() (a memcpy), shorter ones a word at a time. */
const LONG_TEXT = 32;

/** Write the plan's k-th text at p. Room: its length + 3. */
function writeText(buf: Buffer, view: DataView, p: number, shape: Shape, k: number): number {
  const length = shape.textLength[k]!;
  if (length > LONG_TEXT) {
    buf.set(shape.texts[k]!, p);
    return p + length;
  }
  const words = shape.words;
  const at = shape.textAt[k]!;
  const n = (length + 3) >> 2;
  for (let i = 0; i < n; i++) view.setInt32(p + 4 * i, words[at + i]!, true);
  return p + length;
}

const SHAPE_SLOTS = 64;

const C_FRAME = Chunk.of('{"frame":');
const C_TIME = Chunk.of(',"time":');
const C_LEN = Chunk.of(',"len":');
const C_CAPLEN = Chunk.of(',"caplen":');
const C_SRC = Chunk.of(',"src":');
const C_DST = Chunk.of(',"dst":');
const C_PROTOCOL = Chunk.of(',"protocol":');
const C_INFO = Chunk.of(',"info":');
const C_FILE = Chunk.of(',"file":');
const C_NO_PROBLEMS = Chunk.of('[]');

/**
 * JSON.stringify(packetJson()) for one packet after another, written into a
 * Sink. The `fields` object's layout depends only on the packet's sequence of
 * field ids; it is worked out once per sequence (a Shape) and then only the
 * values are written between its constant bytes.
 */
export class JsonWriter {
  private readonly protocol = new LastText();
  /** Shapes by a hash of their field ids (a slot holds the last one made). */
  private readonly shapes: (Shape | null)[] = new Array<Shape | null>(SHAPE_SLOTS).fill(null);
  /** By slot, a hash of all the field ids of the last packet that found no shape there. */
  private readonly pending = new Int32Array(SHAPE_SLOTS);
  /** This packet's first two addresses written: their bytes, and their text in the Sink's buffer. */
  private seen0: Uint8Array | null = null;
  private seen0Offset = 0;
  private seen0At = 0;
  private seen0Length = 0;
  private seen1: Uint8Array | null = null;
  private seen1Offset = 0;
  private seen1At = 0;
  private seen1Length = 0;
  /** Where this packet's "time" was written in the Sink's buffer. */
  private timeAt = 0;
  private timeLength = 0;

  /** The shape for the tree's field ids, or null: write this packet through packetJson(). */
  private shapeOf(tree: Tree): Shape | null {
    const count = tree.count;
    const field = tree.field;
    // A few ids pick the slot; the whole sequence is compared.
    let h = count;
    if (count > 0) {
      h = Math.imul(h ^ field[count - 1]!, 0x9e3779b1);
      h = Math.imul(h ^ field[count >> 1]!, 0x85ebca6b);
      h = Math.imul(h ^ field[(count * 3) >> 2]!, 0xc2b2ae35);
    }
    const slot = (h ^ (h >>> 15)) & (SHAPE_SLOTS - 1);
    const s = this.shapes[slot]!;
    if (s !== null && s.fids.length === count) {
      const fids = s.fids;
      let i = 0;
      while (i < count && fids[i] === field[i]) i++;
      if (i === count) return s;
    }
    // A shape is made the second time in a row its slot sees it: packets whose
    // layouts all differ (or take turns in one slot) cost no more than packetJson().
    let full = count;
    for (let i = 0; i < count; i++) full = Math.imul(full ^ field[i]!, 0x9e3779b1);
    if (this.pending[slot] !== full) {
      this.pending[slot] = full;
      return null;
    }
    return (this.shapes[slot] = makeShape(tree));
  }

  /**
   * Append `prefix` (the "," between -T json array elements, or ""), the packet's
   * JSON object (with "file" last when given) and a newline to `out`.
   */
  write(out: Sink, tree: Tree, frame: Frame, prefix: string, file?: string): void {
    const shape = this.shapeOf(tree);
    if (shape === null || !shape.plain) {
      const j = packetJson(tree, frame);
      if (file !== undefined) j.file = file;
      out.line(`${prefix}${JSON.stringify(j)}`);
      return;
    }
    shape.check(tree.value);
    const t = frame.tsSec + frame.tsNsec / 1e9;
    const srcItem = tree.srcItem;
    const dstItem = tree.dstItem;
    const srcText = srcItem >= 0 && tree.fieldOf(srcItem).type === FT.IPv6 ? null : addressText(tree, srcItem);
    const dstText = dstItem >= 0 && tree.fieldOf(dstItem).type === FT.IPv6 ? null : addressText(tree, dstItem);
    const protocol = tree.protocol;
    const infoWriter = infoWriterFor(tree.info, tree.infoItem);
    const info = infoWriter === null ? infoText(tree) : '';
    const problems = tree.notes.length === 0 ? null : JSON.stringify(packetJson(tree, frame).problems);
    let need = shape.bound + 200 + prefix.length * 3 + 4 * NUMBER_BOUND + 2 * IPV6_BOUND
      + jsonStringBound(protocol) + (infoWriter === null ? jsonStringBound(info) : INFO_BOUND + 2) + (problems === null ? 0 : utf8Bound(problems))
      + (srcText === null ? 0 : jsonStringBound(srcText)) + (dstText === null ? 0 : jsonStringBound(dstText))
      + (file === undefined ? 0 : jsonStringBound(file));
    const perByte = shape.perByte;
    for (let k = 0; k < perByte.length; k++) {
      // Only the bytes that exist are shown (toHex and subarray stop at the buffer's end).
      const i = perByte[k]!;
      const avail = tree.bufferOf(i).length - tree.start[i]!;
      need += shape.perByteCost[k]! * Math.max(0, Math.min(tree.length[i]!, avail));
    }
    if (!out.room(need)) return;

    const buf = out.buf;
    const view = out.view;
    let p = out.pos;
    if (prefix.length) p = writeUtf8(buf, p, prefix);
    p = writeChunk(view, p, C_FRAME);
    p = writeJsonNumber(buf, p, frame.number);
    p = writeChunk(view, p, C_TIME);
    this.timeAt = p;
    p = writeEpochTime(buf, p, frame.tsSec, frame.tsNsec, t);
    this.timeLength = p - this.timeAt;
    p = writeChunk(view, p, C_LEN);
    p = writeJsonNumber(buf, p, frame.len);
    p = writeChunk(view, p, C_CAPLEN);
    p = writeJsonNumber(buf, p, frame.caplen);
    p = writeChunk(view, p, C_SRC);
    this.seen0 = null;
    this.seen1 = null;
    p = srcText === null ? this.address(buf, view, p, tree, srcItem) : writeJsonString(buf, p, srcText);
    p = writeChunk(view, p, C_DST);
    p = dstText === null ? this.address(buf, view, p, tree, dstItem) : writeJsonString(buf, p, dstText);
    p = writeChunk(view, p, C_PROTOCOL);
    buf[p++] = 34;
    const pStart = p;
    p = this.protocol.write(buf, p, protocol);
    // The Protocol column is a plain name; anything needing escapes is rewritten.
    if (!plainAscii(buf, pStart, p)) p = writeJsonString(buf, pStart - 1, protocol);
    else buf[p++] = 34;
    p = writeChunk(view, p, C_INFO);
    if (infoWriter === null) p = writeJsonString(buf, p, info);
    else {
      buf[p++] = 34;
      p = infoWriter(tree, tree.infoItem, buf, view, p);
      buf[p++] = 34;
    }

    const items = shape.items;
    const defs = shape.defs;
    const slots = shape.slots;
    const n = slots.length;
    for (let k = 0; k < n; k++) {
      p = writeText(buf, view, p, shape, k);
      const j = slots[k]!;
      p = this.value(buf, view, p, tree, items[j]!, defs[j]!, t);
    }
    p = writeText(buf, view, p, shape, n);
    p = problems === null ? writeChunk(view, p, C_NO_PROBLEMS) : writeUtf8(buf, p, problems);
    if (file !== undefined) {
      p = writeChunk(view, p, C_FILE);
      p = writeJsonString(buf, p, file);
    }
    buf[p++] = 125;
    buf[p++] = 10;
    out.done(p);
  }

  /**
   * An IPv6 address item as a JSON string. The packet's first two addresses (the
   * Source and Destination columns, as a rule) are remembered by where their
   * bytes are: ipv6.src, ipv6.dst and ipv6.addr repeat them, and are copied from
   * the text already written.
   */
  private address(buf: Buffer, view: DataView, p: number, tree: Tree, item: number): number {
    const b = tree.bufferOf(item);
    const o = tree.start[item]!;
    if (b === this.seen0 && o === this.seen0Offset) return copyEarlier(view, p, this.seen0At, this.seen0Length);
    if (b === this.seen1 && o === this.seen1Offset) return copyEarlier(view, p, this.seen1At, this.seen1Length);
    const at = p;
    buf[p++] = 34;
    p = writeIpv6(buf, view, p, b, o);
    buf[p++] = 34;
    if (this.seen0 === null) { this.seen0 = b; this.seen0Offset = o; this.seen0At = at; this.seen0Length = p - at; }
    else if (this.seen1 === null) { this.seen1 = b; this.seen1Offset = o; this.seen1At = at; this.seen1Length = p - at; }
    return p;
  }

  /** jsonValue(tree, i) as JSON (never null: shapes leave those out). */
  private value(buf: Buffer, view: DataView, p: number, tree: Tree, i: number, def: FieldDef, t: number): number {
    const v = tree.value[i]!;
    switch (def.type) {
      case FT.UInt: case FT.Int:
        // frame.time_epoch is the packet time: its text is already in the buffer.
        return v === t ? copyEarlier(view, p, this.timeAt, this.timeLength) : writeJsonNumber(buf, p, v);
      case FT.Bool:
        if (v !== 0) { buf[p] = 116; buf[p + 1] = 114; buf[p + 2] = 117; buf[p + 3] = 101; return p + 4; }
        buf[p] = 102; buf[p + 1] = 97; buf[p + 2] = 108; buf[p + 3] = 115; buf[p + 4] = 101; return p + 5;
      case FT.IPv6:
        return this.address(buf, view, p, tree, i);
      case FT.IPv4:
        buf[p++] = 34;
        p = writeIpv4(buf, p, tree.bufferOf(i), tree.start[i]!);
        buf[p++] = 34;
        return p;
      case FT.Ether:
        buf[p++] = 34;
        p = writeMac(buf, p, tree.bufferOf(i), tree.start[i]!);
        buf[p++] = 34;
        return p;
      case FT.Bytes:
        buf[p++] = 34;
        p = writeHex(buf, p, tree.bufferOf(i), tree.start[i]!, tree.length[i]!);
        buf[p++] = 34;
        return p;
      case FT.String: {
        const s = tree.start[i]!;
        return writeJsonString(buf, p, textDecoder.decode(tree.bufferOf(i).subarray(s, s + tree.length[i]!)));
      }
      case FT.UInt64:
        return writeJsonString(buf, p, u64ToString(tree.bufferOf(i), tree.start[i]!));
      case FT.Choice: {
        const name = def.vals?.[v];
        return name === undefined ? writeJsonNumber(buf, p, v) : writeJsonString(buf, p, name);
      }
      case FT.IPv6Prefix:
        buf[p++] = 34;
        p = writeIpv6(buf, view, p, tree.bufferOf(i), tree.start[i]!);
        buf[p++] = 47;
        p = writeNumber(buf, p, v);
        buf[p++] = 34;
        return p;
      default:
        return p;
    }
  }
}

/** Whether out[a..b) is printable ASCII without quote or backslash (needs no JSON escape). */
function plainAscii(out: Uint8Array, a: number, b: number): boolean {
  for (let i = a; i < b; i++) {
    const c = out[i]!;
    if (c < 0x20 || c > 0x7e || c === 34 || c === 92) return false;
  }
  return true;
}
