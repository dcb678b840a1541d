/**
 * A long report written in pieces of about a megabyte, without the whole report
 * as one string: lint's text and JUnit reports (line by line: lines.join('\n')
 * and a final newline) and its JSON and SARIF reports (json-stream.ts), which
 * with hundreds of thousands of findings ran to tens or hundreds of megabytes.
 */
const PIECE = 1 << 20;

export class PieceWriter {
  private piece = '';

  constructor(private readonly write: (s: string) => void) {}

  text(s: string): void {
    this.piece += s;
    if (this.piece.length >= PIECE) this.flush();
  }

  line(s: string): void {
    this.text(`${s}\n`);
  }

  /** Write what is left (call once, after the last piece of text). */
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
