/**
 * A forward-only window over a file descriptor, read with fs.readSync into one reused
 * buffer. Works the same for regular files and pipes (standard input), never seeks, and
 * holds at most one buffer's worth of the file, so a capture of any size needs bounded memory.
 */
import { closeSync, readSync } from 'node:fs';
import type { GunzipInput } from './gunzip.js';

export const DEFAULT_CHUNK_SIZE = 4 * 1024 * 1024;

/**
 * A non-blocking descriptor with nothing ready yet (EAGAIN; Node makes a pipe on
 * standard output non-blocking) is asked again after a wait that starts at
 * EAGAIN_FIRST_MS and doubles, up to EAGAIN_MAX_MS, for as long as nothing moves.
 * A reader at the other end that keeps up (`| grep`, `| md5sum`) makes room within
 * a tenth of a millisecond: a fixed 5 ms wait there made `read | md5sum` six times
 * slower than `read > file`. One that waits on a person (`| less`) is not polled hard.
 */
export const EAGAIN_FIRST_MS = 0.02;
export const EAGAIN_MAX_MS = 5;

/** The wait before asking a non-blocking descriptor again, after `attempt` (0, 1, ...) waits that found nothing. */
export function eagainDelayMs(attempt: number): number {
  return attempt >= 8 ? EAGAIN_MAX_MS : Math.min(EAGAIN_MAX_MS, EAGAIN_FIRST_MS * 2 ** attempt);
}

let sleepCell: Int32Array | null = null;

/** Wait `ms` without giving the event loop back (a synchronous reader or writer facing EAGAIN). */
export function sleepMs(ms: number): void {
  sleepCell ??= new Int32Array(new SharedArrayBuffer(4));
  Atomics.wait(sleepCell, 0, 0, ms);
}

/** How a reader reports the error that ended its input: its own words when it brings them (damaged compressed data). */
export function readErrorText(err: Error, name: string): { message: string; hint: string } {
  const hint = (err as { hint?: unknown }).hint;
  return typeof hint === 'string'
    ? { message: err.message, hint }
    : { message: `read error: ${err.message}`, hint: `check that ${name} is readable and the device is healthy` };
}

/**
 * Read what is there from fd into buf[off..off+len): the count, 0 at the end. A
 * non-blocking descriptor with nothing ready is waited on; other errors are thrown.
 */
export function readFd(fd: number, buf: Uint8Array, off: number, len: number): number {
  for (let waits = 0; ; waits++) {
    try {
      return readSync(fd, buf, off, len, null);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') {
        sleepMs(eagainDelayMs(waits));
        continue;
      }
      if (code === 'EOF') return 0;
      throw e;
    }
  }
}

export class ByteSource {
  // Fields set in the constructor are `declare`d: a field first defined as undefined
  // loses its type in V8, and these are read for every frame.
  /** Bytes [pos, end) of `buf` are read and not yet consumed. */
  declare buf: Buffer;
  /**
   * The same bytes as a plain Uint8Array (buf is a Buffer, whose subarray is slow);
   * a frame is a place in it (BufferFrame), its view made only when asked for.
   */
  declare bytes: Uint8Array;
  declare view: DataView;
  pos = 0;
  end = 0;
  /** The read error that ended the input early, if any. */
  readError: Error | null = null;
  private eof = false;
  /** File offset of buf[0], for messages. */
  private base = 0;

  constructor(
    private readonly fd: number,
    private readonly ownsFd: boolean,
    chunkSize: number = DEFAULT_CHUNK_SIZE,
    /** Inflates a gzip-compressed file: the bytes read are its content (offsets too). */
    private readonly gunzip: GunzipInput | null = null,
  ) {
    this.buf = Buffer.allocUnsafe(Math.max(1, Math.floor(chunkSize)));
    this.bytes = new Uint8Array(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
  }

  get available(): number {
    return this.end - this.pos;
  }

  /** Offset in the file of the next unconsumed byte. */
  get fileOffset(): number {
    return this.base + this.pos;
  }

  /**
   * Makes at least `n` unconsumed bytes available from `pos`; false when the input ends
   * (or fails) first. May move the window, so offsets into `buf` must be taken after it.
   */
  ensure(n: number): boolean {
    if (this.end - this.pos >= n) return true;
    if (this.eof) return false;
    if (this.pos + n > this.buf.length) this.makeRoom(n);
    while (this.end - this.pos < n) {
      const got = this.readSome();
      if (got <= 0) {
        this.eof = true;
        return false;
      }
      this.end += got;
    }
    return true;
  }

  skip(n: number): void {
    this.pos += n;
  }

  close(): void {
    if (this.ownsFd) {
      try {
        closeSync(this.fd);
      } catch {
        // Already closed: nothing left to release.
      }
    }
  }

  /** Moves the unconsumed bytes to the front, growing the buffer only if `n` cannot fit. */
  private makeRoom(n: number): void {
    const keep = this.end - this.pos;
    if (n > this.buf.length) {
      const bigger = Buffer.allocUnsafe(n);
      this.buf.copy(bigger, 0, this.pos, this.end);
      this.buf = bigger;
      this.bytes = new Uint8Array(bigger.buffer, bigger.byteOffset, bigger.byteLength);
      this.view = new DataView(bigger.buffer, bigger.byteOffset, bigger.byteLength);
    } else {
      this.buf.copyWithin(0, this.pos, this.end);
    }
    this.base += this.pos;
    this.pos = 0;
    this.end = keep;
  }

  private readSome(): number {
    try {
      return this.gunzip !== null
        ? this.gunzip.read(this.buf, this.end, this.buf.length - this.end)
        : readFd(this.fd, this.buf, this.end, this.buf.length - this.end);
    } catch (e) {
      this.readError = e as Error;
      return 0;
    }
  }
}
