/**
 * A progress line on stderr while a long capture is read: share of the input,
 * packets and packets per second. Only for a person watching a terminal: never
 * when stderr is a pipe or a file, and never with machine output (JSON), whose
 * readers would get escape codes mixed into their logs.
 *
 * The per-packet cost is one increment and one compare: the clock is read every
 * CHECK_EVERY packets and the line redrawn at most every REDRAW_MS.
 */

/** Packets between clock reads; a power of two so the check is a mask. */
const CHECK_EVERY = 256;
const REDRAW_MS = 100;
const BAR_WIDTH = 24;

export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(s: string): unknown;
}

/** Whether to show progress: stderr is a terminal, the output is for people, and it was not turned off. */
export function progressWanted(stderrIsTTY: boolean, machineOutput: boolean, quiet = false): boolean {
  return stderrIsTTY && !machineOutput && !quiet;
}

/** What a reader of packets reports to: a Progress, or a stand-in that passes the counts on (a worker thread). */
export interface PacketCounter {
  packet(recordBytes?: number): void;
  done(): void;
}

export class Progress implements PacketCounter {
  private packets = 0;
  private bytes = 0;
  private readonly started: number;
  private lastDraw: number;
  private drawn = false;

  private constructor(
    private readonly total: number | null,
    private readonly stream: ProgressStream | null,
    private readonly now: () => number,
  ) {
    this.started = now();
    this.lastDraw = this.started;
  }

  /**
   * Start a progress line for an input of `totalBytes` (null: unknown, e.g. a pipe).
   * With `enabled` false (the default decision: progressWanted on process.stderr)
   * the returned object does nothing, so callers need no branches.
   */
  static start(totalBytes: number | null, opts: { stream?: ProgressStream; enabled?: boolean; now?: () => number } = {}): Progress {
    const stream = opts.stream ?? process.stderr;
    const enabled = opts.enabled ?? progressWanted(stream.isTTY === true, false);
    return new Progress(totalBytes, enabled ? stream : null, opts.now ?? Date.now);
  }

  /** Count one packet of `recordBytes` bytes in the file (caplen plus the record header). */
  packet(recordBytes = 0): void {
    this.packets++;
    this.bytes += recordBytes;
    if ((this.packets & (CHECK_EVERY - 1)) !== 0 || this.stream === null) return;
    const t = this.now();
    if (t - this.lastDraw < REDRAW_MS) return;
    this.lastDraw = t;
    this.draw(t);
  }

  /**
   * Count `packets` packets of `recordBytes` bytes at once: work done elsewhere (a worker
   * thread reporting now and then). Redrawn at most every REDRAW_MS like packet().
   */
  add(packets: number, recordBytes: number): void {
    this.packets += packets;
    this.bytes += recordBytes;
    if (this.stream === null) return;
    const t = this.now();
    if (t - this.lastDraw < REDRAW_MS) return;
    this.lastDraw = t;
    this.draw(t);
  }

  /** The line as it would be drawn now (exposed for tests). */
  line(t = this.now()): string {
    const secs = Math.max((t - this.started) / 1000, 1e-3);
    const rate = Math.round(this.packets / secs);
    const counts = `${this.packets.toLocaleString('en-US')} packets, ${rate.toLocaleString('en-US')} packets/s`;
    if (this.total === null || this.total <= 0) return counts;
    // The byte count is an estimate from record sizes: stay below 100 % until done.
    const share = Math.min(this.bytes / this.total, 0.99);
    const filled = Math.round(share * BAR_WIDTH);
    return `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${String(Math.floor(share * 100)).padStart(2)}% ${counts}`;
  }

  private draw(t: number): void {
    const width = (this.stream!.columns ?? 80) - 1;
    this.stream!.write(`\r${this.line(t).slice(0, width)}\x1b[K`);
    this.drawn = true;
  }

  /** Erase the line (so the next message starts clean). */
  done(): void {
    if (this.drawn && this.stream) this.stream.write('\r\x1b[K');
    this.drawn = false;
  }
}
