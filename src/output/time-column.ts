/**
 * The summary line's Time column in tshark's -t formats: r (seconds since the
 * first packet, the default), a and ad (local time of day, with the date), u and
 * ud (the same in UTC), e (seconds since the epoch), d (since the previous
 * packet) and dd (since the previous packet shown). Microseconds, as the default
 * column. The default is written by the summary writer itself; this makes the others.
 */
import type { Frame } from '../capture/frame.js';
import { elapsedText, FrameTimes } from './frame-times.js';

export const TIME_FORMATS = ['r', 'a', 'ad', 'u', 'ud', 'e', 'd', 'dd'] as const;
export type TimeFormat = (typeof TIME_FORMATS)[number];

/** Whether this format needs the packet shown before (so a read cannot be split in two). */
export function needsPreviousShown(format: TimeFormat | undefined): boolean {
  return format === 'dd';
}

const pad = (n: number, w: number): string => String(n).padStart(w, '0');

export class TimeColumn {
  /** `times`: the frame times to measure from, when the caller keeps them itself (it then feeds seen() and shown() there). */
  constructor(readonly format: TimeFormat, private readonly times = new FrameTimes()) {}

  /** Every frame read, shown or not (d counts from the one before). */
  seen(frame: Frame): void {
    this.times.seen(frame);
  }

  /** The column's text for a packet shown (call once per packet shown, after seen()). */
  text(frame: Frame): string {
    const out = this.textOf(frame);
    this.times.shown(frame);
    return out;
  }

  /**
   * The column's text for a packet, without counting it as shown. r, seconds since
   * the first packet, is the summary line's default (which the summary writer makes
   * itself); -T fields asks for it here.
   */
  textOf(frame: Frame): string {
    const s = frame.tsSec;
    const ns = frame.tsNsec;
    const c = this.times;
    switch (this.format) {
      case 'r': return (c.firstSec < 0 ? 0 : s - c.firstSec + (ns - c.firstNsec) / 1e9).toFixed(6);
      case 'e': return elapsedText(s, ns, 0, 0, 6);
      case 'd': return c.prevSec < 0 ? '0.000000' : elapsedText(s, ns, c.prevSec, c.prevNsec, 6);
      case 'dd': return c.shownSec < 0 ? '0.000000' : elapsedText(s, ns, c.shownSec, c.shownNsec, 6);
      default: return clock(this.format, s, ns);
    }
  }
}

/** a, ad, u, ud: time of day (with the date), local or UTC, to the microsecond. */
function clock(format: TimeFormat, sec: number, nsec: number): string {
  let us = Math.round(nsec / 1000);
  let whole = sec;
  if (us === 1e6) { us = 0; whole++; }
  const d = new Date(whole * 1000);
  const utc = format === 'u' || format === 'ud';
  const [Y, M, D, h, m, s] = utc
    ? [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()]
    : [d.getFullYear(), d.getMonth() + 1, d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds()];
  const time = `${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)}.${pad(us, 6)}`;
  return format === 'ad' || format === 'ud' ? `${Y}-${pad(M, 2)}-${pad(D, 2)} ${time}` : time;
}
