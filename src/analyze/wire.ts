/**
 * Facts on the wire between threads: a lint that analyzes on a second thread
 * dissects and extracts here, then ships each packet's Facts as one record of
 * 32-bit words through a ring (ring.ts); the analysis thread decodes them into
 * its own Facts object and feeds its engine.
 *
 * Addresses travel as their 16 bytes, and the analyzing thread interns them:
 * the dissecting thread only records them (AddressRecorder), so the address
 * table, and the cost of a lookup in it per address, is the analyzing thread's,
 * as in a run on one thread (same ids, same recycling).
 *
 * Every field a rule reads is carried; tree items are not (rules ask only
 * whether the Mobility Header and ESP were there). The dissecting thread also
 * judges ESP sequence numbers against the SAs' anti-replay windows (SaWindows)
 * and ships the verdict; the engine judges a packet that comes without one.
 */
import { i32 } from '../dissect/bytes.js';
import type { Note, NoteSeverity } from '../dissect/tree.js';
import type { AddressInterner, AddressTable } from './address.js';
import { VERDICTS } from '../esp/replay.js';
import { Facts, NO_NOTES, type PacketKind } from './facts.js';
import type { RingReader, RingWriter } from './ring.js';

export const RECORD = { facts: 1 } as const;

const ICV = ['', 'good', 'bad', 'unchecked'];
const SEVERITIES: NoteSeverity[] = ['error', 'warning', 'note', 'chat'];

/** Fixed part of a facts record, in words. */
const FIXED = 38;

const f64 = new Float64Array(1);
const f64w = new Int32Array(f64.buffer);

function putDouble(d: Int32Array, i: number, x: number): void {
  f64[0] = x;
  d[i] = f64w[0]!;
  d[i + 1] = f64w[1]!;
}

function getDouble(d: Int32Array, i: number): number {
  f64w[0] = d[i]!;
  f64w[1] = d[i + 1]!;
  return f64[0]!;
}


function textWords(s: string): number {
  return 1 + s.length;
}

function putText(d: Int32Array, i: number, s: string): number {
  d[i++] = s.length;
  for (let k = 0; k < s.length; k++) d[i++] = s.charCodeAt(k);
  return i;
}

function getText(d: Int32Array, i: number): [string, number] {
  const n = d[i++]!;
  let s = '';
  // Note texts are short and rare (malformed packets only).
  for (let k = 0; k < n; k++) s += String.fromCharCode(d[i + k]!);
  return [s, i + n];
}

/**
 * The dissecting thread's AddressInterner: keeps the packet's addresses' words
 * in the order extraction asks for them, numbered 1, 2 ... within the packet;
 * the encoder ships them with the facts and starts the next packet's list.
 */
export class AddressRecorder implements AddressInterner {
  now = 0;
  /** Four words per address recorded for the current packet. */
  words = new Int32Array(64);
  count = 0;

  intern(b: Uint8Array, o: number): number {
    if (4 * this.count + 4 > this.words.length) {
      const more = new Int32Array(this.words.length * 2);
      more.set(this.words);
      this.words = more;
    }
    const k = 4 * this.count;
    this.words[k] = i32(b, o);
    this.words[k + 1] = i32(b, o + 4);
    this.words[k + 2] = i32(b, o + 8);
    this.words[k + 3] = i32(b, o + 12);
    return ++this.count;
  }
}

export class FactsEncoder {
  /** What the extractor gives the packet's addresses to (FactExtractor's `addresses`). */
  readonly addresses = new AddressRecorder();

  /** Facts' kind numbers are packetKinds() of the run's profile, as the decoder's. */
  constructor(private readonly ring: RingWriter) {}

  /** Send the packet's facts with the addresses recorded since the last call (its src, dst, home and listed are their numbers). */
  send(f: Facts): void {
    const rec = this.addresses;
    const nAddr = rec.count;
    const ring = this.ring;
    let n = FIXED + f.listed.length + f.optionTypes.length + f.ipAddressCodes.length + 4 * nAddr;
    const notes = f.notes;
    for (let k = 0; k < notes.length; k++) n += 2 + textWords(notes[k]!.group) + textWords(notes[k]!.text);
    const i = ring.reserve(n);
    const d = ring.data;
    d[i] = n;
    d[i + 1] = RECORD.facts;
    d[i + 2] = f.frame;
    d[i + 3] = f.fileIndex;
    putDouble(d, i + 4, f.time);
    d[i + 6] = f.src;
    d[i + 7] = f.dst;
    d[i + 8] = f.home;
    d[i + 9] = (f.srcLinkLocal ? 1 : 0) | (f.dstLinkLocal ? 2 : 0) | (f.dstMulticast ? 4 : 0) | (f.srcGlobal ? 8 : 0)
      | (f.inEsp ? 16 : 0) | (f.espOpened ? 32 : 0) | (f.ack ? 64 : 0) | (f.active ? 128 : 0) | (f.homeFlag ? 256 : 0)
      | (f.replyRequested ? 512 : 0) | (f.rekey ? 1024 : 0) | (f.backup ? 2048 : 0) | (f.vhar ? 4096 : 0)
      | (f.mhItem >= 0 ? 8192 : 0) | (f.espItem >= 0 ? 16384 : 0)
      // The anti-replay verdict, when the dissecting thread judged the packet (SaWindows): its place in VERDICTS + 1.
      | ((f.espVerdict === '' ? 0 : VERDICTS.indexOf(f.espVerdict) + 1) << 15);
    d[i + 10] = f.kindNo;
    d[i + 11] = f.mhType;
    putDouble(d, i + 12, f.spi);
    putDouble(d, i + 14, f.espSeq);
    d[i + 16] = ICV.indexOf(f.icv);
    d[i + 17] = f.seq;
    d[i + 18] = f.lifetime;
    d[i + 19] = f.status;
    d[i + 20] = f.identifier;
    d[i + 21] = f.subtype;
    d[i + 22] = f.group;
    d[i + 23] = f.preference;
    d[i + 24] = f.interval;
    d[i + 25] = f.refreshAdvice;
    d[i + 26] = f.numAddrs;
    putDouble(d, i + 27, f.cookie);
    putDouble(d, i + 29, f.vharSpi);
    putDouble(d, i + 31, f.vharSeq);
    d[i + 33] = f.listed.length;
    d[i + 34] = f.optionTypes.length;
    d[i + 35] = f.ipAddressCodes.length | (notes.length << 16);
    d[i + 36] = nAddr;
    d[i + 37] = f.espHighestBefore | 0;
    let p = i + FIXED;
    for (let k = 0; k < 4 * nAddr; k++) d[p++] = rec.words[k]!;
    for (let k = 0; k < f.listed.length; k++) d[p++] = f.listed[k]!;
    for (let k = 0; k < f.optionTypes.length; k++) d[p++] = f.optionTypes[k]!;
    for (let k = 0; k < f.ipAddressCodes.length; k++) d[p++] = f.ipAddressCodes[k]!;
    for (let k = 0; k < notes.length; k++) {
      const note = notes[k]!;
      d[p++] = note.item;
      d[p++] = SEVERITIES.indexOf(note.severity);
      p = putText(d, p, note.group);
      p = putText(d, p, note.text);
    }
    ring.commit(n);
    rec.count = 0;
  }
}

export class FactsDecoder {
  readonly facts = new Facts();
  /** Address ids by their number in the current record (0: none). */
  private ids = new Int32Array(1024);

  constructor(private readonly ring: RingReader, private readonly kinds: readonly PacketKind[], private readonly addresses: AddressTable, private readonly files: readonly string[]) {}

  /** The next packet's facts (the same object every time), or null at the end. Address records are applied on the way. */
  next(): Facts | null {
    const ring = this.ring;
    const d = ring.data;
    for (;;) {
      const i = ring.next();
      if (i < 0) return null;
      const n = d[i]!;
      const f = this.facts;
      f.frame = d[i + 2]!;
      f.fileIndex = d[i + 3]!;
      f.file = this.files[f.fileIndex] ?? '';
      f.time = getDouble(d, i + 4);
      // The packet's addresses, interned here in the order extraction met them (as on one thread).
      const nAddr = d[i + 36]!;
      // Three a packet, and the addresses an HA Switch lists (255 at most): grown only for a record past that.
      if (nAddr >= this.ids.length) this.ids = new Int32Array(2 * nAddr);
      const ids = this.ids;
      const table = this.addresses;
      table.now = f.time;
      let p = i + FIXED;
      for (let k = 1; k <= nAddr; k++, p += 4) ids[k] = table.internWords(d[p]!, d[p + 1]!, d[p + 2]!, d[p + 3]!);
      f.src = ids[d[i + 6]!]!;
      f.dst = ids[d[i + 7]!]!;
      f.home = ids[d[i + 8]!]!;
      const b = d[i + 9]!;
      f.srcLinkLocal = (b & 1) !== 0;
      f.dstLinkLocal = (b & 2) !== 0;
      f.dstMulticast = (b & 4) !== 0;
      f.srcGlobal = (b & 8) !== 0;
      f.inEsp = (b & 16) !== 0;
      f.espOpened = (b & 32) !== 0;
      f.ack = (b & 64) !== 0;
      f.active = (b & 128) !== 0;
      f.homeFlag = (b & 256) !== 0;
      f.replyRequested = (b & 512) !== 0;
      f.rekey = (b & 1024) !== 0;
      f.backup = (b & 2048) !== 0;
      f.vhar = (b & 4096) !== 0;
      f.mhItem = (b & 8192) !== 0 ? 0 : -1;
      f.espItem = (b & 16384) !== 0 ? 0 : -1;
      f.kindNo = d[i + 10]!;
      f.kind = this.kinds[f.kindNo] ?? 'other';
      f.mhType = d[i + 11]!;
      f.spi = getDouble(d, i + 12);
      f.espSeq = getDouble(d, i + 14);
      f.icv = ICV[d[i + 16]!] ?? '';
      const verdict = (b >>> 15) & 7;
      f.espVerdict = verdict === 0 ? '' : VERDICTS[verdict - 1]!;
      f.espHighestBefore = d[i + 37]! >>> 0;
      f.seq = d[i + 17]!;
      f.lifetime = d[i + 18]!;
      f.status = d[i + 19]!;
      f.identifier = d[i + 20]!;
      f.subtype = d[i + 21]!;
      f.group = d[i + 22]!;
      f.preference = d[i + 23]!;
      f.interval = d[i + 24]!;
      f.refreshAdvice = d[i + 25]!;
      f.numAddrs = d[i + 26]!;
      f.cookie = getDouble(d, i + 27);
      f.vharSpi = getDouble(d, i + 29);
      f.vharSeq = getDouble(d, i + 31);
      const nListed = d[i + 33]!;
      const nOpt = d[i + 34]!;
      const nCodes = d[i + 35]! & 0xffff;
      const nNotes = d[i + 35]! >>> 16;
      f.clearLists();
      for (let k = 0; k < nListed; k++) f.listed.push(ids[d[p++]!]!);
      for (let k = 0; k < nOpt; k++) f.optionTypes.push(d[p++]!);
      for (let k = 0; k < nCodes; k++) f.ipAddressCodes.push(d[p++]!);
      if (nNotes === 0) {
        f.notes = NO_NOTES;
      } else {
        const notes: Note[] = [];
        for (let k = 0; k < nNotes; k++) {
          const item = d[p++]!;
          const severity = SEVERITIES[d[p++]!] ?? 'note';
          const [group, q] = getText(d, p);
          const [text, r] = getText(d, q);
          p = r;
          notes.push({ item, severity, group, text });
        }
        f.notes = notes;
      }
      ring.advance(n);
      return f;
    }
  }
}

