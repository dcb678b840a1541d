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

/** Verdicts by the number checkWindow() returns. */
export const VERDICTS: readonly ReplayVerdict[] = ['new', 'replay', 'outside', 'gap'];
const NEW = 0;
const REPLAY = 1;
const OUTSIDE = 2;
const GAP = 3;

/**
 * The 64-packet window (RFC 4303's recommended default) the analyzer keeps for
 * every SA, as three numbers its owner stores where it likes (the engine keeps
 * them in its SA table's slots, so a check reads one cache line): the highest
 * number accepted at `at[h]` (0 before the first, which no sender uses, RFC
 * 4303 2.2), and bit d of the 64-bit word pair (bits[b + 1]:bits[b]) says
 * whether highest - d was seen. A capture may start mid-SA: the first number
 * seen is in order by definition. Updates the window; returns the verdict's
 * index in VERDICTS.
 */
export function checkWindow(at: Float64Array, h: number, bits: Int32Array, b: number, seq: number): number {
  seq = seq >>> 0;
  if (seq === 0) return OUTSIDE;
  const highest = at[h]!;
  if (highest === 0) {
    at[h] = seq;
    bits[b] = 1;
    bits[b + 1] = 0;
    return NEW;
  }
  const lo = bits[b]!;
  const hi = bits[b + 1]!;
  if (seq > highest) {
    const step = seq - highest;
    if (step >= 64) {
      bits[b] = 1;
      bits[b + 1] = 0;
    } else if (step >= 32) {
      bits[b + 1] = step === 32 ? lo : lo << (step - 32);
      bits[b] = 1;
    } else {
      bits[b + 1] = (hi << step) | (lo >>> (32 - step));
      bits[b] = (lo << step) | 1;
    }
    at[h] = seq;
    return step === 1 ? NEW : GAP;
  }
  const d = highest - seq;
  if (d >= 64) return OUTSIDE;
  if (d < 32) {
    const m = 1 << d;
    if (lo & m) return REPLAY;
    bits[b] = lo | m;
  } else {
    const m = 1 << (d - 32);
    if (hi & m) return REPLAY;
    bits[b + 1] = hi | m;
  }
  return NEW;
}

/** One window on its own (checkWindow over its own three numbers). */
export class ReplayWindow64 {
  private readonly at = new Float64Array(1);
  private readonly bits = new Int32Array(2);

  get highestSeen(): number {
    return this.at[0]!;
  }

  check(seq: number): ReplayVerdict {
    return VERDICTS[checkWindow(this.at, 0, this.bits, 0, seq)]!;
  }
}
