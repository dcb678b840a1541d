import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSaText } from '../../src/esp/load.js';
import { guessEspNull, openEsp } from '../../src/esp/open.js';
import { ENC_INFO, AUTH_INFO, type AuthAlgorithm, type EncAlgorithm, type SecurityAssociation } from '../../src/esp/sa.js';
import { saFor, vectors } from './helpers.js';

const encs = Object.keys(ENC_INFO) as EncAlgorithm[];
const auths = Object.keys(AUTH_INFO) as AuthAlgorithm[];

/** Any SA at all, including keys of the wrong size and combinations checkSaKeys would refuse. */
const anySa = fc.record({
  enc: fc.constantFrom(...encs),
  auth: fc.constantFrom(...auths),
  encKey: fc.uint8Array({ maxLength: 40 }),
  authKey: fc.uint8Array({ maxLength: 70 }),
  esn: fc.boolean(),
}).map((r): SecurityAssociation => ({
  spi: 0x1000, src: null, dst: null, enc: r.enc, auth: r.auth, encKey: Buffer.from(r.encKey), authKey: Buffer.from(r.authKey),
  esn: r.esn, replayWindow: 32, origin: { file: 'fuzz', line: 0 },
}));

describe('fuzz', () => {
  it('openEsp never throws, whatever the SA and bytes', () => {
    fc.assert(fc.property(anySa, fc.uint8Array({ maxLength: 200 }), fc.option(fc.integer({ min: -5, max: 2 ** 33 })), (sa, bytes, high) => {
      const r = openEsp(sa, bytes, high ?? undefined);
      // Whatever happened is either a result or a stated problem.
      expect(r.decrypted || r.problem !== null).toBe(true);
      if (r.plaintext) expect(r.plaintext.length).toBeLessThanOrEqual(bytes.length);
    }), { numRuns: 3000 });
  });

  it('openEsp never throws on damaged real packets, and never reports good for a changed one', () => {
    fc.assert(fc.property(fc.constantFrom(...vectors), fc.nat(), fc.integer({ min: 1, max: 255 }), fc.nat({ max: 40 }), (v, pos, xor, cut) => {
      const pkt = Buffer.from(v.packet, 'hex');
      const i = pos % pkt.length;
      pkt[i]! ^= xor;
      const r = openEsp(saFor(v), pkt.subarray(0, Math.max(0, pkt.length - cut)), v.seqHigh);
      expect(r.icvStatus).not.toBe('good');
    }), { numRuns: 2000 });
  });

  it('guessEspNull never throws and only accepts consistent layouts', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 120 }), fc.array(fc.integer({ min: -4, max: 300 }), { maxLength: 6 }), (bytes, lengths) => {
      const g = guessEspNull(bytes, lengths, () => true);
      if (g) {
        const end = bytes.length - g.icvLength;
        expect(bytes[end - 2]).toBe(g.padLength);
        expect(bytes[end - 1]).toBe(g.nextHeader);
        expect(end - 2 - g.padLength).toBeGreaterThanOrEqual(8);
      }
    }), { numRuns: 3000 });
  });

  it('the loaders never throw on arbitrary text', () => {
    const line = fc.oneof(
      fc.string({ maxLength: 80 }),
      fc.constantFrom('src 1.2.3.4 dst 5.6.7.8', '\tproto esp spi 0x1000', '\tenc cbc(aes)', '\taead rfc4106(gcm(aes)) 0x00 x', '"IPv6","*"', '0x1000@::1 none-hmac96:', 'flag esn'),
    );
    fc.assert(fc.property(fc.array(line, { maxLength: 12 }), (lines) => {
      const r = parseSaText(lines.join('\n'), 'fuzz');
      expect(Array.isArray(r.sas) && Array.isArray(r.errors)).toBe(true);
    }), { numRuns: 2000 });
  });
});
