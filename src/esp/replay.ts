/**
 * The receiver's anti-replay window (RFC 4303 3.4.3, Appendix A), for the
 * analyzer to classify each sequence number seen on one SA. It works on the
 * 32-bit sequence number; with ESN the analyzer feeds the low half per epoch.
 */

export type ReplayVerdict =
  /** Next in order, or a late packet inside the window not seen before. */
  | 'new'
  /** Already seen inside the window: RFC 4303 3.4.3 says drop it. */
  | 'replay'
  /** Older than the window's left edge (or 0, which no sender uses, RFC 4303 2.2). */
  | 'outside'
  /** Ahead of the highest seen by more than one: accepted, but packets are missing so far. */
  | 'gap';

export class ReplayWindow {
  readonly size: number;
  /** Ring of seen bits indexed by seq mod bits.length*32. */
  private readonly bits: Uint32Array;
  private readonly ringBits: number;
  private highest = 0;
  private started = false;

  /** `size` in packets; RFC 4303 3.4.3 requires at least 32 by default, 64 recommended. */
  constructor(size: number) {
    this.size = Math.max(1, Math.min(Math.floor(size) || 1, 1 << 20));
    this.ringBits = Math.ceil(this.size / 32) * 32;
    this.bits = new Uint32Array(this.ringBits / 32);
  }

  /** Highest sequence number accepted so far (0 before the first). */
  get highestSeen(): number {
    return this.highest;
  }

  /** Classify `seq` and record it. */
  check(seq: number): ReplayVerdict {
    seq = seq >>> 0;
    if (seq === 0) return 'outside';
    if (!this.started) {
      // A capture may start mid-SA: the first number seen is in order by definition.
      this.started = true;
      this.advance(seq);
      return 'new';
    }
    if (seq > this.highest) {
      const verdict = seq === this.highest + 1 ? 'new' : 'gap';
      this.advance(seq);
      return verdict;
    }
    if (this.highest - seq >= this.size) return 'outside';
    const i = seq % this.ringBits;
    const word = i >>> 5;
    const mask = 1 << (i & 31);
    if (this.bits[word]! & mask) return 'replay';
    this.bits[word]! |= mask;
    return 'new';
  }

  /** Move the right edge to `seq`, forgetting the numbers that slide out. */
  private advance(seq: number): void {
    const step = seq - this.highest;
    if (step >= this.ringBits || !this.started) this.bits.fill(0);
    else {
      for (let s = this.highest + 1; s <= seq; s++) {
        const i = s % this.ringBits;
        this.bits[i >>> 5]! &= ~(1 << (i & 31));
      }
    }
    this.highest = seq;
    const i = seq % this.ringBits;
    this.bits[i >>> 5]! |= 1 << (i & 31);
  }
}
