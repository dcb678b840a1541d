/** Findings as JSON: {"findings": [...], "summary": {...}}. */
import type { Finding } from '../analyze/types.js';
import { summarize } from './findings-text.js';
import { MARK_PLACE, writeJsonWithArray } from './json-stream.js';
import { collect } from './piece-writer.js';

export interface JsonSummaryExtra {
  files: string[];
  packets: number;
  rules: number;
}

/** The JSON text (pretty-printed and a newline), written in pieces (json-stream.ts). */
export function writeFindingsJson(findings: readonly Finding[], extra: JsonSummaryExtra, write: (s: string) => void): void {
  const s = summarize(findings);
  const doc = { findings: MARK_PLACE, summary: { ...s, files: extra.files, packets: extra.packets, rulesRun: extra.rules } };
  writeJsonWithArray(doc, findings.length, (i) => {
    const f = findings[i]!;
    return { rule: f.rule, severity: f.severity, frame: f.frame, file: f.file, time: f.time, message: f.message, spec: f.spec, flow: f.flow };
  }, write);
}

export function formatFindingsJson(findings: readonly Finding[], extra: JsonSummaryExtra): string {
  return collect((write) => writeFindingsJson(findings, extra, write));
}
