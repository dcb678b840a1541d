/**
 * A single-producer, single-consumer ring of 32-bit words in a SharedArrayBuffer,
 * for handing records from one thread to another without a message per record.
 *
 * A record is [length in words, type, payload...]. Positions are counters that
 * only grow (modulo 2^32); a record never wraps around the end of the buffer: a
 * negative length marks the words skipped to start over at the front.
 *
 * Each side publishes its position now and then (not per record) and sleeps with
 * Atomics.wait when it has to; the other side wakes it only when it says it is
 * waiting, and every wait has a timeout, so a wake-up can never be lost for long.
 * A sleeper asks to be woken only once a quarter of the ring is
 * ready for it, not at the other side's next publish: waking costs a system call
 * on each side, and a reader woken for every few hundred records spends as long
 * going to sleep and waking as working.
 */

/** Header slots (Int32 indices). */
const WRITE = 0;
const READ = 1;
const DONE = 2;
const FAILED = 3;
const CONSUMER_WAITING = 4;
const PRODUCER_WAITING = 5;
/** The position at which a waiting side wants to be woken (written for the consumer, read for the producer). */
const CONSUMER_WANTS = 6;
const PRODUCER_WANTS = 7;
/** Counters a sleeper waits on; the other side bumps one to wake it. */
const CONSUMER_WAKE = 8;
const PRODUCER_WAKE = 9;
const HEADER_WORDS = 16;


/** How long one wait lasts before the waiter looks again (ms). */
const WAIT_MS = 20;
/** A producer that sees no progress for this long gives up (the consumer thread died). */
const STALL_MS = 120_000;

export class RingFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RingFailed';
  }
}

/** A SharedArrayBuffer for a ring of `words` (a power of two) data words. */
export function createRing(words = 1 << 20): SharedArrayBuffer {
  if (words & (words - 1)) throw new Error('ring size must be a power of two');
  return new SharedArrayBuffer((HEADER_WORDS + words) * 4);
}

class RingSide {
  protected readonly header: Int32Array;
  readonly data: Int32Array;
  protected readonly mask: number;
  protected readonly capacity: number;

  constructor(sab: SharedArrayBuffer) {
    this.header = new Int32Array(sab, 0, HEADER_WORDS);
    this.data = new Int32Array(sab, HEADER_WORDS * 4);
    this.capacity = this.data.length;
    this.mask = this.capacity - 1;
  }

  /** The consumer gave up (an error in its thread). */
  get failed(): boolean {
    return Atomics.load(this.header, FAILED) !== 0;
  }

  /** Wake the other side if it sleeps and `position` reached the one it asked to be woken at. */
  protected wakeIfWanted(waiting: number, wants: number, wake: number, position: number): void {
    if (Atomics.load(this.header, waiting) !== 0 && ((position - Atomics.load(this.header, wants)) | 0) >= 0) this.wake(wake);
  }

  protected wake(slot: number): void {
    Atomics.add(this.header, slot, 1);
    Atomics.notify(this.header, slot);
  }

  /**
   * Sleep (WAIT_MS at most) until the other side bumps `wake`, asking to be woken
   * once its position reaches `want`. Whether to sleep is asked again after saying
   * so (`stillBlocked`), so a position published in between is never slept through.
   */
  protected sleep(waiting: number, wants: number, wake: number, want: number, stillBlocked: () => boolean): void {
    const seen = Atomics.load(this.header, wake);
    Atomics.store(this.header, wants, want);
    Atomics.store(this.header, waiting, 1);
    if (stillBlocked()) Atomics.wait(this.header, wake, seen, WAIT_MS);
    Atomics.store(this.header, waiting, 0);
  }
}

export class RingWriter extends RingSide {
  /** Next word to write (a counter), what the reader last said it consumed, and what was last published. */
  private written = 0;
  private readSeen = 0;
  private published = 0;
  private readonly publishEvery: number;

  constructor(sab: SharedArrayBuffer) {
    super(sab);
    this.publishEvery = Math.max(64, this.capacity >>> 6);
  }

  /**
   * Room for a record of `n` words: returns the data index to write it at
   * (data[i] = n and data[i + 1] = type are the caller's). Blocks while the ring is full.
   */
  reserve(n: number): number {
    let pos = this.written & this.mask;
    const tail = this.capacity - pos;
    const need = tail < n ? tail + n : n;
    if (n > this.capacity / 2) throw new Error(`ring record of ${n} words is too large`);
    if (this.capacity - ((this.written - this.readSeen) | 0) < need) this.waitForRoom(need);
    if (tail < n) {
      this.data[pos] = -tail;
      this.written = (this.written + tail) | 0;
      pos = 0;
    }
    return pos;
  }

  /** The record reserved last is written (n words). */
  commit(n: number): void {
    this.written = (this.written + n) | 0;
    if (((this.written - this.published) | 0) >= this.publishEvery) this.publish();
  }

  /** Make everything written so far visible to the reader. */
  publish(): void {
    this.published = this.written;
    Atomics.store(this.header, WRITE, this.written);
    this.wakeIfWanted(CONSUMER_WAITING, CONSUMER_WANTS, CONSUMER_WAKE, this.written);
  }

  /** No more records: publish and tell the reader. */
  close(): void {
    this.publish();
    Atomics.store(this.header, DONE, 1);
    this.wake(CONSUMER_WAKE);
  }

  private waitForRoom(need: number): void {
    this.publish();
    let last = this.readSeen;
    let since = Date.now();
    for (;;) {
      this.readSeen = Atomics.load(this.header, READ);
      if (this.capacity - ((this.written - this.readSeen) | 0) >= need) return;
      if (this.failed) throw new RingFailed('the analysis thread stopped');
      if (this.readSeen !== last) { last = this.readSeen; since = Date.now(); } else if (Date.now() - since > STALL_MS) throw new RingFailed('the analysis thread stopped answering');
      // Woken when the reader has freed `need` words and a quarter of the ring besides.
      const room = Math.min(this.capacity, need + (this.capacity >>> 2));
      this.sleep(PRODUCER_WAITING, PRODUCER_WANTS, PRODUCER_WAKE, (this.written + room - this.capacity) | 0, () => {
        this.readSeen = Atomics.load(this.header, READ);
        return this.capacity - ((this.written - this.readSeen) | 0) < need && !this.failed;
      });
    }
  }
}

export class RingReader extends RingSide {
  private consumed = 0;
  private writeSeen = 0;
  private released = 0;
  private readonly releaseEvery: number;

  constructor(sab: SharedArrayBuffer) {
    super(sab);
    this.releaseEvery = Math.max(64, this.capacity >>> 4);
  }

  /** Data index of the next record (its length at data[i], type at data[i + 1]), or -1 when the writer closed and all is read. */
  next(): number {
    for (;;) {
      if (this.consumed === this.writeSeen) {
        this.writeSeen = Atomics.load(this.header, WRITE);
        if (this.consumed === this.writeSeen && !this.waitForData()) return -1;
        continue;
      }
      const pos = this.consumed & this.mask;
      const len = this.data[pos]!;
      if (len < 0) {
        this.consumed = (this.consumed - len) | 0;
        continue;
      }
      return pos;
    }
  }

  /** The record returned by next() is read; `n` is its length. */
  advance(n: number): void {
    this.consumed = (this.consumed + n) | 0;
    if (((this.consumed - this.released) | 0) >= this.releaseEvery) this.release();
  }

  /** Tell the writer how far the reader got, so it can reuse the space. */
  private release(): void {
    this.released = this.consumed;
    Atomics.store(this.header, READ, this.consumed);
    this.wakeIfWanted(PRODUCER_WAITING, PRODUCER_WANTS, PRODUCER_WAKE, this.consumed);
  }

  /** Something went wrong on this side: the writer stops instead of waiting. */
  fail(): void {
    Atomics.store(this.header, FAILED, 1);
    this.wake(PRODUCER_WAKE);
  }

  /** Wait for the writer; false when it closed and nothing more will come. */
  private waitForData(): boolean {
    this.release();
    for (;;) {
      const done = Atomics.load(this.header, DONE) !== 0;
      this.writeSeen = Atomics.load(this.header, WRITE);
      if (this.writeSeen !== this.consumed) return true;
      if (done) return false;
      // Woken when a quarter of the ring is written (or the writer closes).
      this.sleep(CONSUMER_WAITING, CONSUMER_WANTS, CONSUMER_WAKE, (this.consumed + (this.capacity >>> 2)) | 0,
        () => Atomics.load(this.header, WRITE) === this.consumed && Atomics.load(this.header, DONE) === 0);
    }
  }
}
