/**
 * Compact keys for addresses and flows. The engine interns each IPv6 address
 * to a small integer id (AddressTable); per-flow maps are keyed by numbers
 * made from ids with key2/key3, so nothing is allocated per packet. Byte
 * strings such as cookies are hashed to 53-bit keys (bytesKey).
 */

import { i32 } from '../dissect/bytes.js';
import { ipv6ToString } from '../dissect/format.js';

const TWO32 = 4294967296;
const HI_MASK = 0x1fffff; // 21 bits: hi * 2^32 + lo stays below 2^53

/** A 32-bit mixing step; the result is a signed 32-bit integer (a small integer in V8, never boxed). */
export function mix(h: number, x: number): number {
  h = Math.imul(h ^ x, 0x9e3779b1);
  h ^= h >>> 15;
  h = Math.imul(h, 0x85ebca77);
  return h ^ (h >>> 13);
}

/** A 53-bit key (never 0) from two mixed 32-bit halves. */
export function finish(hi: number, lo: number): number {
  const k = (hi & HI_MASK) * TWO32 + (lo >>> 0);
  return k === 0 ? 1 : k;
}

/** Key of up to 8 bytes (a cookie) at b[o..o+len). */
export function bytesKey(b: Uint8Array, o: number, len: number): number {
  let lo = 0x811c9dc5;
  let hi = 0x01000193;
  for (let i = 0; i < len; i++) {
    lo = mix(lo, b[o + i]! + i * 256);
    hi = mix(hi, b[o + i]! ^ (i << 9));
  }
  return finish(hi, lo);
}

function split(k: number, h: number): number {
  const lo = k >>> 0;
  const hi = (k - lo) / TWO32;
  return mix(mix(h, lo), hi);
}

const P26 = 67108864;
const P27 = 134217728;
const P22 = 4194304;
const P9 = 512;
const P31 = 2147483648;

/**
 * One key for an ordered pair of keys. Two address ids (small integers) are
 * packed exactly, without hashing; larger numbers (SPIs, keys made by key2)
 * are hashed to 53 bits.
 */
export function key2(a: number, b: number): number {
  if ((a >>> 0) === a && a < P27 && (b >>> 0) === b && b < P26) return a * P26 + b;
  return hashed2(a, b);
}

/**
 * key2 of larger numbers, apart so that key2 itself stays small enough for V8
 * to inline: a key it returned from a call was a number allocated on the heap.
 */
function hashed2(a: number, b: number): number {
  return finish(split(b, split(a, 0x3c6ef372)), split(a, split(b, 0xa54ff53a)));
}

/** One key for an ordered triple of keys (or small numbers such as a message type). */
export function key3(a: number, b: number, c: number): number {
  if ((a >>> 0) === a && a < P22 && (b >>> 0) === b && b < P22 && (c >>> 0) === c && c < P9) return a * P31 + b * P9 + c;
  return key2(key2(a, b), c + 1);
}

/** fe80::/10 */
export function isLinkLocal(b: Uint8Array, o: number): boolean {
  return b[o] === 0xfe && (b[o + 1]! & 0xc0) === 0x80;
}

export function isMulticast(b: Uint8Array, o: number): boolean {
  return b[o] === 0xff;
}

/** Global unicast in the RFC 4291 sense: not unspecified, loopback, link-local, unique-local or multicast. */
export function isGlobalUnicast(b: Uint8Array, o: number): boolean {
  if (isMulticast(b, o) || isLinkLocal(b, o)) return false;
  if ((b[o]! & 0xfe) === 0xfc) return false; // fc00::/7
  let zero = true;
  for (let i = 0; i < 15; i++) if (b[o + i] !== 0) { zero = false; break; }
  if (zero && (b[o + 15] === 0 || b[o + 15] === 1)) return false;
  return true;
}

/** Sequence numbers compare modulo 2^16 (RFC 6275 9.5.1): is a greater than b? */
export function seqGreater(a: number, b: number): boolean {
  const d = (a - b) & 0xffff;
  return d !== 0 && d < 0x8000;
}

const NO_NAME = '?';

/**
 * What fact extraction gives each address to: the run's AddressTable, or on a
 * dissecting thread the recorder that ships the address to the analyzing one
 * (wire.ts). `now` is the packet's time, set before its addresses.
 */
export interface AddressInterner {
  now: number;
  /** A number for the 16 bytes at b[o..o+16), never 0. */
  intern(b: Uint8Array, o: number): number;
}

/**
 * The addresses of a run, interned: each distinct IPv6 address gets a small
 * integer id (1, 2, 3 ...; 0 means "no address"), compared byte for byte, so
 * two addresses never share an id. Ids are what Facts carry and rules key their
 * flows by: a small integer passes between functions without boxing, and
 * key2() packs two of them exactly.
 *
 * The table keeps each address's 16 bytes, so its text is made only when a
 * finding needs it, and never lost while the id lives. An id unused for longer
 * than the engine's recycle age (well past the time any flow referring to it
 * has expired) is freed by sweep() and handed out again, so a live capture that
 * sees ever new addresses keeps a bounded table.
 */
export class AddressTable implements AddressInterner {
  /** The 16 bytes of each id as four big-endian words. */
  private words: Int32Array;
  /**
   * Whole seconds from here to the analysis time an address was last interned
   * at, rounded up, are kept in its slot (word 5), so a lookup stamps the cache
   * line it read anyway, not a second array indexed by id. Set at the first
   * address.
   */
  private epoch = NaN;
  private names: (string | undefined)[];
  /**
   * Open addressing, SLOT words a slot: the address's four words, then its id
   * (0: empty), then its last use (see epoch). The words sit beside the id so
   * a lookup reads one cache line.
   */
  private slots: Int32Array;
  private mask: number;
  /** Ids handed out so far (the next fresh id), and freed ids to reuse. */
  private top = 1;
  private free: number[] = [];
  private count = 0;

  constructor(capacity = 1024) {
    let cap = 16;
    while (cap < capacity) cap *= 2;
    this.words = new Int32Array(cap * 4);
    this.names = new Array<string | undefined>(cap).fill(undefined);
    this.slots = new Int32Array(cap * 2 * SLOT);
    this.mask = cap * 2 - 1;
  }

  /** Addresses currently interned. */
  get size(): number {
    return this.count;
  }

  /** Every id's address as four big-endian words at 4 * id (id 0: four zeros), for reading only. */
  get allWords(): Int32Array {
    return this.words;
  }

  /**
   * Analysis time that intern() stamps each use with. A field set once per packet
   * rather than an argument: a time is a double, and passing one to a function
   * that is not inlined boxes it.
   */
  now = 0.5;

  /** The id of the 16 bytes at b[o..o+16), interning them when new. */
  intern(b: Uint8Array, o: number): number {
    return this.internWords(i32(b, o), i32(b, o + 4), i32(b, o + 8), i32(b, o + 12));
  }

  /** The id of the address whose big-endian words these are, interning it when new. */
  internWords(w0: number, w1: number, w2: number, w3: number): number {
    const slots = this.slots;
    const mask = this.mask;
    for (let i = hashWords(w0, w1, w2, w3) & mask; ; i = (i + 1) & mask) {
      const k = i * SLOT;
      const id = slots[k + 4]!;
      if (id === 0) return this.add(i, w0, w1, w2, w3);
      if (slots[k] === w0 && slots[k + 1] === w1 && slots[k + 2] === w2 && slots[k + 3] === w3) {
        const stamp = this.stamp();
        if (stamp > slots[k + 5]!) slots[k + 5] = stamp;
        return id;
      }
    }
  }

  private add(slot: number, w0: number, w1: number, w2: number, w3: number): number {
    const id = this.free.length > 0 ? this.free.pop()! : this.top++;
    this.setWords(id, w0, w1, w2, w3);
    if (this.epoch !== this.epoch) this.epoch = Math.floor(this.now) - 1;
    const stamp = this.stamp();
    this.count++;
    // Past half full, rebuild twice as large (which places the new id too).
    if (this.count * 2 > this.mask + 1) this.rehash((this.mask + 1) * 2, id, stamp);
    else place(this.slots, slot, w0, w1, w2, w3, id, stamp);
    return id;
  }

  /** `now` as a slot's last-use word: whole seconds from the epoch, rounded up (an address is never thought older than it is). */
  private stamp(): number {
    const d = this.now - this.epoch;
    const s = d | 0;
    return s < d ? s + 1 : s;
  }

  /** Each live id's last-use word, from the slots. */
  private stamps(): Int32Array {
    const out = new Int32Array(this.top);
    const slots = this.slots;
    for (let k = 0; k < slots.length; k += SLOT) if (slots[k + 4] !== 0) out[slots[k + 4]!] = slots[k + 5]!;
    return out;
  }

  /** Store id's address (growing the arrays as needed); its text is made again when asked. */
  private setWords(id: number, w0: number, w1: number, w2: number, w3: number): void {
    while (id * 4 >= this.words.length) this.grow();
    const k = id * 4;
    this.words[k] = w0;
    this.words[k + 1] = w1;
    this.words[k + 2] = w2;
    this.words[k + 3] = w3;
    this.names[id] = undefined;
  }

  private grow(): void {
    const cap = (this.words.length / 4) * 2;
    const words = new Int32Array(cap * 4);
    words.set(this.words);
    this.words = words;
    this.names.length = cap;
  }

  /** Rebuild the slots with `size` of them from the live ids (`added`, just given its id, last used at `stamp`). */
  private rehash(size: number, added = 0, stamp = 0): void {
    const stamps = this.stamps();
    if (added > 0) stamps[added] = stamp;
    const slots = new Int32Array(size * SLOT);
    const mask = size - 1;
    const words = this.words;
    const freed = new Uint8Array(this.top);
    for (const id of this.free) freed[id] = 1;
    for (let id = 1; id < this.top; id++) {
      if (freed[id]) continue;
      const k = id * 4;
      let i = hashWords(words[k]!, words[k + 1]!, words[k + 2]!, words[k + 3]!) & mask;
      while (slots[i * SLOT + 4] !== 0) i = (i + 1) & mask;
      place(slots, i, words[k]!, words[k + 1]!, words[k + 2]!, words[k + 3]!, id, stamps[id]!);
    }
    this.slots = slots;
    this.mask = mask;
  }

  /** The id the next new address gets (ids below it have been handed out). */
  get nextId(): number {
    return this.top;
  }

  /** Whether `id` is a live address id. */
  has(id: number): boolean {
    return id > 0 && id < this.top && this.free.indexOf(id) < 0;
  }

  /** The address's text ('?' for 0 or an id never handed out). */
  name(id: number): string {
    if (!(id > 0 && id < this.top)) return NO_NAME;
    let s = this.names[id];
    if (s === undefined) {
      const b = new Uint8Array(16);
      const v = new DataView(b.buffer);
      for (let j = 0; j < 4; j++) v.setInt32(j * 4, this.words[id * 4 + j]!);
      s = ipv6ToString(b, 0);
      this.names[id] = s;
    }
    return s;
  }

  /**
   * Free every id last used before `cutoff` except those `keep` holds (their
   * addresses get new ids if seen again).
   */
  sweep(cutoff: number, keep?: ReadonlySet<number>): void {
    let freedAny = false;
    const free = new Set(this.free);
    const stamps = this.stamps();
    for (let id = 1; id < this.top; id++) {
      if (stamps[id]! + this.epoch < cutoff && !free.has(id) && !keep?.has(id)) {
        free.add(id);
        this.free.push(id);
        this.names[id] = undefined;
        this.count--;
        freedAny = true;
      }
    }
    if (freedAny) this.rehash(this.mask + 1);
  }
}

/** Words a slot of the address table takes (16 bytes of address, the id, its last use, padding to 32 bytes). */
const SLOT = 8;

function place(slots: Int32Array, i: number, w0: number, w1: number, w2: number, w3: number, id: number, stamp: number): void {
  const k = i * SLOT;
  slots[k] = w0;
  slots[k + 1] = w1;
  slots[k + 2] = w2;
  slots[k + 3] = w3;
  slots[k + 4] = id;
  slots[k + 5] = stamp;
}

function hashWords(w0: number, w1: number, w2: number, w3: number): number {
  let h = Math.imul(w0 ^ 0x9e3779b1, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 15) ^ w1, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 13) ^ w2, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 16) ^ w3, 0xc2b2ae35);
  return (h ^ (h >>> 15)) >>> 0;
}
