import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MARK_PLACE, writeJsonWithArray } from '../../src/output/json-stream.js';
import { collect, PieceWriter } from '../../src/output/piece-writer.js';
import { formatFindingsJson } from '../../src/output/findings-json.js';
import { formatSarif } from '../../src/output/sarif.js';
import type { Finding, RuleMeta } from '../../src/analyze/types.js';

function written(doc: unknown, items: readonly unknown[]): { text: string; pieces: string[] } {
  const pieces: string[] = [];
  writeJsonWithArray(doc, items.length, (i) => items[i], (s) => pieces.push(s));
  return { text: pieces.join(''), pieces };
}

/** `doc` with the array put where the mark is (a copy). */
function withArray(doc: unknown, items: readonly unknown[]): unknown {
  return JSON.parse(JSON.stringify(doc), (_k, v: unknown) => (v === MARK_PLACE ? items : v));
}

// A document with the mark somewhere: at the top, in an object, in an array, nested.
const docWithMark: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  doc: fc.oneof(
    { depthSize: 'small' },
    fc.constant(MARK_PLACE),
    fc.tuple(fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }), fc.string({ maxLength: 6 }), tie('doc'))
      .map(([o, k, inner]) => ({ ...o, [k]: inner })),
    fc.tuple(fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }), fc.nat(3), tie('doc'))
      .map(([a, at, inner]) => { const b = [...a]; b.splice(Math.min(at, b.length), 0, inner); return b; }),
  ),
})).doc;

describe('writeJsonWithArray', () => {
  it('writes exactly JSON.stringify(document with the array, null, 2) and a newline', () => {
    fc.assert(fc.property(docWithMark, fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 8 }), (doc, items) => {
      expect(written(doc, items).text).toBe(`${JSON.stringify(withArray(doc, items), null, 2)}\n`);
    }), { numRuns: 500 });
  });

  it('writes a large array in pieces of about a megabyte, not as one string', () => {
    const items = Array.from({ length: 40_000 }, (_, i) => ({ frame: i, message: `finding ${i} of a long report`, flow: '2001:db8::1 → 2001:db8::2' }));
    const { text, pieces } = written({ findings: MARK_PLACE, summary: { total: items.length } }, items);
    expect(text).toBe(`${JSON.stringify({ findings: items, summary: { total: items.length } }, null, 2)}\n`);
    expect(pieces.length).toBeGreaterThan(3);
    expect(Math.max(...pieces.map((p) => p.length))).toBeLessThan((1 << 20) + 1000);
  });

  it('refuses a document without the mark, or with it twice', () => {
    expect(() => written({ a: 1 }, [])).toThrow(/mark once/);
    expect(() => written([MARK_PLACE, MARK_PLACE], [])).toThrow(/mark once/);
  });
});

describe('lint\'s JSON and SARIF reports', () => {
  const meta: RuleMeta[] = [
    { id: 'BU-BACKOFF', severity: 'warning', spec: 'RFC 6275 11.8', summary: 's', description: 'd', example: 'e' },
    { id: 'MH-RATE', severity: 'error', spec: 'RFC 6275 11.8', summary: 's2', description: 'd2', example: 'e2' },
  ];
  const findings: Finding[] = [
    { rule: 'MH-RATE', severity: 'error', frame: 7, file: 'a.pcapng', time: 1.5, message: 'too fast', spec: 'RFC 6275 11.8', flow: 'x → y' },
    { rule: 'OTHER', severity: 'info', frame: 0, file: 'a "b".pcapng', time: 2, message: 'line\nbreak', spec: '', flow: '' },
  ];

  it('are the documents they describe, stringified whole', () => {
    const json = JSON.parse(formatFindingsJson(findings, { files: ['a.pcapng'], packets: 9, rules: 2 })) as { findings: unknown[]; summary: { total: number } };
    expect(json.findings).toEqual(findings.map((f) => ({ rule: f.rule, severity: f.severity, frame: f.frame, file: f.file, time: f.time, message: f.message, spec: f.spec, flow: f.flow })));
    expect(json.summary.total).toBe(2);
    const sarifText = formatSarif(findings, meta, '0.1.0');
    const sarif = JSON.parse(sarifText) as { runs: { results: { ruleId: string; ruleIndex?: number; message: { text: string } }[] }[] };
    expect(sarifText).toBe(`${JSON.stringify(sarif, null, 2)}\n`);
    expect(sarif.runs[0]!.results.map((r) => [r.ruleId, r.ruleIndex, r.message.text])).toEqual([['MH-RATE', 1, 'too fast [x → y]'], ['OTHER', undefined, 'line\nbreak']]);
    for (const none of [formatFindingsJson([], { files: [], packets: 0, rules: 0 }), formatSarif([], meta, '0.1.0')]) expect(none).toMatch(/\[\]/);
  });
});

describe('PieceWriter', () => {
  it('writes exactly the lines joined by newlines, and a newline, in pieces of about a megabyte', () => {
    fc.assert(fc.property(fc.array(fc.string({ maxLength: 20 }), { maxLength: 50 }), (lines) => {
      const pieces: string[] = [];
      const w = new PieceWriter((s) => pieces.push(s));
      for (const l of lines) w.line(l);
      w.end();
      expect(pieces.join('')).toBe(lines.length ? `${lines.join('\n')}\n` : '');
      expect(collect((write) => { const x = new PieceWriter(write); for (const l of lines) x.line(l); x.end(); })).toBe(pieces.join(''));
    }));
    const pieces: string[] = [];
    const w = new PieceWriter((s) => pieces.push(s));
    for (let i = 0; i < 100_000; i++) w.line(`  warning  #${i}  a finding of a long report`);
    w.end();
    expect(pieces.length).toBeGreaterThan(2);
    expect(Math.max(...pieces.map((p) => p.length))).toBeLessThan((1 << 20) + 100);
  });
});
