/**
 * Facts on the wire between threads: a lint that analyzes on a second thread
 * dissects and extracts here, then ships each packet's Facts as one record of
 * 32-bit words through a ring (ring.ts); the analysis thread decodes them into
 * its own Facts object and feeds its engine. New addresses travel once, as
 * their own records, so the other side can name them.
 *
 * Every field a rule reads is carried; tree items are not (rules ask only
 * whether the Mobility Header and ESP were there).
 */
import type { Note, NoteSeverity } from '../dissect/tree.js';
import type { AddressTable } from './address.js';
import { Facts, type PacketKind } from './facts.js';
import type { RingReader, RingWriter } from './ring.js';

export const RECORD = { facts: 1, address: 2 } as const;

const ICV = ['', 'good', 'bad', 'unchecked'];
const SEVERITIES: NoteSeverity[] = ['error', 'warning', 'note', 'chat'];

/** Fixed part of a facts record, in words. */
const FIXED = 36;

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

export class FactsEncoder {
  /** Address ids below this were sent already. */
  private announced = 1;

  /** Facts' kind numbers are packetKinds() of the run's profile, as the decoder's. */
  constructor(private readonly ring: RingWriter, readonly addresses: AddressTable) {}

  /** Send the addresses interned since the last call, then the packet's facts. */
  send(f: Facts): void {
    const top = this.addresses.nextId;
    if (top > this.announced) this.announce(top);
    const ring = this.ring;
    let n = FIXED + f.listed.length + f.optionTypes.length + f.ipAddressCodes.length;
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
      | (f.mhItem >= 0 ? 8192 : 0) | (f.espItem >= 0 ? 16384 : 0);
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
    let p = i + FIXED;
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
  }

  private announce(top: number): void {
    for (let id = this.announced; id < top; id++) {
      const i = this.ring.reserve(7);
      const d = this.ring.data;
      d[i] = 7;
      d[i + 1] = RECORD.address;
      d[i + 2] = id;
      this.addresses.wordsOf(id, d, i + 3);
      this.ring.commit(7);
    }
    this.announced = top;
  }
}

export class FactsDecoder {
  readonly facts = new Facts();

  constructor(private readonly ring: RingReader, private readonly kinds: readonly PacketKind[], private readonly addresses: AddressTable, private readonly files: readonly string[]) {}

  /** The next packet's facts (the same object every time), or null at the end. Address records are applied on the way. */
  next(): Facts | null {
    const ring = this.ring;
    const d = ring.data;
    for (;;) {
      const i = ring.next();
      if (i < 0) return null;
      const n = d[i]!;
      if (d[i + 1] === RECORD.address) {
        this.addresses.define(d[i + 2]!, d[i + 3]!, d[i + 4]!, d[i + 5]!, d[i + 6]!);
        ring.advance(n);
        continue;
      }
      const f = this.facts;
      f.frame = d[i + 2]!;
      f.fileIndex = d[i + 3]!;
      f.file = this.files[f.fileIndex] ?? '';
      f.time = getDouble(d, i + 4);
      f.src = d[i + 6]!;
      f.dst = d[i + 7]!;
      f.home = d[i + 8]!;
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
      f.espVerdict = '';
      f.espHighestBefore = 0;
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
      let p = i + FIXED;
      for (let k = 0; k < nListed; k++) f.listed.push(d[p++]!);
      for (let k = 0; k < nOpt; k++) f.optionTypes.push(d[p++]!);
      for (let k = 0; k < nCodes; k++) f.ipAddressCodes.push(d[p++]!);
      if (nNotes === 0) {
        f.notes = NONE;
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

const NONE: readonly Note[] = [];
