/**
 * Which frames passed a display filter, remembered at one bit per frame so a
 * finding reported long after its packet (a timer, the end of the capture) can
 * still be checked against the filter. Frame numbers are 1-based per input file.
 */

/** A growable bitset over frame numbers of one file. */
export class FrameBits {
  private words: Uint32Array;

  constructor(initialFrames = 4096) {
    this.words = new Uint32Array(Math.max(1, Math.ceil(initialFrames / 32)));
  }

  add(frame: number): void {
    const w = frame >>> 5;
    if (w >= this.words.length) {
      let n = this.words.length;
      while (n <= w) n *= 2;
      const grown = new Uint32Array(n);
      grown.set(this.words);
      this.words = grown;
    }
    this.words[w]! |= 1 << (frame & 31);
  }

  has(frame: number): boolean {
    if (frame < 0 || !Number.isInteger(frame)) return false;
    const w = frame >>> 5;
    return w < this.words.length && (this.words[w]! & (1 << (frame & 31))) !== 0;
  }

  /** Bytes held (for tests of the memory bound). */
  get byteLength(): number {
    return this.words.byteLength;
  }
}

/** Matched frames of every input file, by the file's index in the command line. */
export class MatchedFrames {
  private readonly files: FrameBits[] = [];

  add(fileIndex: number, frame: number): void {
    (this.files[fileIndex] ??= new FrameBits()).add(frame);
  }

  has(fileIndex: number, frame: number): boolean {
    return this.files[fileIndex]?.has(frame) ?? false;
  }
}

/**
 * The last `window` frames of an endless capture (live): one bit each, reused
 * in a ring, so memory stays flat however long the capture runs. Every frame is
 * recorded, matched or not, in order.
 */
export class RecentFrames {
  private readonly bits: Uint32Array;
  private readonly mask: number;
  private highest = 0;

  /** `window` is rounded up to a power of two (default 2^20 frames: 128 KiB). */
  constructor(window = 1 << 20) {
    let size = 32;
    while (size < window) size *= 2;
    this.bits = new Uint32Array(size / 32);
    this.mask = size - 1;
  }

  record(frame: number, matched: boolean): void {
    const slot = frame & this.mask;
    if (matched) this.bits[slot >>> 5]! |= 1 << (slot & 31);
    else this.bits[slot >>> 5]! &= ~(1 << (slot & 31));
    if (frame > this.highest) this.highest = frame;
  }

  /** true or false for a frame still in the window; undefined when it is older (or not seen yet). */
  has(frame: number): boolean | undefined {
    if (frame > this.highest || frame <= this.highest - (this.mask + 1) || frame < 1) return undefined;
    const slot = frame & this.mask;
    return (this.bits[slot >>> 5]! & (1 << (slot & 31))) !== 0;
  }
}
