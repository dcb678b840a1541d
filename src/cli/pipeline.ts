/**
 * The reading pipeline: open one or more captures, merge them by timestamp
 * (captures taken at two HAs), dissect each frame once, hand it on.
 */
import type { Frame } from '../capture/frame.js';
import { openCapture } from '../capture/open.js';
import { linkTypeName } from '../capture/linktypes.js';
import { CaptureError, displayName, type CaptureProblem, type CaptureReader } from '../capture/reader.js';
import { DISSECTED_LINKTYPES, DISSECTED_LINKTYPES_TEXT } from '../dissect/link.js';
import { createDissector, dissectFrame, type DissectContext } from '../dissect/index.js';
import { icvCandidates } from '../esp/index.js';
import type { UnopenedSa } from '../dissect/esp.js';
import type { RunConfig } from './options.js';

export interface PipelineResult {
  /** Problems met in the files (bad records, truncation), in the order met. */
  problems: CaptureProblem[];
  /** Files that could not be opened at all. */
  unopened: CaptureError[];
  /** True when no file could be used at all (exit code 2). */
  fatal: boolean;
  packets: number;
  /** The dissection context used (for end-of-run summaries). */
  ctx: DissectContext;
  /** SAs no key or heuristic opened, when the run was split across threads (else the context's own list). */
  unopenedSas?: UnopenedSa[];
}

/** Called per dissected packet; return false to stop. */
export type PacketHandler = (ctx: DissectContext, frame: Frame, file: string, fileIndex: number) => void | false;

/**
 * Called per frame before it is dissected: returns true when it took the frame
 * without a dissection (lint reading facts from the bytes, read printing a
 * summary line from them), false to have it dissected and handed to the
 * PacketHandler, null when it took the frame and the run is to stop.
 */
export type FrameHandler = (ctx: DissectContext, frame: Frame, file: string, fileIndex: number) => boolean | null;

/** Hand `f` to `undissected`, else dissect it and hand it to `onPacket`: false when the run is to stop. */
export function handleFrame(
  ctx: DissectContext, f: Frame, file: string, fileIndex: number, onPacket: PacketHandler, undissected: FrameHandler | undefined,
): boolean {
  const taken = undissected === undefined ? false : undissected(ctx, f, file, fileIndex);
  if (taken === null) return false;
  if (taken) return true;
  dissectFrame(ctx, f);
  return onPacket(ctx, f, file, fileIndex) !== false;
}

/** Build the dissection context a run config describes. */
export function contextFor(cfg: RunConfig): DissectContext {
  const ctx = createDissector(cfg.profile, { espNull: cfg.espNull });
  ctx.saTable = cfg.saTable;
  if (cfg.saTable) ctx.espIcvCandidates = icvCandidates(cfg.saTable.icvLengths());
  return ctx;
}

function timeOf(f: Frame): number {
  return f.tsSec + f.tsNsec / 1e9;
}

export function runPipeline(
  files: readonly string[], cfg: RunConfig, onPacket: PacketHandler, ctx: DissectContext = contextFor(cfg), undissected?: FrameHandler,
): PipelineResult {
  const readers: (CaptureReader | null)[] = [];
  const unopened: CaptureError[] = [];
  for (const f of files) {
    try {
      readers.push(openCapture(f));
    } catch (e) {
      if (e instanceof CaptureError) { unopened.push(e); readers.push(null); } else throw e;
    }
  }
  const heads: (Frame | null)[] = readers.map((r) => (r ? r.next() : null));
  let packets = 0;
  const limit = cfg.count > 0 ? cfg.count : Infinity;
  try {
    if (readers.length === 1) {
      // One file: no merge bookkeeping on the hot path.
      const r = readers[0];
      let f = heads[0] ?? null;
      while (r && f && packets < limit) {
        packets++;
        if (!handleFrame(ctx, f, files[0]!, 0, onPacket, undissected)) break;
        f = r.next();
      }
    } else {
      while (packets < limit) {
        let best = -1;
        let bestTime = Infinity;
        for (let i = 0; i < heads.length; i++) {
          const h = heads[i];
          if (h) { const t = timeOf(h); if (t < bestTime) { bestTime = t; best = i; } }
        }
        if (best < 0) break;
        const f = heads[best]!;
        packets++;
        if (!handleFrame(ctx, f, files[best]!, best, onPacket, undissected)) break;
        heads[best] = readers[best]!.next();
      }
    }
  } finally {
    for (const r of readers) r?.close();
  }
  const problems: CaptureProblem[] = [];
  for (const r of readers) if (r) problems.push(...r.problems);
  const usable = readers.some((r) => r !== null);
  return { problems, unopened, fatal: !usable, packets, ctx };
}

/** Messages for the user about capture problems (file, frame, what to do). */
export function describeProblems(res: PipelineResult): string[] {
  const out: string[] = [];
  for (const e of res.unopened) out.push(`mip6scope: ${e.message}${e.hint ? `\n  ${e.hint}` : ''}`);
  for (const p of res.problems) out.push(`mip6scope: ${p.file === '-' ? 'standard input' : p.file}: frame ${p.frame}: ${p.message}${p.hint ? `\n  ${p.hint}` : ''}`);
  return out;
}

/**
 * Packets of a link type nothing is dissected in (NFLOG, USB...): lint and
 * stats count them, so a capture of only those is not taken for a clean or an
 * empty one. One comparison per packet while the link type stays the same.
 */
export class LinkCensus {
  private lastLink = -1;
  private lastDissected = true;
  count = 0;
  private readonly links = new Set<number>();
  private readonly files = new Set<string>();

  add(frame: Frame, file: string): void {
    if (frame.linktype !== this.lastLink) {
      this.lastLink = frame.linktype;
      this.lastDissected = DISSECTED_LINKTYPES.has(this.lastLink);
      if (!this.lastDissected) this.links.add(this.lastLink);
    }
    if (!this.lastDissected) { this.count++; this.files.add(file); }
  }

  /** The message for the undissected packets (null when there were none); `what` says what went unchecked. */
  message(packets: number, what: string): string | null {
    if (this.count === 0) return null;
    const links = [...this.links].map((n) => `${linkTypeName(n)} (${n})`).join(', ');
    return `mip6scope: ${[...this.files].map(displayName).join(', ')}: ${this.count} of ${packets} packets have a link type that is not dissected (${links}): `
      + `${what}\n  mip6scope reads ${DISSECTED_LINKTYPES_TEXT} captures; capture again on such an interface (-i any gives Linux cooked)`;
  }

  /** Every packet read was of such a link type: nothing could be used. */
  all(packets: number): boolean {
    return packets > 0 && this.count === packets;
  }
}
