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

/**
 * The 64-packet window (RFC 4303's recommended default) the analyzer keeps for
 * every SA, as plain number fields: the same verdicts as ReplayWindow(64), but
 * one small object per SA and no typed array, so thousands of SAs cost little
 * memory and a check touches one object. Bit d of (hi:lo) says whether
 * highest - d was seen.
 */
export class ReplayWindow64 {
  private highest = 0;
  private lo = 0;
  private hi = 0;
  private started = false;

  get highestSeen(): number {
    return this.highest;
  }

  check(seq: number): ReplayVerdict {
    seq = seq >>> 0;
    if (seq === 0) return 'outside';
    if (!this.started) {
      this.started = true;
      this.highest = seq;
      this.lo = 1;
      this.hi = 0;
      return 'new';
    }
    const h = this.highest;
    if (seq > h) {
      const step = seq - h;
      if (step >= 64) {
        this.lo = 1;
        this.hi = 0;
      } else if (step >= 32) {
        this.hi = step === 32 ? this.lo : this.lo << (step - 32);
        this.lo = 1;
      } else {
        this.hi = (this.hi << step) | (this.lo >>> (32 - step));
        this.lo = (this.lo << step) | 1;
      }
      this.highest = seq;
      return step === 1 ? 'new' : 'gap';
    }
    const d = h - seq;
    if (d >= 64) return 'outside';
    if (d < 32) {
      const m = 1 << d;
      if (this.lo & m) return 'replay';
      this.lo |= m;
    } else {
      const m = 1 << (d - 32);
      if (this.hi & m) return 'replay';
      this.hi |= m;
    }
    return 'new';
  }
}
