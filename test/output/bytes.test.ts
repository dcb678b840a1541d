/** The byte writers give exactly the bytes of the string formatters they replace. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ipv4ToString, ipv6ToString, macToString, toHex } from '../../src/dissect/format.js';
import {
  Chunk, copyEarlier, CountingNumber, writeChunk, writeEpochTime, writeFixed6, writeHex, writeIpv4, writeIpv6, writeJsonNumber,
  writeJsonString, writeMac, writeNumber, writeNumberPadded, writeUtf8,
} from '../../src/output/bytes.js';

const out = Buffer.alloc(1 << 16);
const view = new DataView(out.buffer, out.byteOffset, out.byteLength);

/** The text a writer put at the start of `out`. */
function text(write: (b: Buffer, p: number) => number): string {
  return out.toString('utf8', 0, write(out, 0));
}

/** Numbers near the edges: halves of a microsecond, powers of two, ulp neighbours. */
const awkwardNumbers = fc.oneof(
  fc.double({ noNaN: false }),
  fc.double({ min: 0, max: 1e10 }),
  fc.integer({ min: 0, max: 2e9 }).chain((us) => fc.constantFrom(-1, 0, 1).map((d) => (us + 0.5) / 1e6 + d * 1e-12)),
  fc.tuple(fc.integer({ min: 0, max: 1e9 }), fc.integer({ min: -4, max: 4 })).map(([us, k]) => {
    let x = (us + 0.5) / 1e6;
    for (let i = 0; i < Math.abs(k); i++) x = k > 0 ? nextUp(x) : nextDown(x);
    return x;
  }),
  fc.integer({ min: -60, max: 60 }).map((e) => 2 ** e),
  fc.constantFrom(0, -0, 0.0000005, 0.0000015, 1.0000005, 2.5e-7, 9e9, 8.999999999e9, 1e21, -1e-9, Infinity, -Infinity, NaN, Number.MAX_SAFE_INTEGER, 2 ** 53, 2 ** 31, 2 ** 31 - 1, -(2 ** 31)),
);

function nextUp(x: number): number {
  const b = new DataView(new ArrayBuffer(8));
  b.setFloat64(0, x);
  b.setBigUint64(0, b.getBigUint64(0) + (x >= 0 ? 1n : -1n));
  return b.getFloat64(0);
}
function nextDown(x: number): number {
  return -nextUp(-x);
}

describe('numbers', () => {
  it('writeFixed6 is toFixed(6).padStart(width)', () => {
    fc.assert(fc.property(awkwardNumbers, fc.integer({ min: 0, max: 14 }), (x, w) => {
      expect(text((b, p) => writeFixed6(b, p, x, w))).toBe(x.toFixed(6).padStart(w));
    }), { numRuns: 50_000 });
  });

  it('writeFixed6 on packet times relative to the first (what summaryLine prints)', () => {
    const ts = fc.tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 999_999_999 }));
    fc.assert(fc.property(ts, ts, fc.boolean(), ([s0, n0], [s1, n1], micro) => {
      if (micro) { n0 -= n0 % 1000; n1 -= n1 % 1000; }
      const first = s0 + n0 / 1e9;
      const x = (s1 + n1 / 1e9) - first;
      expect(text((b, p) => writeFixed6(b, p, x, 11))).toBe(x.toFixed(6).padStart(11));
    }), { numRuns: 50_000 });
  });

  it('writeEpochTime is String(sec + nsec / 1e9)', () => {
    const nsec = fc.oneof(
      fc.integer({ min: 0, max: 999_999_999 }),
      fc.integer({ min: 0, max: 999_999 }).map((u) => u * 1000),
      fc.integer({ min: 0, max: 999 }).map((m) => m * 1_000_000),
      fc.integer({ min: 0, max: 9 }).map((d) => d * 100_000_000),
      fc.constantFrom(0, 1, 999_999_999, 999_999_000, 500, 999_999_500),
    );
    const sec = fc.oneof(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 1_700_000_000, max: 1_800_000_000 }),
      fc.integer({ min: 0, max: 32 }).chain((e) => fc.constantFrom(2 ** e - 1, 2 ** e, 2 ** e + 1)), fc.constantFrom(0, 1, 2 ** 32, 2 ** 40));
    fc.assert(fc.property(sec, nsec, (s, n) => {
      const t = s + n / 1e9;
      expect(text((b, p) => writeEpochTime(b, p, s, n, t))).toBe(String(t));
    }), { numRuns: 100_000 });
  });

  it('writeNumber is String(v), writeJsonNumber JSON.stringify(v), writeNumberPadded String(v).padStart(w)', () => {
    const n = fc.oneof(awkwardNumbers, fc.integer(), fc.integer({ min: 0, max: 0xffffffff }), fc.maxSafeInteger());
    fc.assert(fc.property(n, fc.integer({ min: 0, max: 12 }), (v, w) => {
      expect(text((b, p) => writeNumber(b, p, v))).toBe(String(v));
      expect(text((b, p) => writeJsonNumber(b, p, v))).toBe(JSON.stringify(v));
      expect(text((b, p) => writeNumberPadded(b, p, v, w))).toBe(String(v).padStart(w));
    }), { numRuns: 20_000 });
  });
});

describe('CountingNumber', () => {
  it('is String(v).padStart(w) for runs of consecutive numbers, jumps and odd values', () => {
    const step = fc.oneof(
      { weight: 8, arbitrary: fc.constant(1) },
      { weight: 1, arbitrary: fc.integer({ min: -5, max: 1000 }) },
    );
    const start = fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.constantFrom(9, 99, 999_999, 1e15 - 3, 2 ** 53 - 2, -3, 0.5, NaN));
    fc.assert(fc.property(start, fc.array(step, { maxLength: 60 }), fc.integer({ min: 0, max: 8 }), (v0, steps, w) => {
      const c = new CountingNumber();
      let v = v0;
      for (const d of [0, ...steps]) {
        v += d;
        expect(text((b, p) => c.write(b, p, v, w))).toBe(String(v).padStart(w));
      }
    }), { numRuns: 3000 });
  });
});

describe('addresses and bytes', () => {
  // Addresses with runs of zero groups in every place, IPv4-mapped ones, and a few bytes past the end.
  const group = fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 0, max: 0xffff }), fc.constantFrom(0xffff, 1, 0x10, 0x100, 0x1000));
  const ipv6 = fc.oneof(
    fc.array(group, { minLength: 8, maxLength: 8 }).map((gs) => { const b = Buffer.alloc(16); gs.forEach((g, i) => b.writeUInt16BE(g, 2 * i)); return b; }),
    fc.uint8Array({ minLength: 4, maxLength: 4 }).map((v4) => Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...v4])),
    fc.uint8Array({ minLength: 16, maxLength: 16 }),
  );

  it('writeIpv6 is ipv6ToString', () => {
    fc.assert(fc.property(fc.array(ipv6, { minLength: 1, maxLength: 20 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: -2, max: 0 }), (addrs, lead, cut) => {
      for (const a of addrs) {
        const b = Buffer.concat([Buffer.alloc(lead, 0xee), a]).subarray(0, lead + 16 + cut); // cut < 0: truncated
        expect(text((o, p) => writeIpv6(o, view, p, b, lead))).toBe(ipv6ToString(b, lead));
      }
    }), { numRuns: 5000 });
  });

  it('writeIpv4, writeMac and writeHex are ipv4ToString, macToString and toHex', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 40 }), fc.integer({ min: 0, max: 44 }), fc.integer({ min: 0, max: 50 }), (bytes, o, len) => {
      const b = Buffer.from(bytes);
      expect(text((x, p) => writeIpv4(x, p, b, o))).toBe(ipv4ToString(b, o));
      expect(text((x, p) => writeMac(x, p, b, o))).toBe(macToString(b, o));
      expect(text((x, p) => writeHex(x, p, b, o, len))).toBe(toHex(b, o, len));
    }), { numRuns: 5000 });
  });
});

describe('strings', () => {
  const str = fc.oneof(
    fc.string({ maxLength: 60 }),
    fc.string({ unit: 'binary', maxLength: 30 }),
    fc.string({ unit: 'grapheme', maxLength: 30 }),
    fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 20 }).map((cs) => String.fromCharCode(...cs)), // lone surrogates too
    fc.constantFrom('', '"', '\\', '\n', '\u007f', '\u2028', '\ud800', '\udc00x', 'a\u0000b', '→', '😀'),
  );

  it('writeJsonString is JSON.stringify in UTF-8, writeUtf8 is Buffer.from', () => {
    fc.assert(fc.property(str, (s) => {
      expect(Buffer.from(out.subarray(0, writeJsonString(out, 0, s)))).toEqual(Buffer.from(JSON.stringify(s), 'utf8'));
      expect(Buffer.from(out.subarray(0, writeUtf8(out, 0, s)))).toEqual(Buffer.from(s, 'utf8'));
    }), { numRuns: 20_000 });
  });

  it('copyEarlier copies text written before, whatever its length and distance', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), fc.nat({ max: 9 }), fc.nat({ max: 8 }), (bytes, from, gap) => {
      out.fill(0xaa, 0, 256);
      out.set(bytes, from);
      const p = from + bytes.length + gap;
      expect(copyEarlier(view, p, from, bytes.length)).toBe(p + bytes.length);
      expect(Buffer.from(out.subarray(p, p + bytes.length))).toEqual(Buffer.from(bytes));
      expect(Buffer.from(out.subarray(from, from + bytes.length))).toEqual(Buffer.from(bytes));
    }), { numRuns: 3000 });
  });

  it('a Chunk writes its bytes, whatever the length', () => {
    fc.assert(fc.property(str, fc.integer({ min: 0, max: 7 }), (s, at) => {
      const c = Chunk.of(s);
      expect(writeChunk(view, at, c)).toBe(at + c.length);
      expect(Buffer.from(out.subarray(at, at + c.length))).toEqual(Buffer.from(s, 'utf8'));
    }), { numRuns: 5000 });
  });
});
