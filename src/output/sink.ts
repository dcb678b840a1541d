/**
 * Buffered synchronous writes to stdout or a file: one write per 64 KiB instead
 * of one per line, bounded memory, and a closed pipe (`| head`) ends quietly.
 */
import { writeSync } from 'node:fs';

export class Sink {
  private parts: string[] = [];
  private size = 0;
  /** Set when the reader went away (EPIPE); later writes are dropped. */
  closed = false;

  constructor(private readonly fd = 1, private readonly limit = 1 << 16) {}

  line(s: string): void {
    if (this.closed) return;
    this.parts.push(s, '\n');
    this.size += s.length + 1;
    if (this.size >= this.limit) this.flush();
  }

  flush(): void {
    if (this.closed || this.size === 0) return;
    const data = Buffer.from(this.parts.join(''), 'utf8');
    this.parts = [];
    this.size = 0;
    let off = 0;
    while (off < data.length) {
      try {
        off += writeSync(this.fd, data, off, data.length - off);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN') { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5); continue; }
        if (code === 'EPIPE') { this.closed = true; return; }
        throw e;
      }
    }
  }
}
