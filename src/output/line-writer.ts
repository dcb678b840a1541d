/**
 * A report of many lines written in pieces of about a megabyte (lines.join('\n')
 * and a final newline, without the whole report as one string): lint's text and
 * JUnit reports, which with hundreds of thousands of findings ran to tens of
 * megabytes held twice over (the lines, then the joined text).
 */
const PIECE = 1 << 20;

export class LineWriter {
  private piece = '';

  constructor(private readonly write: (s: string) => void) {}

  line(s: string): void {
    this.piece += `${s}\n`;
    if (this.piece.length >= PIECE) this.flush();
  }

  /** Write what is left (call once, after the last line). */
  end(): void {
    this.flush();
  }

  private flush(): void {
    if (this.piece.length > 0) this.write(this.piece);
    this.piece = '';
  }
}

/** What a writer of `report` would write, as one string (for callers that want the text). */
export function collect(report: (write: (s: string) => void) => void): string {
  let out = '';
  report((s) => { out += s; });
  return out;
}
