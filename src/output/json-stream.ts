/**
 * A JSON document with one large array (the findings of a lint run: one element
 * per finding), written in pieces: exactly the text of JSON.stringify(doc, null, 2)
 * and a newline, but without the whole document as one string, or every
 * element's object, existing at once. A run with half a million findings wrote
 * SARIF of 445 MB and peaked at 2 GB of memory when the document was built and
 * stringified whole.
 */

import { PieceWriter } from './piece-writer.js';

/** The value to put in the document where the array goes (it stands in for the array while the rest is stringified). */
export const MARK_PLACE = '\u0000mip6scope-array\u0000';
const MARK_JSON = JSON.stringify(MARK_PLACE);

/**
 * Write JSON.stringify(doc, null, 2) + '\n' through `write`, `doc` holding
 * MARK_PLACE where the array goes: `count` elements, element(i) giving the i-th
 * (stringified as JSON.stringify would inside the array).
 */
export function writeJsonWithArray(doc: unknown, count: number, element: (i: number) => unknown, write: (s: string) => void): void {
  const text = JSON.stringify(doc, null, 2);
  const at = text.indexOf(MARK_JSON);
  if (at < 0 || text.indexOf(MARK_JSON, at + 1) >= 0) throw new Error('writeJsonWithArray: the document must hold the array mark once');
  // The array opens on its key's line; its elements go two spaces deeper than that line, its `]` level with it.
  const lineStart = text.lastIndexOf('\n', at) + 1;
  let depth = 0;
  while (text.charCodeAt(lineStart + depth) === 32) depth++;
  const inner = ' '.repeat(depth + 2);
  const out = new PieceWriter(write);
  out.text(text.slice(0, at));
  if (count === 0) {
    out.text('[]');
  } else {
    out.text('[\n');
    for (let i = 0; i < count; i++) {
      const json = JSON.stringify(element(i), null, 2) ?? 'null';
      out.text(inner + json.replaceAll('\n', `\n${inner}`) + (i + 1 < count ? ',\n' : '\n'));
    }
    out.text(`${' '.repeat(depth)}]`);
  }
  out.line(text.slice(at + MARK_JSON.length));
  out.end();
}
