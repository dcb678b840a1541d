/**
 * The tree arena's bookkeeping: first- and last-before-occurrence lookups (indexed lazily), flags and
 * buffer indexes cleared between packets, overflow, the flag and subtree helpers,
 * and the checksum sums. Each is checked against the plain definition it replaces.
 */
import { describe, expect, it } from 'vitest';
import { allFields, type FieldDef } from '../../src/dissect/fields.js';
import { FieldSet, ItemFlag, Tree } from '../../src/dissect/tree.js';
import { onesSum } from '../../src/dissect/checksum.js';
import '../../src/dissect/index.js';

const defs = allFields().slice(0, 40);
const DATA = new Uint8Array(64);

/** A small deterministic generator, so failures can be replayed. */
function rng(seed: number): (n: number) => number {
  let s = seed;
  return (n) => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s % n;
  };
}

/** first() by its definition: a scan from the start. */
function firstByScan(tree: Tree, def: FieldDef): number {
  for (let i = 0; i < tree.count; i++) if (tree.field[i] === def.id) return i;
  return -1;
}

describe('Tree', () => {
  it('first(), num() and has() agree with a scan, also when asked mid-packet and across packets', () => {
    const r = rng(1);
    for (const capacity of [2048, 7, 30]) {
      const tree = new Tree(capacity);
      for (let packet = 0; packet < 100; packet++) {
        tree.reset(DATA);
        const ops = r(60);
        for (let k = 0; k < ops; k++) {
          if (r(4) === 0) {
            const d = defs[r(defs.length)]!;
            expect(tree.first(d)).toBe(firstByScan(tree, d));
          } else {
            tree.add(-1, defs[r(defs.length)]!, 0, k, 1, k);
          }
        }
        for (const d of defs) {
          const i = firstByScan(tree, d);
          expect(tree.first(d)).toBe(i);
          expect(tree.has(d)).toBe(i >= 0);
          expect(tree.num(d, -9)).toBe(i >= 0 ? tree.value[i] : -9);
        }
      }
    }
  });

  it('lastBefore() finds what a scan from the start finds: the last occurrence before the item, -1 when none', () => {
    const r = rng(3);
    const few = defs.slice(0, 5);
    const tree = new Tree(2048);
    for (let packet = 0; packet < 200; packet++) {
      tree.reset(DATA);
      const n = r(40);
      for (let k = 0; k < n; k++) tree.add(-1, few[r(few.length)]!, 0, k, 1, k);
      for (const d of few) {
        for (let before = 0; before <= n + 1; before++) {
          let last = -1;
          for (let i = 0; i < Math.min(before, tree.count); i++) if (tree.field[i] === d.id) last = i;
          expect(tree.lastBefore(d, before)).toBe(last);
        }
      }
      // A field no dissector declares is nowhere.
      expect(tree.lastBefore(undefined, n)).toBe(-1);
    }
  });

  it('clears flags and buffer indexes between packets', () => {
    const tree = new Tree();
    tree.reset(DATA);
    tree.addGenerated(-1, defs[0]!, 5, 2, 0, 0);
    const h = tree.add(-1, defs[1]!, 1, 0, 4);
    tree.flags[h] |= ItemFlag.Hidden;
    tree.reset(DATA);
    const a = tree.add(-1, defs[2]!, 0, 0, 4, 1);
    const b = tree.add(-1, defs[3]!, 0, 4, 4);
    expect([tree.flags[a], tree.flags[b], tree.buf[a], tree.buf[b]]).toEqual([0, 0, 0, 0]);
    expect(tree.value[b]).toBe(0);
  });

  it('notes an overflow once and ignores what does not fit', () => {
    const tree = new Tree(3);
    tree.reset(DATA);
    const got = [0, 1, 2, 3, 4].map((k) => tree.add(-1, defs[k]!, 0, k, 1));
    expect(got).toEqual([0, 1, 2, -1, -1]);
    expect(tree.addGenerated(0, defs[5]!, 1)).toBe(-1);
    expect(tree.overflow).toBe(true);
    expect(tree.notes.map((n) => n.group)).toEqual(['tree.overflow']);
    tree.reset(DATA);
    expect(tree.overflow).toBe(false);
    expect(tree.notes).toEqual([]);
  });

  it('addFlags adds what an add() per flag would, up to an overflow', () => {
    const flagDefs = defs.slice(10, 16);
    const masks = [0x80, 0x40, 0x20, 0x10, 0x08, 0x04];
    for (const capacity of [2048, 4, 9]) {
      const a = new Tree(capacity);
      const b = new Tree(capacity);
      for (const word of [0, 0xa5, 0xff]) {
        a.reset(DATA);
        b.reset(DATA);
        for (const t of [a, b]) t.add(-1, defs[0]!, 0, 0, 2);
        a.addFlags(0, flagDefs, masks, 1, 6, 2, word);
        flagDefs.forEach((d, k) => b.add(0, d, 1, 6, 2, (word & masks[k]!) !== 0 ? 1 : 0));
        expect(a.count).toBe(b.count);
        expect(a.overflow).toBe(b.overflow);
        for (let i = 0; i < a.count; i++) {
          expect([a.field[i], a.parent[i], a.buf[i], a.start[i], a.length[i], a.value[i], a.flags[i]])
            .toEqual([b.field[i], b.parent[i], b.buf[i], b.start[i], b.length[i], b.value[i], b.flags[i]]);
        }
      }
    }
  });

  it('firstsWithin finds what firstWithin finds, for every field of the set', () => {
    const set = defs.slice(20, 26);
    const fieldSet = new FieldSet(set);
    const r = rng(7);
    const tree = new Tree();
    for (let packet = 0; packet < 200; packet++) {
      tree.reset(DATA);
      const n = 1 + r(40);
      for (let k = 0; k < n; k++) tree.add(r(k + 1) - 1, r(2) === 0 ? set[r(set.length)]! : defs[r(defs.length)]!, 0, k, 1);
      for (const root of [-1, 0, r(n), r(n)]) {
        const found = [...tree.firstsWithin(root, fieldSet)];
        expect(found).toEqual(set.map((d) => tree.firstWithin(d, root)));
      }
    }
  });

  it('a FieldSet refuses the same field twice', () => {
    expect(() => new FieldSet([defs[0]!, defs[0]!])).toThrow(/twice/);
  });
});

describe('onesSum', () => {
  /** Word by word, the definition. */
  function plain(b: Uint8Array, off: number, len: number, sum: number): number {
    let s = sum;
    const end = off + len - 1;
    let i = off;
    for (; i < end; i += 2) s += (b[i]! << 8) | b[i + 1]!;
    if (i === end) s += b[i]! << 8;
    if (s > 0x7fffffff) s = (s & 0xffff) + Math.floor(s / 65536);
    return s;
  }

  it('equals the word-by-word sum, for odd and even lengths and past its internal chunks', () => {
    const r = rng(3);
    const big = new Uint8Array(300_000).map(() => r(256));
    const ones = new Uint8Array(300_000).fill(0xff);
    for (const b of [big, ones]) {
      for (const len of [0, 1, 2, 3, 4, 5, 39, 40, 65_535, 65_536, 65_537, 131_072, 131_073, 299_990]) {
        for (const off of [0, 1, 5]) {
          for (const sum of [0, 12_345]) expect(onesSum(b, off, len, sum)).toBe(plain(b, off, len, sum));
        }
      }
    }
  });
});
