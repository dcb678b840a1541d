/**
 * The frame times a packet's output is measured from: the first frame read, the
 * one read before it, and the one shown before it (-T fields' frame.time_* and
 * -t's d and dd). Kept as whole seconds and nanoseconds, so differences are exact.
 */
import type { Frame } from '../capture/frame.js';

export class FrameTimes {
  firstSec = -1;
  firstNsec = 0;
  prevSec = -1;
  prevNsec = 0;
  private curSec = -1;
  private curNsec = 0;
  shownSec = -1;
  shownNsec = 0;

  /** Every frame read, shown or not. */
  seen(frame: Frame): void {
    if (this.firstSec < 0) { this.firstSec = frame.tsSec; this.firstNsec = frame.tsNsec; }
    this.prevSec = this.curSec;
    this.prevNsec = this.curNsec;
    this.curSec = frame.tsSec;
    this.curNsec = frame.tsNsec;
  }

  /** A frame shown (after its output is made). */
  shown(frame: Frame): void {
    this.shownSec = frame.tsSec;
    this.shownNsec = frame.tsNsec;
  }
}

/**
 * The seconds from b to a (each whole seconds and nanoseconds) as "s.fffffffff"
 * with 9 decimals, or rounded to 6; negative when a is before b. Exact: no
 * double holds an epoch time to the nanosecond.
 */
export function elapsedText(aSec: number, aNsec: number, bSec: number, bNsec: number, digits: 6 | 9): string {
  let s = aSec - bSec;
  let ns = aNsec - bNsec;
  // One sign for both parts.
  if (ns < 0 && s > 0) { s--; ns += 1e9; } else if (ns > 0 && s < 0) { s++; ns -= 1e9; }
  const sign = s < 0 || ns < 0 ? '-' : '';
  s = Math.abs(s);
  ns = Math.abs(ns);
  if (digits === 9) return `${sign}${s}.${String(ns).padStart(9, '0')}`;
  let us = Math.round(ns / 1000);
  if (us === 1e6) { s++; us = 0; }
  return `${sign}${s}.${String(us).padStart(6, '0')}`;
}
