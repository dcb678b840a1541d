/**
 * Random bytes as a Mobility Header under a valid IPv6 header: dissection never
 * throws, always yields a mip6 item, and the Info line can always be formatted.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fieldByAbbrev } from '../../../src/dissect/fields.js';
import { dissect, info, overIpv6 } from './helpers.js';

const MIP6 = fieldByAbbrev('mip6')!;

function check(payload: Uint8Array): void {
  const t = dissect(overIpv6(payload));
  expect(t.first(MIP6)).toBeGreaterThanOrEqual(0);
  expect(typeof info(t)).toBe('string');
}

describe('Mobility Header fuzzing', () => {
  it('arbitrary bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 0, maxLength: 160 }), (b) => check(b)), { numRuns: 3000 });
  });
  it('a plausible header (proto 59, a known type, Header Len matching) over random message data', () => {
    const types = [0, 1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 13, 16, 99];
    fc.assert(fc.property(
      fc.constantFrom(...types), fc.integer({ min: 0, max: 12 }), fc.uint8Array({ minLength: 0, maxLength: 104 }), fc.boolean(),
      (type, units, body, exact) => {
        const len = (units + 1) * 8;
        const mh = new Uint8Array(exact ? len : Math.min(len, 6 + body.length));
        mh.set(body.subarray(0, Math.max(0, mh.length - 6)), 6);
        mh[0] = 59;
        mh[1] = units;
        mh[2] = type;
        check(mh);
      },
    ), { numRuns: 3000 });
  });
});
