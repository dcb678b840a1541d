/**
 * --annotate: a pcapng copy of the input(s) with each finding as a packet
 * comment on its frame (Wireshark and tshark show them as frame.comment).
 * Several inputs are merged by time, as the analysis saw them.
 */
import type { Frame } from '../capture/frame.js';
import { openCapture } from '../capture/open.js';
import { PcapngWriter } from '../capture/pcapng-writer.js';
import type { CaptureReader } from '../capture/reader.js';
import type { Finding } from '../analyze/types.js';

export function commentFor(f: Finding): string {
  return `mip6scope ${f.severity} ${f.rule} (${f.spec}): ${f.message}`;
}

/** Whether a packet comment is a finding commentFor() wrote ("mip6scope <severity> <RULE-ID> (..."). */
function isFindingComment(c: string): boolean {
  return /^mip6scope (?:error|warning|info) [A-Z0-9]+(?:-[A-Z0-9]+)+ \(/.test(c);
}

/** Write `out` with the frames of `files` and the findings as comments; returns the number of frames written. */
export function writeAnnotated(files: readonly string[], findings: readonly Finding[], out: string): number {
  const byFrame = new Map<string, string[]>();
  for (const f of findings) {
    const k = `${f.file}\u0000${f.frame}`;
    const l = byFrame.get(k) ?? [];
    l.push(commentFor(f));
    byFrame.set(k, l);
  }
  const readers: CaptureReader[] = files.map((f) => openCapture(f));
  const writer = new PcapngWriter(out, { userAppl: 'mip6scope lint --annotate' });
  const ifIds = new Map<string, number>();
  const heads: (Frame | null)[] = readers.map((r) => r.next());
  let written = 0;
  try {
    for (;;) {
      let best = -1;
      let bestTime = Infinity;
      for (let i = 0; i < heads.length; i++) {
        const h = heads[i];
        if (h) { const t = h.tsSec + h.tsNsec / 1e9; if (t < bestTime) { bestTime = t; best = i; } }
      }
      if (best < 0) break;
      const fr = heads[best]!;
      const ifKey = `${best}/${fr.linktype}`;
      let id = ifIds.get(ifKey);
      if (id === undefined) {
        id = writer.addInterface({ linktype: fr.linktype, tsresolNs: true, name: files[best] });
        ifIds.set(ifKey, id);
      }
      // A capture annotated before keeps its other comments; its earlier findings give way to this run's.
      const comments = [...(fr.comments ?? []).filter((c) => !isFindingComment(c)), ...(byFrame.get(`${files[best]}\u0000${fr.number}`) ?? [])];
      writer.writePacket(id, fr.tsSec, fr.tsNsec, fr.data, fr.len, comments.length > 0 ? comments : undefined);
      written++;
      heads[best] = readers[best]!.next();
    }
  } finally {
    writer.close();
    for (const r of readers) r.close();
  }
  return written;
}
