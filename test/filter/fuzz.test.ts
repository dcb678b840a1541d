import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDissector } from '../../src/dissect/index.js';
import { compileFilter, FilterError } from '../../src/filter/index.js';
import { forEachPacket } from './helpers.js';

// Pieces people type, so random strings often parse and reach evaluation.
const PIECES = [
  'mip6', 'mip6.mhtype', 'mip6.has', 'mip6.bu.seqnr', 'mip6.ba.status', 'mip6.bu.a_flag', 'ipv6.addr', 'ipv6.src',
  'esp', 'esp.icv', 'esp.spi', 'mip6.has.address', 'ipv6.home_address', 'frame', 'mip6.opt', 'mip6.csum.status',
  '==', '!=', '~=', '===', '<', '>', '<=', '>=', 'eq', 'contains', 'in', 'not in', '{', '}', '..', '(', ')', '!', 'not',
  'and', 'or', '&&', '||', 'xor', '"', '"good"', '"a\\', '"Administratively prohibited"', 'true', '0x0c', '12', '-1', '1..5',
  '2001:db8:1::a1', '2001:db8:1::/48', '::/0', 'ba:4c', 'zz', ',', '=', '#', ' ', ' ', ' ',
  '[0:2]', '[-1]', '[3-1]', '[:4]', '[15:]', '[', ']', 'len(', 'count(', 'lower(', 'upper(', 'frame.comment',
  '+', '-', '*', '/', '%', '-mip6.bu.seqnr', 'ipv6.opt.type',
];

const filterText = fc.oneof(
  fc.array(fc.constantFrom(...PIECES), { maxLength: 12 }).map((a) => a.join(' ')),
  fc.array(fc.constantFrom(...PIECES), { maxLength: 12 }).map((a) => a.join('')),
  fc.string({ maxLength: 40 }),
);

// Well-formed filters built from the grammar, with values of every kind against fields of every kind
// (many still fail to compile, on type mismatches, which is part of what is tested).
const FIELDS = ['mip6', 'mip6.mhtype', 'mip6.bu.seqnr', 'mip6.ba.status', 'mip6.bu.a_flag', 'ipv6.addr', 'ipv6.dst', 'esp.icv',
  'esp.spi', 'mip6.has.address', 'ipv6.home_address', 'esp.icv.status', 'mip6.has', 'ipv6.opt', 'mip6.padn', 'eth.src', 'mip6.bra.interval'];
const VALUES = ['0', '1', '5', '12', '0xff', '129', 'true', 'false', '"good"', 'unchecked', '"Administratively prohibited"',
  '2001:db8:1::a1', '2001:db8:1::/48', '2001:db8:77::/48', '::/0', 'ba:4c:8b', '00:00', '"x"', '02:00:00:00:00:a1', '4294967295'];
const OPS = ['==', '!=', '~=', '===', '<', '>', '<=', '>=', 'contains'];
const SLICES = ['[0:2]', '[-1]', '[0-1]', '[:4]', '[8:]', '[15:2]', '[-2:]', '[0]'];
const FUNCTIONS = ['len', 'count', 'lower', 'upper'];
const test: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...FIELDS),
  fc.tuple(fc.constantFrom(...FIELDS, 'frame', 'frame.comment'), fc.constantFrom(...SLICES), fc.constantFrom(...OPS, 'matches'), fc.constantFrom(...VALUES, '"^a"'))
    .map(([f, s, o, v]) => `${f}${s} ${o} ${v}`),
  fc.tuple(fc.constantFrom(...FUNCTIONS), fc.constantFrom(...FIELDS, 'frame.comment'), fc.constantFrom(...OPS, 'matches'), fc.constantFrom(...VALUES, '"ha"'))
    .map(([fn, f, o, v]) => `${fn}(${f}) ${o} ${v}`),
  fc.tuple(fc.constantFrom(...FIELDS), fc.constantFrom(...OPS), fc.constantFrom(...VALUES)).map((t) => t.join(' ')),
  fc.tuple(fc.constantFrom(...FIELDS), fc.array(fc.constantFrom(...VALUES, '1..5', '100..200'), { minLength: 1, maxLength: 3 }))
    .map(([f, vs]) => `${f} in {${vs.join(' ')}}`),
  fc.tuple(fc.constantFrom(...FIELDS), fc.array(fc.constantFrom(...VALUES, '1..5'), { minLength: 1, maxLength: 3 }))
    .map(([f, vs]) => `${f} not in {${vs.join(', ')}}`),
  // Arithmetic on either side, grouped or not (values of every kind: most of those fail on types).
  fc.tuple(fc.constantFrom(...FIELDS, 'ipv6.opt.type', 'count(ipv6.addr)', 'len(esp.icv)'), fc.constantFrom('+', '-', '*', '/', '%'),
    fc.constantFrom(...VALUES, 'mip6.bu.seqnr', '0', '-3', '{mip6.hlen * 2}'), fc.constantFrom(...OPS), fc.constantFrom(...VALUES, 'mip6.hlen + 1', '{-mip6.hlen}'),
    fc.boolean())
    .map(([f, a, x, o, v, grouped]) => (grouped ? `{${f} ${a} ${x}} ${o} ${v}` : `${f} ${a} ${x} ${o} ${v}`)),
);
const { expr } = fc.letrec<{ expr: string }>((tie) => ({
  expr: fc.oneof({ depthSize: 'small', withCrossShrink: true },
    test,
    fc.tuple(tie('expr'), fc.constantFrom('and', 'or', '&&', '||', 'xor'), tie('expr')).map(([a, o, b]) => `${a} ${o} ${b}`),
    tie('expr').map((a) => `not (${a})`),
    tie('expr').map((a) => `!${a}`),
  ),
}));

describe('display filter fuzzing', () => {
  createDissector();

  it('compiling throws only FilterError, with a position inside the text', () => {
    fc.assert(fc.property(fc.oneof(filterText, expr), (text) => {
      try {
        compileFilter(text);
      } catch (e) {
        if (!(e instanceof FilterError)) throw e;
        expect(e.position).toBeGreaterThanOrEqual(0);
        expect(e.position).toBeLessThanOrEqual(text.length);
        expect(e.hint.startsWith(text)).toBe(true);
      }
    }), { numRuns: 3000 });
  });

  it('matching never throws and a filter agrees with its negation', () => {
    const compiled = fc.sample(fc.oneof(expr, filterText), 4000).flatMap((text) => {
      try { return [compileFilter(text)]; } catch { return []; }
    });
    expect(compiled.length).toBeGreaterThan(100);
    const negations = compiled.map((f) => compileFilter(`not (${f.text})`));
    for (const sample of ['registration-and-switch.pcapng', 'hard-switch-failover.pcapng', 'bad-options.pcapng', 'bad-esp.pcapng']) {
      forEachPacket(sample, (tree) => {
        for (let k = 0; k < compiled.length; k++) {
          expect(compiled[k]!.match(tree)).toBe(!negations[k]!.match(tree));
        }
      });
    }
  });
});
