/**
 * Streaming writers for pcapng (the format every output that annotates packets uses) and,
 * for tests and sample fixtures, classic pcap.
 *
 * The pcapng writer keeps one fixed buffer and flushes it to the file descriptor when it
 * fills, so writing a capture of any size needs bounded memory. Everything is written
 * little-endian; readers detect the byte order from the section header.
 */
import { closeSync, openSync, writeFileSync } from 'node:fs';
import { writeFully } from '../output/write-fully.js';

const BLOCK_SHB = 0x0a0d0d0a;
const BLOCK_IDB = 0x00000001;
const BLOCK_EPB = 0x00000006;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;

const OPT_ENDOFOPT = 0;
const OPT_COMMENT = 1;
const OPT_SHB_USERAPPL = 4;
const OPT_IF_NAME = 2;
const OPT_IF_DESCRIPTION = 3;
const OPT_IF_TSRESOL = 9;

const FLUSH_AT = 1 << 20;
const DEFAULT_SNAPLEN = 262144;

export interface PcapngWriterOptions {
  sectionComment?: string;
  userAppl?: string;
}

export interface PcapngInterfaceOptions {
  linktype: number;
  snaplen?: number;
  /** true: timestamps in nanoseconds (if_tsresol = 9); otherwise the pcapng default, microseconds. */
  tsresolNs?: boolean;
  name?: string;
  description?: string;
  comment?: string;
}

/** One option as it will be written: code and already-encoded value. */
interface EncodedOption {
  code: number;
  value: Uint8Array;
}

function pad4(n: number): number {
  return (n + 3) & ~3;
}

function optionsLength(opts: readonly EncodedOption[]): number {
  if (opts.length === 0) return 0;
  let n = 4; // opt_endofopt
  for (const o of opts) n += 4 + pad4(o.value.length);
  return n;
}

function utf8(s: string): Uint8Array {
  return Buffer.from(s, 'utf8');
}

/**
 * Split `sec * ticksPerSec + frac` into the high and low 32-bit halves of a 64-bit tick
 * count without going through a float (nanosecond tick counts exceed 2^53).
 */
export function ticksToHiLo(sec: number, frac: number, ticksPerSec: number, out: { hi: number; lo: number }): void {
  const s0 = sec % 65536;
  const s1 = Math.floor(sec / 65536);
  const t0 = s0 * ticksPerSec + frac;
  const t1 = s1 * ticksPerSec;
  const lowSum = (t1 % 65536) * 65536 + t0;
  out.lo = lowSum % 4294967296;
  out.hi = Math.floor(t1 / 65536) + Math.floor(lowSum / 4294967296);
}

/** Writes a single-section, little-endian pcapng file, streaming through a fixed buffer. */
export class PcapngWriter {
  private readonly fd: number;
  private readonly ownsFd: boolean;
  private buf: Buffer;
  private used = 0;
  private closed = false;
  /** Ticks per second for each interface added so far. */
  private readonly ifTicksPerSec: number[] = [];
  private readonly ifSnaplen: number[] = [];
  private readonly hiLo = { hi: 0, lo: 0 };

  /** Set when the descriptor is a pipe whose reader has gone: nothing more is written. */
  readerGone = false;
  /** Bytes flushed to the descriptor so far. */
  private flushed = 0;
  /** What a write error message names. */
  private readonly what: string;

  constructor(target: string | number, opts: PcapngWriterOptions = {}) {
    this.what = typeof target === 'number' ? (target === 1 ? 'the capture to standard output' : 'the capture') : target;
    if (typeof target === 'number') {
      this.fd = target;
      this.ownsFd = false;
    } else {
      this.fd = openSync(target, 'w');
      this.ownsFd = true;
    }
    this.buf = Buffer.allocUnsafe(FLUSH_AT + 65536);
    const options: EncodedOption[] = [];
    if (opts.sectionComment !== undefined) options.push({ code: OPT_COMMENT, value: utf8(opts.sectionComment) });
    if (opts.userAppl !== undefined) options.push({ code: OPT_SHB_USERAPPL, value: utf8(opts.userAppl) });
    // Type, length, byte-order magic, version 1.0, section length -1 (unknown: we stream).
    const total = 28 + optionsLength(options);
    const p = this.reserve(total);
    const b = this.buf;
    b.writeUInt32LE(BLOCK_SHB, p);
    b.writeUInt32LE(total, p + 4);
    b.writeUInt32LE(BYTE_ORDER_MAGIC, p + 8);
    b.writeUInt16LE(1, p + 12);
    b.writeUInt16LE(0, p + 14);
    b.writeInt32LE(-1, p + 16);
    b.writeInt32LE(-1, p + 20);
    const q = this.putOptions(p + 24, options);
    b.writeUInt32LE(total, q);
    this.used = q + 4;
  }

  /** Adds an Interface Description Block; returns the interface id to pass to writePacket. */
  addInterface(opts: PcapngInterfaceOptions): number {
    this.assertOpen();
    const snaplen = opts.snaplen ?? DEFAULT_SNAPLEN;
    const options: EncodedOption[] = [];
    if (opts.name !== undefined) options.push({ code: OPT_IF_NAME, value: utf8(opts.name) });
    if (opts.description !== undefined) options.push({ code: OPT_IF_DESCRIPTION, value: utf8(opts.description) });
    if (opts.comment !== undefined) options.push({ code: OPT_COMMENT, value: utf8(opts.comment) });
    if (opts.tsresolNs) options.push({ code: OPT_IF_TSRESOL, value: Uint8Array.of(9) });
    const total = 20 + optionsLength(options);
    const p = this.reserve(total);
    const b = this.buf;
    b.writeUInt32LE(BLOCK_IDB, p);
    b.writeUInt32LE(total, p + 4);
    b.writeUInt16LE(opts.linktype & 0xffff, p + 8);
    b.writeUInt16LE(0, p + 10);
    b.writeUInt32LE(snaplen >>> 0, p + 12);
    const q = this.putOptions(p + 16, options);
    b.writeUInt32LE(total, q);
    this.used = q + 4;
    this.ifTicksPerSec.push(opts.tsresolNs ? 1e9 : 1e6);
    this.ifSnaplen.push(snaplen);
    return this.ifTicksPerSec.length - 1;
  }

  /**
   * Appends an Enhanced Packet Block. `tsNsec` is always nanoseconds; on a microsecond
   * interface it is truncated to whole microseconds, as a capture tool would have.
   */
  writePacket(
    ifId: number,
    tsSec: number,
    tsNsec: number,
    data: Uint8Array,
    origLen?: number,
    comments?: readonly string[],
  ): void {
    this.assertOpen();
    const ticksPerSec = this.ifTicksPerSec[ifId];
    if (ticksPerSec === undefined) {
      throw new RangeError(`writePacket: interface ${ifId} was not added (have ${this.ifTicksPerSec.length})`);
    }
    if (!Number.isInteger(tsSec) || tsSec < 0 || !Number.isInteger(tsNsec) || tsNsec < 0 || tsNsec > 999_999_999) {
      throw new RangeError(`writePacket: bad timestamp ${tsSec}.${tsNsec}`);
    }
    let options: EncodedOption[] | null = null;
    if (comments !== undefined && comments.length > 0) {
      options = comments.map((c) => ({ code: OPT_COMMENT, value: utf8(c) }));
    }
    const caplen = data.length;
    const total = 32 + pad4(caplen) + (options === null ? 0 : optionsLength(options));
    const p = this.reserve(total);
    const b = this.buf;
    const frac = ticksPerSec === 1e9 ? tsNsec : Math.floor(tsNsec / 1000);
    ticksToHiLo(tsSec, frac, ticksPerSec, this.hiLo);
    b.writeUInt32LE(BLOCK_EPB, p);
    b.writeUInt32LE(total, p + 4);
    b.writeUInt32LE(ifId, p + 8);
    b.writeUInt32LE(this.hiLo.hi, p + 12);
    b.writeUInt32LE(this.hiLo.lo, p + 16);
    b.writeUInt32LE(caplen, p + 20);
    b.writeUInt32LE((origLen ?? caplen) >>> 0, p + 24);
    b.set(data, p + 28);
    const padded = p + 28 + pad4(caplen);
    b.fill(0, p + 28 + caplen, padded);
    const q = options === null ? padded : this.putOptions(padded, options);
    b.writeUInt32LE(total, q);
    this.used = q + 4;
  }

  /** Flushes buffered blocks; closes the descriptor only if this writer opened it. */
  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    if (this.ownsFd) closeSync(this.fd);
  }

  /** Bytes of the file so far, written or buffered. */
  get size(): number {
    return this.flushed + this.used;
  }

  /**
   * Writes everything buffered so far (a reader of the same file then sees whole blocks).
   * A failed write throws OutputError; a reader gone from a pipe sets `readerGone`, and
   * later blocks are dropped.
   */
  flush(): void {
    if (!this.readerGone && this.used > 0 && !writeFully(this.fd, this.buf, 0, this.used, this.what)) this.readerGone = true;
    this.flushed += this.used;
    this.used = 0;
  }

  /** Makes room for `n` more bytes and returns the offset to write them at. */
  private reserve(n: number): number {
    if (this.used + n > this.buf.length) {
      this.flush();
      // Only a block larger than the whole buffer makes it grow.
      if (n > this.buf.length) this.buf = Buffer.allocUnsafe(pad4(n));
    }
    return this.used;
  }

  private putOptions(at: number, options: readonly EncodedOption[]): number {
    if (options.length === 0) return at;
    const b = this.buf;
    let p = at;
    for (const o of options) {
      b.writeUInt16LE(o.code, p);
      b.writeUInt16LE(o.value.length, p + 2);
      b.set(o.value, p + 4);
      const end = p + 4 + o.value.length;
      p = p + 4 + pad4(o.value.length);
      b.fill(0, end, p);
    }
    b.writeUInt16LE(OPT_ENDOFOPT, p);
    b.writeUInt16LE(0, p + 2);
    return p + 4;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('PcapngWriter: already closed');
  }
}

export interface PcapRecord {
  tsSec: number;
  /** Nanoseconds; truncated to microseconds unless the file is written with `nanosecond`. */
  tsNsec: number;
  data: Uint8Array;
  origLen?: number;
}

/**
 * Writes a classic pcap file in one go (for tests and fixtures, where the frames are few).
 * `nanosecond` selects the a1b23c4d magic; `bigEndian` writes every header field big-endian.
 */
export function writePcap(
  path: string,
  linktype: number,
  frames: readonly PcapRecord[],
  opts: { nanosecond?: boolean; bigEndian?: boolean; snaplen?: number } = {},
): void {
  let size = 24;
  for (const f of frames) size += 16 + f.data.length;
  const b = Buffer.alloc(size);
  const le = !opts.bigEndian;
  const u32 = (v: number, at: number): void => {
    if (le) b.writeUInt32LE(v >>> 0, at);
    else b.writeUInt32BE(v >>> 0, at);
  };
  const u16 = (v: number, at: number): void => {
    if (le) b.writeUInt16LE(v, at);
    else b.writeUInt16BE(v, at);
  };
  u32(opts.nanosecond ? 0xa1b23c4d : 0xa1b2c3d4, 0);
  u16(2, 4);
  u16(4, 6);
  u32(0, 8);
  u32(0, 12);
  u32(opts.snaplen ?? DEFAULT_SNAPLEN, 16);
  u32(linktype, 20);
  let p = 24;
  for (const f of frames) {
    u32(f.tsSec, p);
    u32(opts.nanosecond ? f.tsNsec : Math.floor(f.tsNsec / 1000), p + 4);
    u32(f.data.length, p + 8);
    u32(f.origLen ?? f.data.length, p + 12);
    b.set(f.data, p + 16);
    p += 16 + f.data.length;
  }
  writeFileSync(path, b);
}
