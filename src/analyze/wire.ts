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

/**
 * A facts record: its length, type, frame, file index, time (two words), the
 * src/dst/home address numbers (10 bits each), the flags and the anti-replay
 * verdict, kind | MH type + 1 | ICV status | address count, and which of the
 * other fields are away from their defaults (Facts.clearMessage): only those
 * follow, after the addresses' words, so a Binding Update takes some 28 words
 * where every field took 50. Fewer words cross between the threads' caches.
 */
const FIXED = 10;
const HAS_SPI = 1;
const HAS_ESP_SEQ = 2;
const HAS_HIGHEST = 4;
const HAS_SEQ = 8;
const HAS_LIFETIME = 16;
const HAS_STATUS = 32;
const HAS_IDENTIFIER = 64;
const HAS_SUBTYPE = 128;
const HAS_GROUP = 256;
const HAS_PREFERENCE = 512;
const HAS_INTERVAL = 1024;
const HAS_REFRESH = 2048;
const HAS_NUM_ADDRS = 4096;
const HAS_COOKIE = 8192;
const HAS_VHAR_SPI = 16384;
const HAS_VHAR_SEQ = 32768;
/** Two words of counts (listed and option types; IP address codes and notes), then the lists and the notes. */
const HAS_LISTS = 65536;

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
    const nListed = f.listed.length;
    const nOpt = f.optionTypes.length;
    const nCodes = f.ipAddressCodes.length;
    const notes = f.notes;
    // The fields away from their defaults (Facts.clearMessage) and the words they take.
    let present = 0;
    let n = FIXED + 4 * nAddr;
    if (f.spi !== -1) { present |= HAS_SPI; n++; }
    if (f.espSeq !== -1) { present |= HAS_ESP_SEQ; n++; }
    if (f.espHighestBefore !== 0) { present |= HAS_HIGHEST; n++; }
    if (f.seq !== -1) { present |= HAS_SEQ; n++; }
    if (f.lifetime !== -1) { present |= HAS_LIFETIME; n++; }
    if (f.status !== -1) { present |= HAS_STATUS; n++; }
    if (f.identifier !== -1) { present |= HAS_IDENTIFIER; n++; }
    if (f.subtype !== -1) { present |= HAS_SUBTYPE; n++; }
    if (f.group !== -1) { present |= HAS_GROUP; n++; }
    if (f.preference !== -1) { present |= HAS_PREFERENCE; n++; }
    if (f.interval !== -1) { present |= HAS_INTERVAL; n++; }
    if (f.refreshAdvice !== -1) { present |= HAS_REFRESH; n++; }
    if (f.numAddrs !== -1) { present |= HAS_NUM_ADDRS; n++; }
    if (f.cookie !== 0) { present |= HAS_COOKIE; n += 2; }
    if (f.vharSpi !== -1) { present |= HAS_VHAR_SPI; n++; }
    if (f.vharSeq !== -1) { present |= HAS_VHAR_SEQ; n += 2; }
    if (nListed + nOpt + nCodes + notes.length > 0) {
      present |= HAS_LISTS;
      n += 2 + nListed + nOpt + nCodes;
      for (let k = 0; k < notes.length; k++) n += 2 + textWords(notes[k]!.group) + textWords(notes[k]!.text);
    }
    const i = ring.reserve(n);
    const d = ring.data;
    d[i] = n;
    d[i + 1] = RECORD.facts;
    d[i + 2] = f.frame;
    d[i + 3] = f.fileIndex;
    putDouble(d, i + 4, f.time);
    d[i + 6] = f.src | (f.dst << 10) | (f.home << 20);
    d[i + 7] = (f.srcLinkLocal ? 1 : 0) | (f.dstLinkLocal ? 2 : 0) | (f.dstMulticast ? 4 : 0) | (f.srcGlobal ? 8 : 0)
      | (f.inEsp ? 16 : 0) | (f.espOpened ? 32 : 0) | (f.ack ? 64 : 0) | (f.active ? 128 : 0) | (f.homeFlag ? 256 : 0)
      | (f.replyRequested ? 512 : 0) | (f.rekey ? 1024 : 0) | (f.backup ? 2048 : 0) | (f.vhar ? 4096 : 0)
      | (f.mhItem >= 0 ? 8192 : 0) | (f.espItem >= 0 ? 16384 : 0)
      // The anti-replay verdict, when the dissecting thread judged the packet (SaWindows): its place in VERDICTS + 1.
      | ((f.espVerdict === '' ? 0 : VERDICTS.indexOf(f.espVerdict) + 1) << 15);
    d[i + 8] = f.kindNo | ((f.mhType + 1) << 8) | (Math.max(0, ICV.indexOf(f.icv)) << 17) | (nAddr << 19);
    d[i + 9] = present;
    let p = i + FIXED;
    for (let k = 0; k < 4 * nAddr; k++) d[p++] = rec.words[k]!;
    // In the order of the bits; SPIs and ESP sequence numbers are 32-bit unsigned (or -1, absent).
    if ((present & HAS_SPI) !== 0) d[p++] = f.spi | 0;
    if ((present & HAS_ESP_SEQ) !== 0) d[p++] = f.espSeq | 0;
    if ((present & HAS_HIGHEST) !== 0) d[p++] = f.espHighestBefore | 0;
    if ((present & HAS_SEQ) !== 0) d[p++] = f.seq;
    if ((present & HAS_LIFETIME) !== 0) d[p++] = f.lifetime;
    if ((present & HAS_STATUS) !== 0) d[p++] = f.status;
    if ((present & HAS_IDENTIFIER) !== 0) d[p++] = f.identifier;
    if ((present & HAS_SUBTYPE) !== 0) d[p++] = f.subtype;
    if ((present & HAS_GROUP) !== 0) d[p++] = f.group;
    if ((present & HAS_PREFERENCE) !== 0) d[p++] = f.preference;
    if ((present & HAS_INTERVAL) !== 0) d[p++] = f.interval;
    if ((present & HAS_REFRESH) !== 0) d[p++] = f.refreshAdvice;
    if ((present & HAS_NUM_ADDRS) !== 0) d[p++] = f.numAddrs;
    if ((present & HAS_COOKIE) !== 0) { putDouble(d, p, f.cookie); p += 2; }
    if ((present & HAS_VHAR_SPI) !== 0) d[p++] = f.vharSpi | 0;
    if ((present & HAS_VHAR_SEQ) !== 0) { putDouble(d, p, f.vharSeq); p += 2; }
    if ((present & HAS_LISTS) !== 0) {
      d[p++] = nListed | (nOpt << 16);
      d[p++] = nCodes | (notes.length << 16);
      for (let k = 0; k < nListed; k++) d[p++] = f.listed[k]!;
      for (let k = 0; k < nOpt; k++) d[p++] = f.optionTypes[k]!;
      for (let k = 0; k < nCodes; k++) d[p++] = f.ipAddressCodes[k]!;
      for (let k = 0; k < notes.length; k++) {
        const note = notes[k]!;
        d[p++] = note.item;
        d[p++] = SEVERITIES.indexOf(note.severity);
        p = putText(d, p, note.group);
        p = putText(d, p, note.text);
      }
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
      // Every field back to its default; the record carries those away from it.
      f.clearMessage();
      f.frame = d[i + 2]!;
      f.fileIndex = d[i + 3]!;
      f.file = this.files[f.fileIndex] ?? '';
      f.time = getDouble(d, i + 4);
      const w8 = d[i + 8]!;
      // The packet's addresses, interned here in the order extraction met them (as on one thread).
      const nAddr = w8 >>> 19;
      // Three a packet, and the addresses an HA Switch lists (255 at most): grown only for a record past that.
      if (nAddr >= this.ids.length) this.ids = new Int32Array(2 * nAddr);
      const ids = this.ids;
      const table = this.addresses;
      table.now = f.time;
      let p = i + FIXED;
      for (let k = 1; k <= nAddr; k++, p += 4) ids[k] = table.internWords(d[p]!, d[p + 1]!, d[p + 2]!, d[p + 3]!);
      const w6 = d[i + 6]!;
      f.src = ids[w6 & 0x3ff]!;
      f.dst = ids[(w6 >>> 10) & 0x3ff]!;
      f.home = ids[(w6 >>> 20) & 0x3ff]!;
      const b = d[i + 7]!;
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
      const verdict = (b >>> 15) & 7;
      f.espVerdict = verdict === 0 ? '' : VERDICTS[verdict - 1]!;
      f.kindNo = w8 & 0xff;
      f.kind = this.kinds[f.kindNo] ?? 'other';
      f.mhType = ((w8 >>> 8) & 0x1ff) - 1;
      f.icv = ICV[(w8 >>> 17) & 3] ?? '';
      const present = d[i + 9]!;
      if ((present & HAS_SPI) !== 0) f.spi = d[p++]! >>> 0;
      if ((present & HAS_ESP_SEQ) !== 0) f.espSeq = d[p++]! >>> 0;
      if ((present & HAS_HIGHEST) !== 0) f.espHighestBefore = d[p++]! >>> 0;
      if ((present & HAS_SEQ) !== 0) f.seq = d[p++]!;
      if ((present & HAS_LIFETIME) !== 0) f.lifetime = d[p++]!;
      if ((present & HAS_STATUS) !== 0) f.status = d[p++]!;
      if ((present & HAS_IDENTIFIER) !== 0) f.identifier = d[p++]!;
      if ((present & HAS_SUBTYPE) !== 0) f.subtype = d[p++]!;
      if ((present & HAS_GROUP) !== 0) f.group = d[p++]!;
      if ((present & HAS_PREFERENCE) !== 0) f.preference = d[p++]!;
      if ((present & HAS_INTERVAL) !== 0) f.interval = d[p++]!;
      if ((present & HAS_REFRESH) !== 0) f.refreshAdvice = d[p++]!;
      if ((present & HAS_NUM_ADDRS) !== 0) f.numAddrs = d[p++]!;
      if ((present & HAS_COOKIE) !== 0) { f.cookie = getDouble(d, p); p += 2; }
      if ((present & HAS_VHAR_SPI) !== 0) f.vharSpi = d[p++]! >>> 0;
      if ((present & HAS_VHAR_SEQ) !== 0) { f.vharSeq = getDouble(d, p); p += 2; }
      f.notes = NO_NOTES;
      if ((present & HAS_LISTS) !== 0) {
        const nListed = d[p]! & 0xffff;
        const nOpt = d[p]! >>> 16;
        const nCodes = d[p + 1]! & 0xffff;
        const nNotes = d[p + 1]! >>> 16;
        p += 2;
        for (let k = 0; k < nListed; k++) f.listed.push(ids[d[p++]!]!);
        for (let k = 0; k < nOpt; k++) f.optionTypes.push(d[p++]!);
        for (let k = 0; k < nCodes; k++) f.ipAddressCodes.push(d[p++]!);
        if (nNotes > 0) {
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
      }
      ring.advance(n);
      return f;
    }
  }
}

