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
  private readonly times = new FrameTimes();

  constructor(readonly format: TimeFormat) {}

  /** Every frame read, shown or not (d counts from the one before). */
  seen(frame: Frame): void {
    this.times.seen(frame);
  }

  /** The column's text for a packet shown (call once per packet shown, after seen()). */
  text(frame: Frame): string {
    const s = frame.tsSec;
    const ns = frame.tsNsec;
    const c = this.times;
    let out: string;
    switch (this.format) {
      case 'e': out = elapsedText(s, ns, 0, 0, 6); break;
      case 'd': out = c.prevSec < 0 ? '0.000000' : elapsedText(s, ns, c.prevSec, c.prevNsec, 6); break;
      case 'dd': out = c.shownSec < 0 ? '0.000000' : elapsedText(s, ns, c.shownSec, c.shownNsec, 6); break;
      default: out = clock(this.format, s, ns);
    }
    c.shown(frame);
    return out;
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
