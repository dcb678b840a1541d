/** Findings as JSON: {"findings": [...], "summary": {...}}. */
import type { Finding } from '../analyze/types.js';
import { summarize } from './findings-text.js';

export interface JsonSummaryExtra {
  files: string[];
  packets: number;
  rules: number;
}

export function formatFindingsJson(findings: readonly Finding[], extra: JsonSummaryExtra): string {
  const s = summarize(findings);
  const out = {
    findings: findings.map((f) => ({ rule: f.rule, severity: f.severity, frame: f.frame, file: f.file, time: f.time, message: f.message, spec: f.spec, flow: f.flow })),
    summary: { ...s, files: extra.files, packets: extra.packets, rulesRun: extra.rules },
  };
  return `${JSON.stringify(out, null, 2)}\n`;
}
