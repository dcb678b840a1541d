import { describe, expect, it } from 'vitest';
import type { Finding, RuleMeta } from '../../src/analyze/types.js';
import { formatFindingsText } from '../../src/output/findings-text.js';

describe('findings as text at scale', () => {
  it('reports hundreds of thousands of findings of one rule beside another rule, with the timeline (no argument-list overflow)', () => {
    const catalog: RuleMeta[] = [
      { id: 'BU-UNANSWERED', severity: 'warning', spec: 'RFC 6275 11.8', summary: 'unanswered', description: 'd', example: 'e' },
      { id: 'HAS-RATE', severity: 'error', spec: 'RFC 5142 8', summary: 'too fast', description: 'd', example: 'e' },
    ];
    const n = 300_000;
    const findings: Finding[] = [];
    for (let i = 0; i < n; i++) findings.push({ rule: i % 2 ? 'BU-UNANSWERED' : 'HAS-RATE', severity: i % 2 ? 'warning' : 'error', frame: i + 1, file: 'a.pcapng', time: i, message: `m${i}`, spec: '', flow: '' });
    const text = formatFindingsText(findings, catalog, { timeline: true, start: 0 });
    const lines = text.split('\n');
    // The worse rule first; every finding listed once under its rule, the HAS ones again in the timeline.
    expect(lines[0]).toMatch(/^HAS-RATE /);
    expect(lines.filter((l) => /^  (error|warning) /.test(l)).length).toBe(n);
    expect(lines.filter((l) => /HAS-RATE: m\d+$/.test(l)).length).toBe(n / 2);
    expect(text).toMatch(/│ total\s+│ 150000\s+│ 150000\s+│ 0\s+│/);
  });
});
