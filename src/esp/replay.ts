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

/**
 * The 64-packet window (RFC 4303's recommended default) the analyzer keeps for
 * every SA, as plain number fields: one small object per SA and no typed
 * array, so thousands of SAs cost little memory and a check touches one object.
 * Bit d of (hi:lo) says whether highest - d was seen. A capture may start
 * mid-SA: the first number seen is in order by definition.
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
