/**
 * What lint's analyzing thread loads: the engine, the rules, the ring and the
 * facts codec, and no dissection code (it is given facts, never packets), so it
 * starts in half the time a thread loading the dissectors took. Checked on the
 * sources' import graph from the thread's module (`import type` is erased).
 */
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = fileURLToPath(new URL('../../src/', import.meta.url));

/** Every source module `entry` loads, as paths relative to src/. */
function loadedFrom(entry: string): Set<string> {
  const seen = new Set<string>();
  const todo = [join(src, entry)];
  while (todo.length > 0) {
    const file = todo.pop()!;
    const rel = relative(src, file);
    if (seen.has(rel)) continue;
    seen.add(rel);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/^\s*(import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s+)?['"](\.{1,2}\/[^'"]+)['"]/gm)) {
      if (m[2]) continue;
      todo.push(join(dirname(file), m[3]!.replace(/\.js$/, '.ts')));
    }
  }
  return seen;
}

describe('the analyzing thread', () => {
  it('loads the engine and the rules but no dissector, capture reader or output writer', () => {
    const loaded = loadedFrom('cli/analyze-worker.ts');
    expect(loaded).toContain('analyze/engine-core.ts');
    expect(loaded).toContain('analyze/rules/index.ts');
    expect(loaded).toContain('analyze/wire.ts');
    const allowed = new Set(['dissect/bytes.ts', 'dissect/format.ts', 'dissect/mh/ba-status.ts']);
    const heavy = [...loaded].filter((m) => /^(dissect|capture|output)\//.test(m) && !allowed.has(m));
    expect(heavy).toEqual([]);
  });

  it('the check sees a dissector where one is loaded (a lint on one thread loads them all)', () => {
    const loaded = loadedFrom('cli/lint.ts');
    expect(loaded).toContain('dissect/index.ts');
    expect(loaded).toContain('dissect/mh/rfc6275.ts');
  });
});
