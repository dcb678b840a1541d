/**
 * Reading a gzip-compressed capture (capture.pcapng.gz) as tshark does: the
 * compressed bytes are read from the descriptor and inflated as the reader asks
 * for more, so a capture of any size still needs bounded memory. Damaged
 * compressed data ends the input there, with the error, like a truncated file.
 */
import { createRequire } from 'node:module';
import type { Gunzip } from 'fflate';
import { readFd } from './byte-source.js';

/** fflate, loaded on the first compressed capture (most runs never need it, and every run pays for what it loads). */
let fflate: typeof import('fflate') | null = null;
function inflater(): typeof import('fflate') {
  fflate ??= createRequire(import.meta.url)('fflate') as typeof import('fflate');
  return fflate;
}

/** The gzip member header's first two bytes. */
export function isGzipMagic(b: Uint8Array): boolean {
  return b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;
}

const IN_CHUNK = 1 << 16;
/** After the header, a whole member has at least an empty deflate block (2 bytes) and the trailer (8). */
const AFTER_HEADER = 10;

/**
 * The length of the gzip member header at the start of `b` (RFC 1952 2.3: ten
 * bytes, then the optional extra field, name, comment and header CRC its flags
 * announce), or -1 when `b` ends inside it.
 */
export function gzipHeaderLength(b: Uint8Array): number {
  if (b.length < 10) return -1;
  const flags = b[3]!;
  let p = 10;
  if (flags & 4) { // FEXTRA
    if (p + 2 > b.length) return -1;
    p += 2 + (b[p]! | (b[p + 1]! << 8));
  }
  for (const bit of [8, 16]) { // FNAME, FCOMMENT: zero-terminated
    if (!(flags & bit)) continue;
    while (p < b.length && b[p] !== 0) p++;
    if (p >= b.length) return -1;
    p++;
  }
  if (flags & 2) p += 2; // FHCRC
  return p <= b.length ? p : -1;
}

/** Header bytes kept to measure it (a name or comment longer than this is taken as whole). */
const HEAD_KEPT = 4096;

/** The compressed data is damaged or ends early: what the reader reports where the capture stops. */
export class CompressedDataError extends Error {
  readonly hint = 'the compressed file is damaged or cut short; the frames before this point are intact (gzip -t FILE checks it)';
  constructor(detail: string) {
    super(`damaged gzip data: ${detail}`);
    this.name = 'CompressedDataError';
  }
}

/**
 * CRC-32 (ISO-HDLC, as gzip's trailer carries it) tables for eight bytes a step
 * ("slicing by 8": table k gives a byte's contribution k bytes further on),
 * made on the first compressed capture.
 */
let crcTables: Int32Array | null = null;
function crcTablesOf(): Int32Array {
  if (crcTables) return crcTables;
  const t = new Int32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  for (let k = 1; k < 8; k++) {
    for (let n = 0; n < 256; n++) {
      const prev = t[(k - 1) * 256 + n]!;
      t[k * 256 + n] = (prev >>> 8) ^ t[prev & 0xff]!;
    }
  }
  crcTables = t;
  return t;
}

/** The CRC-32 register after `data`, from `crc` (start at -1 = 0xffffffff; the checksum is its complement). */
export function crc32Update(crc: number, data: Uint8Array): number {
  const t = crcTablesOf();
  let c = crc;
  let i = 0;
  const n = data.length;
  for (; i + 8 <= n; i += 8) {
    const lo = c ^ (data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24));
    const hi = data[i + 4]! | (data[i + 5]! << 8) | (data[i + 6]! << 16) | (data[i + 7]! << 24);
    c = t[1792 + (lo & 0xff)]! ^ t[1536 + ((lo >>> 8) & 0xff)]! ^ t[1280 + ((lo >>> 16) & 0xff)]! ^ t[1024 + (lo >>> 24)]!
      ^ t[768 + (hi & 0xff)]! ^ t[512 + ((hi >>> 8) & 0xff)]! ^ t[256 + ((hi >>> 16) & 0xff)]! ^ t[hi >>> 24]!;
  }
  for (; i < n; i++) c = t[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return c;
}

export class GunzipInput {
  /** Inflated chunks not yet handed out; the first from `headAt`. */
  private readonly queue: Uint8Array[] = [];
  private headAt = 0;
  private readonly gz: Gunzip;
  private readonly chunk = Buffer.allocUnsafe(IN_CHUNK);
  private srcEnded = false;
  private ended = false;
  /** Compressed bytes given to the inflater, and the first of them (to tell a stream cut inside its header from an empty one). */
  private compressed = 0;
  private readonly head = new Uint8Array(HEAD_KEPT);
  /**
   * What each member's trailer is checked against (RFC 1952 2.3.1: CRC-32 and length
   * mod 2^32 of the member's inflated data, its last 8 bytes): the inflater does not
   * check it, so a file cut inside its trailer, or data damaged in a way that still
   * inflates, read as whole. The running values of the member being inflated.
   */
  private crc = -1;
  private size = 0;
  private checked = false;
  /**
   * Where a member's trailer is found, when the next member's header is met or the
   * file ends: in the chunk being inflated (`current`, from compressed byte
   * `currentAt`), or in the RECENT bytes before it, kept as a ring (position q at
   * recent[q % RECENT]); a header longer than that across two reads leaves the
   * member before it unchecked.
   */
  private readonly recent = new Uint8Array(RECENT);
  private current: Uint8Array = new Uint8Array(0);
  private currentAt = 0;
  /** A member's trailer did not match: nothing after it is handed out. */
  private stopped = false;

  /** `already`: the compressed bytes read from `fd` before it was known to be gzip. */
  constructor(private readonly fd: number, already: Uint8Array) {
    this.gz = new (inflater().Gunzip)((data, final) => {
      if (this.stopped) return;
      if (data.length > 0) {
        this.queue.push(data);
        this.crc = crc32Update(this.crc, data);
        this.size = (this.size + data.length) >>> 0;
      }
      if (final) this.ended = true;
    });
    // A new member starts at `offset` (compressed): the one before has all come out and ends with its trailer.
    this.gz.onmember = (offset) => this.memberEnded(offset);
    if (already.length > 0) this.push(Uint8Array.from(already), false);
  }

  /** Damage found while inflating is reported where the reader has got to, after what came out before it. */
  private failure: CompressedDataError | null = null;

  private push(data: Uint8Array, final: boolean): void {
    if (this.compressed < HEAD_KEPT) this.head.set(data.subarray(0, HEAD_KEPT - this.compressed), this.compressed);
    this.current = data;
    this.currentAt = this.compressed;
    this.compressed += data.length;
    // The inflater takes a stream that ends inside or right after its header for an empty one.
    if (final && this.compressed < HEAD_KEPT) {
      const header = gzipHeaderLength(this.head.subarray(0, this.compressed));
      if (header < 0 || this.compressed < header + AFTER_HEADER) {
        this.failure = new CompressedDataError(`it ends after ${this.compressed} bytes, ${header < 0 ? 'inside the gzip header' : 'before the end of the compressed stream'}`);
        return;
      }
    }
    try {
      this.gz.push(data, final);
    } catch (e) {
      this.failure = new CompressedDataError((e as Error).message);
    }
    // The chunk's last bytes join the ring (the chunk itself is read into again).
    const keep = data.subarray(Math.max(0, data.length - RECENT));
    for (let k = 0, q = this.compressed - keep.length; k < keep.length; k++, q++) this.recent[q % RECENT] = keep[k]!;
  }

  /** Inflate into `into[at..at+max)`; the count, 0 at the end. Throws the read or inflate error. */
  read(into: Uint8Array, at: number, max: number): number {
    while (this.queue.length === 0) {
      if (this.ended) {
        this.checkTrailer();
        return 0;
      }
      if (this.failure !== null) throw this.failure;
      if (this.srcEnded) throw new CompressedDataError('it ends before the end of the compressed stream');
      const got = readFd(this.fd, this.chunk, 0, this.chunk.length);
      if (got === 0) {
        this.srcEnded = true;
        // Let the inflater see the end: a stream cut short is an error, a complete one ends.
        this.push(new Uint8Array(0), true);
      } else {
        this.push(this.chunk.subarray(0, got), false);
      }
    }
    const head = this.queue[0]!;
    const n = Math.min(max, head.length - this.headAt);
    into.set(head.subarray(this.headAt, this.headAt + n), at);
    this.headAt += n;
    if (this.headAt === head.length) { this.queue.shift(); this.headAt = 0; }
    return n;
  }

  /** At the end of the file: the last member's trailer must hold the CRC-32 and length of what it inflated to. */
  private checkTrailer(): void {
    if (this.checked) return;
    this.checked = true;
    // The file's last 8 bytes: in the ring by now (the last push may be the empty one that says the end).
    const t = this.trailerAt(this.compressed - 8);
    if (t === null || !this.trailerMatches(t)) {
      throw new CompressedDataError('the data does not match the CRC-32 and length in the gzip trailer (the file is cut short inside its last 8 bytes, or damaged)');
    }
  }

  /**
   * A member ended just before `offset`: its trailer (the 8 bytes before) must hold
   * its CRC-32 and length; when not, the input ends there (what it inflated to was
   * handed out, nothing after it is). The next member's count starts.
   */
  private memberEnded(offset: number): void {
    const t = this.trailerAt(offset - 8);
    if (t !== null && !this.trailerMatches(t)) {
      this.stopped = true;
      this.failure = new CompressedDataError(`the data of the gzip member ending at byte ${offset} does not match the CRC-32 and length in its trailer (the member is damaged)`);
    }
    this.crc = -1;
    this.size = 0;
  }

  /** The 8 compressed bytes from position `at` (a member's trailer), or null when they are no longer kept. */
  private trailerAt(at: number): Uint8Array | null {
    if (at < 0) return null;
    const t = new Uint8Array(8);
    for (let k = 0; k < 8; k++) {
      const q = at + k;
      if (q >= this.currentAt && q < this.currentAt + this.current.length) t[k] = this.current[q - this.currentAt]!;
      else if (q < this.currentAt && this.currentAt - q <= RECENT) t[k] = this.recent[q % RECENT]!;
      else return null;
    }
    return t;
  }

  /** Whether the 8 bytes `t` are the trailer of the member inflated so far. */
  private trailerMatches(t: Uint8Array): boolean {
    const crc = (t[0]! | (t[1]! << 8) | (t[2]! << 16) | (t[3]! << 24)) >>> 0;
    const size = (t[4]! | (t[5]! << 8) | (t[6]! << 16) | (t[7]! << 24)) >>> 0;
    return crc === (~this.crc >>> 0) && size === this.size;
  }
}

/** Compressed bytes kept to find a member's trailer. */
const RECENT = 1 << 12;
