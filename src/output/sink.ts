/**
 * Buffered synchronous writes to stdout or a file: one write per 64 KiB instead
 * of one per line, bounded memory, and a closed pipe (`| head`) ends quietly.
 *
 * Text goes straight into one reused byte buffer: line() encodes its string
 * there, and the per-packet writers (fast-packets.ts) write their bytes there
 * themselves, between room() and done().
 */
import { writeUtf8 } from './bytes.js';
import { writeFully } from './write-fully.js';

export class Sink {
  /** The bytes not yet written: buf[0..pos). */
  buf: Buffer;
  /** A DataView of buf, for writers storing several bytes at once. */
  view: DataView;
  pos = 0;
  /** Set when the reader went away (EPIPE); later writes are dropped. */
  closed = false;

  constructor(private readonly fd = 1, private readonly limit = 1 << 16) {
    this.buf = Buffer.allocUnsafe(limit + 4096);
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
  }

  /** `s` and a newline. */
  line(s: string): void {
    this.put(s, true);
  }

  /** `s` as it is, no newline added (a report written a piece at a time). */
  text(s: string): void {
    this.put(s, false);
  }

  private put(s: string, newline: boolean): void {
    if (this.closed) return;
    const need = s.length * 3 + 1;
    if (this.pos + need > this.buf.length) {
      this.flush();
      if (this.closed) return;
      if (need > this.buf.length) {
        // Longer than the buffer (a huge -V tree, a piece of a report): straight out.
        this.writeAll(Buffer.from(newline ? `${s}\n` : s, 'utf8'));
        return;
      }
    }
    let p = writeUtf8(this.buf, this.pos, s);
    if (newline) this.buf[p++] = 10;
    this.pos = p;
    if (this.pos >= this.limit) this.flush();
  }

  /**
   * Make room for `n` more bytes at buf[pos..]: flushes (or grows the buffer for
   * an outsized record) as needed. False when the output is closed: write nothing.
   * The caller writes into buf from pos, then calls done() with the new end.
   */
  room(n: number): boolean {
    if (this.pos + n > this.buf.length) {
      this.flush();
      if (n > this.buf.length) {
        this.buf = Buffer.allocUnsafe(n + 4096);
        this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
      }
    }
    return !this.closed;
  }

  /** The writer wrote buf[pos..end). */
  done(end: number): void {
    this.pos = end;
    if (end >= this.limit) this.flush();
  }

  flush(): void {
    if (this.closed || this.pos === 0) return;
    const n = this.pos;
    this.pos = 0;
    this.writeAll(this.buf, n);
  }

  /** A full disk or another write failure throws OutputError; a closed pipe closes the sink. */
  private writeAll(data: Uint8Array, len = data.length): void {
    if (!writeFully(this.fd, data, 0, len, this.fd === 1 ? 'the output' : 'the output file')) this.closed = true;
  }
}
