/**
 * Random bodies under each draft MH type, random draft options, random VHAR and
 * VRRP payloads: dissection never throws and the Info line always formats.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DRAFT_MH_OPTIONS, DRAFT_MH_TYPES } from '../../../src/profile/defaults.js';
import { ADDR, dissect, dissectorFor, info, ip6, PROTO } from './helpers.js';

function check(packet: Uint8Array, vhar = true): void {
  const t = dissect(packet, dissectorFor(vhar ? {} : { vhar: false }));
  expect(typeof info(t)).toBe('string');
  for (const n of t.notes) expect(typeof n.text).toBe('string');
}

describe('draft dissectors never throw', () => {
  it('random message data under every draft MH type, Header Len matching or not', () => {
    fc.assert(fc.property(
      fc.constantFrom(...Object.values(DRAFT_MH_TYPES)), fc.integer({ min: 0, max: 14 }), fc.uint8Array({ maxLength: 120 }), fc.boolean(),
      (type, units, body, exact) => {
        const len = exact ? (units + 1) * 8 : 6 + body.length;
        const mh = new Uint8Array(len);
        mh.set(body.subarray(0, Math.max(0, len - 6)), 6);
        mh[0] = 59;
        mh[1] = units;
        mh[2] = type;
        check(ip6(ADDR.ha1, ADDR.ha2, PROTO.mh, mh));
      },
    ), { numRuns: 3000 });
  });

  it('draft options with random lengths and contents after each message\'s fixed part', () => {
    const fixed: Record<number, number> = { 248: 4, 249: 2, 250: 10, 251: 26, 252: 2, 253: 2, 254: 6, 255: 2 };
    fc.assert(fc.property(
      fc.constantFrom(...Object.values(DRAFT_MH_TYPES)),
      fc.array(fc.record({ type: fc.constantFrom(...Object.values(DRAFT_MH_OPTIONS), 6, 34, 0, 1), data: fc.uint8Array({ maxLength: 60 }) }), { maxLength: 5 }),
      (type, options) => {
        const parts: number[] = [59, 0, type, 0, 0, 0, ...new Array<number>(fixed[type]!).fill(1)];
        for (const o of options) parts.push(o.type, o.data.length, ...o.data);
        while (parts.length % 8) parts.push(0);
        parts[1] = parts.length / 8 - 1;
        check(ip6(ADDR.ha1, ADDR.ha2, PROTO.mh, Uint8Array.from(parts.slice(0, 2048))));
      },
    ), { numRuns: 2000 });
  });

  it('random ICMPv6 161-167 bodies, link-local or global, VHAR on or off', () => {
    fc.assert(fc.property(
      fc.integer({ min: 161, max: 167 }), fc.uint8Array({ maxLength: 200 }), fc.boolean(), fc.boolean(),
      (type, body, linkLocal, vhar) => {
        const m = new Uint8Array(4 + body.length);
        m[0] = type;
        m.set(body, 4);
        check(ip6(linkLocal ? ADDR.ll1 : ADDR.ha1, linkLocal ? ADDR.ll2 : ADDR.ha2, PROTO.icmpv6, m), vhar);
      },
    ), { numRuns: 2000 });
  });

  it('random VRRP packets', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 120 }), fc.boolean(), (body, v3) => {
      const m = Uint8Array.from(body);
      if (v3 && m.length > 0) m[0] = 0x31;
      check(ip6(ADDR.ll1, ADDR.vrrpGroup, PROTO.vrrp, m));
    }), { numRuns: 2000 });
  });
});
