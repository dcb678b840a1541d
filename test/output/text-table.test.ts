import Table from 'cli-table3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PLAIN_ROWS, plainText, TextTable } from '../../src/output/text-table.js';

/** The table as cli-table3 draws it in the reports' style. */
function library(head: string[], rows: string[][]): string {
  const t = new Table({ head, style: { head: [], border: [], compact: true } });
  t.push(...rows);
  return t.toString();
}

// Cells of the characters reports print: letters, digits, punctuation, spaces, arrows; empty ones too.
const cell = fc.string({ unit: fc.constantFrom('a', 'Z', '0', '9', ':', '.', ' ', '-', '(', ')', '→', '±', 'µ', '×', '–'), maxLength: 12 });

describe('TextTable', () => {
  it('draws a plain table byte for byte as cli-table3 does (head, rules, padding, rows of any length, no rows)', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 6 }).chain((n) => fc.tuple(
        fc.array(cell, { minLength: n, maxLength: n }),
        fc.array(fc.array(cell, { minLength: n, maxLength: n }), { maxLength: 30 }),
        // Now and then a row of another length (cli-table3's own layout then).
        fc.option(fc.array(cell, { maxLength: n + 1 }), { freq: 8 }),
      )),
      ([head, full, odd]) => {
        const rows = odd === null ? full : [...full, odd];
        // plainAbove -1: drawn here whatever the number of rows.
        const t = new TextTable(head, -1);
        // (rows of another length than the head's, which cli-table3 lays out its own way, are left to it)
        t.push(...rows);
        expect(t.toString()).toBe(library(head, rows));
      },
    ), { numRuns: 300 });
  });

  it('draws a large plain table itself, and a table with a cell it cannot measure through cli-table3', () => {
    const head = ['Home address', 'BU sent', 'Home agent'];
    const rows = Array.from({ length: PLAIN_ROWS + 50 }, (_, i) => [`2001:db8:1::${(0x1000 + i).toString(16)}`, String(i % 7), '2001:db8:1::a1']);
    const big = new TextTable(head);
    big.push(...rows);
    expect(big.toString()).toBe(library(head, rows));
    // A wide character takes two columns, a colour code none: cli-table3 measures them.
    for (const odd of ['漢字', '\u001b[31mred\u001b[39m', 'two\nlines']) {
      expect(plainText(odd)).toBe(false);
      const t = new TextTable(head);
      const withOdd = [...rows, [odd, '1', '2']];
      t.push(...withOdd);
      expect(t.toString()).toBe(library(head, withOdd));
    }
  });

  it('knows plain text', () => {
    expect(plainText('2001:db8::1 → 2001:db8::2 (±0.5 µs, 2×)')).toBe(true);
    expect(plainText('tab\there')).toBe(false);
    expect(plainText('\u00e9')).toBe(false);
  });
});
