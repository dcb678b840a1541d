/**
 * A display filter that cannot be compiled: where (a column in the filter text),
 * why, and the names that come close, so the person can fix it without reading
 * the field list.
 */

export class FilterError extends Error {
  constructor(
    /** The whole filter text. */
    readonly text: string,
    /** 0-based column of the offending token (text.length: the filter ended too early). */
    readonly position: number,
    message: string,
    /** Field or value names close to what was typed, best first. */
    readonly suggestions: readonly string[] = [],
    /** Columns the offending token spans (for the underline). */
    readonly length = 1,
  ) {
    super(message);
    this.name = 'FilterError';
  }

  /**
   * The filter with a caret under the error and the suggestions, one item a line:
   * ready to print under the message (the CLI's usage-error hint).
   */
  get hint(): string {
    const lines = [this.text, `${' '.repeat(this.position)}^${'~'.repeat(Math.max(0, this.length - 1))}`];
    if (this.suggestions.length) lines.push(`did you mean: ${this.suggestions.join(', ')}?`);
    return lines.join('\n  ');
  }
}

/** Levenshtein distance, stopping early once it exceeds `limit`. */
export function editDistance(a: string, b: string, limit = Infinity): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let prev = new Array<number>(b.length + 1);
  let cur = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (cur[j]! < rowMin) rowMin = cur[j]!;
    }
    if (rowMin > limit) return limit + 1;
    [prev, cur] = [cur, prev];
  }
  return prev[b.length]!;
}

/**
 * Names close to `typed`: those it is a prefix of (the person stopped typing early),
 * then those within a few edits (typos), nearest first, at most `max`.
 */
export function closeNames(typed: string, names: Iterable<string>, max = 5): string[] {
  const t = typed.toLowerCase();
  // Short names need a near-exact hit; long dotted names tolerate more typos.
  const limit = Math.max(1, Math.min(3, Math.floor(t.length / 4)));
  const scored: { name: string; score: number }[] = [];
  for (const name of names) {
    const n = name.toLowerCase();
    if (n === t) {
      // Field names are lower case: "MIP6.MHTYPE" was meant as mip6.mhtype.
      if (name !== typed) scored.push({ name, score: -1 });
      continue;
    }
    if (t.length >= 2 && n.startsWith(t)) { scored.push({ name, score: n.length - t.length > 12 ? 0.9 : 0.5 }); continue; }
    const d = editDistance(t, n, limit);
    if (d <= limit) scored.push({ name, score: d });
  }
  scored.sort((x, y) => x.score - y.score || x.name.length - y.name.length || (x.name < y.name ? -1 : 1));
  return scored.slice(0, max).map((s) => s.name);
}
