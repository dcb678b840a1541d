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

  /** `already`: the compressed bytes read from `fd` before it was known to be gzip. */
  constructor(private readonly fd: number, already: Uint8Array) {
    this.gz = new (inflater().Gunzip)((data, final) => {
      if (data.length > 0) this.queue.push(data);
      if (final) this.ended = true;
    });
    if (already.length > 0) this.push(Uint8Array.from(already), false);
  }

  /** Damage found while inflating is reported where the reader has got to, after what came out before it. */
  private failure: CompressedDataError | null = null;

  private push(data: Uint8Array, final: boolean): void {
    if (this.compressed < HEAD_KEPT) this.head.set(data.subarray(0, HEAD_KEPT - this.compressed), this.compressed);
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
  }

  /** Inflate into `into[at..at+max)`; the count, 0 at the end. Throws the read or inflate error. */
  read(into: Uint8Array, at: number, max: number): number {
    while (this.queue.length === 0) {
      if (this.ended) return 0;
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
}
