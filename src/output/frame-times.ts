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
