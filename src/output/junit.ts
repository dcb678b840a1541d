/** Findings as JUnit XML for CI: a testcase per rule that ran, a failure per finding. */
import type { Finding, RuleMeta } from '../analyze/types.js';
import { PieceWriter } from './piece-writer.js';

function xml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** The JUnit XML, written in pieces (piece-writer.ts). */
export function writeJunit(findings: readonly Finding[], rules: readonly RuleMeta[], suiteName: string, write: (s: string) => void): void {
  const byRule = new Map<string, Finding[]>();
  for (const f of findings) {
    const l = byRule.get(f.rule) ?? [];
    l.push(f);
    byRule.set(f.rule, l);
  }
  const lines = new PieceWriter(write);
  const failures = findings.length;
  lines.line('<?xml version="1.0" encoding="UTF-8"?>');
  lines.line(`<testsuites name="mip6scope" tests="${rules.length}" failures="${failures}">`);
  lines.line(`  <testsuite name="${xml(suiteName)}" tests="${rules.length}" failures="${failures}" errors="0" skipped="0">`);
  for (const m of rules) {
    const list = byRule.get(m.id) ?? [];
    const attrs = `classname="mip6scope.${xml(m.id.split('-')[0]!)}" name="${xml(m.id)}"`;
    if (list.length === 0) { lines.line(`    <testcase ${attrs}/>`); continue; }
    lines.line(`    <testcase ${attrs}>`);
    for (const f of list) {
      lines.line(`      <failure type="${f.severity}" message="${xml(`${f.file} frame ${f.frame}: ${f.message}`)}">${xml(`${f.spec}${f.flow ? `\nflow: ${f.flow}` : ''}\ntime: ${f.time}`)}</failure>`);
    }
    lines.line('    </testcase>');
  }
  lines.line('  </testsuite>');
  lines.line('</testsuites>');
  lines.end();
}
