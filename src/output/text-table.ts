/**
 * Tables of plain text for reports, drawn as cli-table3 draws them in the style
 * the reports use (compact: a rule under the head only; no colour).
 *
 * cli-table3 lays a table out in time that grows with the square of its rows,
 * besides some 0.1 ms a row: the stats of a capture of 20,000 mobile nodes
 * waited minutes for its table of mobile nodes (and 40,000 SAs). A table of more
 * than PLAIN_ROWS rows whose cells are all plain (see plainText) is therefore
 * drawn here, in one pass, byte for byte as cli-table3 draws it (a test compares
 * the two on random tables); any other table still goes to cli-table3, which
 * also knows wide characters, colour codes and line breaks in cells.
 */
import Table from 'cli-table3';

/** Rows from which a plain table is drawn here rather than by cli-table3. */
export const PLAIN_ROWS = 100;

/**
 * Whether `s` takes one column a character and one line: printable ASCII, and
 * the few one-column symbols reports use (arrows, dashes, ±, µ, ×).
 */
export function plainText(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c <= 0x7e) continue;
    if (c === 0x2192 || c === 0x2190 || c === 0x2013 || c === 0x2014 || c === 0xb1 || c === 0xb5 || c === 0xd7) continue;
    return false;
  }
  return true;
}

/** A table with a head row, filled row by row, drawn by toString(). */
export class TextTable {
  private readonly rows: string[][] = [];

  /** `plainAbove`: rows from which a plain table is drawn here (tests set it to compare both ways). */
  constructor(private readonly head: readonly string[], private readonly plainAbove = PLAIN_ROWS) {}

  push(...rows: readonly string[][]): void {
    for (const r of rows) this.rows.push([...r]);
  }

  toString(): string {
    if (this.rows.length > this.plainAbove && this.allPlain()) return this.draw();
    // No colour codes in the borders or head: reports are often piped or diffed (stats' tables stay plain).
    const t = new Table({ head: [...this.head], style: { head: [], border: [], compact: true } });
    for (const r of this.rows) t.push(r);
    return t.toString();
  }

  private allPlain(): boolean {
    if (!this.head.every(plainText)) return false;
    // A row of another length than the head's cli-table3 lays out its own way (cells spanning columns): left to it.
    for (const r of this.rows) if (r.length !== this.head.length || !r.every(plainText)) return false;
    return true;
  }

  /** cli-table3's drawing: each column as wide as its widest cell plus a space either side. */
  private draw(): string {
    const n = this.head.length;
    const widths = this.head.map((h) => h.length + 2);
    for (const r of this.rows) for (let c = 0; c < r.length; c++) if (r[c]!.length + 2 > widths[c]!) widths[c] = r[c]!.length + 2;
    const rule = (left: string, mid: string, right: string): string => left + widths.map((w) => '─'.repeat(w)).join(mid) + right;
    const line = (cells: readonly string[]): string => {
      let s = '│';
      for (let c = 0; c < n; c++) {
        const text = cells[c]!;
        s += ` ${text}${' '.repeat(widths[c]! - 1 - text.length)}│`;
      }
      return s;
    };
    const out: string[] = [rule('┌', '┬', '┐'), line(this.head)];
    if (this.rows.length > 0) out.push(rule('├', '┼', '┤'));
    for (const r of this.rows) out.push(line(r));
    out.push(rule('└', '┴', '┘'));
    return out.join('\n');
  }
}
