/** Dissect captures and crafted packets and run filters over them. */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openCapture } from '../../src/capture/open.js';
import { createDissector, dissectFrame, type DissectContext } from '../../src/dissect/index.js';
import type { Tree } from '../../src/dissect/tree.js';
import { compileFilter } from '../../src/filter/index.js';

export const SAMPLES = resolve(fileURLToPath(new URL('../../', import.meta.url)), 'samples');

/** Call `each` with every dissected packet of a sample capture (the tree is reused). */
export function forEachPacket(sample: string, each: (tree: Tree, frame: number, ctx: DissectContext) => void): void {
  const ctx = createDissector();
  const r = openCapture(resolve(SAMPLES, sample));
  try {
    for (let f = r.next(); f; f = r.next()) {
      dissectFrame(ctx, f);
      each(ctx.tree, f.number, ctx);
    }
  } finally {
    r.close();
  }
}

/** Frame numbers of a sample that pass a filter. */
export function matching(sample: string, filter: string): number[] {
  createDissector(); // value names of MH types come from the profile in force
  const f = compileFilter(filter);
  const out: number[] = [];
  forEachPacket(sample, (tree, n) => { if (f.match(tree)) out.push(n); });
  return out;
}

/** Dissect one raw IPv6 packet (LINKTYPE_IPV6). */
export function dissectBytes(data: Uint8Array, ctx = createDissector()): Tree {
  dissectFrame(ctx, { number: 1, tsSec: 0, tsNsec: 0, linktype: 229, caplen: data.length, len: data.length, data, interfaceId: 0, comments: null });
  return ctx.tree;
}
