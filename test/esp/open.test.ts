import { describe, expect, it } from 'vitest';
import { DEFAULT_ICV_LENGTHS, encAvailable, guessEspNull, guessEspNullAt, icvCandidates, openEsp } from '../../src/esp/open.js';
import { hex, saFor, vectors } from './helpers.js';

describe('openEsp on the generated vectors', () => {
  it('covers every transform', () => {
    const encs = new Set(vectors.map((v) => v.enc));
    const auths = new Set(vectors.map((v) => v.auth));
    expect([...encs].sort()).toEqual(['3des-cbc', 'aes-cbc', 'aes-ctr', 'aes-gcm-12', 'aes-gcm-16', 'aes-gcm-8', 'null']);
    expect([...auths].sort()).toEqual(['hmac-md5-96', 'hmac-sha1-96', 'hmac-sha256-128', 'hmac-sha384-192', 'hmac-sha512-256', 'null']);
  });

  for (const v of vectors) {
    it(`opens ${v.name}`, () => {
      const r = openEsp(saFor(v), Buffer.from(v.packet, 'hex'), v.seqHigh);
      expect(r.problem).toBeNull();
      expect(r.decrypted).toBe(true);
      expect(hex(r.plaintext)).toBe(v.plaintext);
      expect(r.nextHeader).toBe(v.nextHeader);
      expect(r.padLength).toBe(v.padLength);
      expect(r.padOk).toBe(true);
      expect(r.ivLength).toBe(v.ivLength);
      expect(r.icvLength).toBe(v.icvLength);
      const integrity = v.auth !== 'null' || v.enc.startsWith('aes-gcm');
      expect(r.icvStatus).toBe(integrity ? 'good' : 'unchecked');
    });

    const integrity = v.auth !== 'null' || v.enc.startsWith('aes-gcm');
    if (!integrity) continue;

    it(`${v.name}: any flipped bit gives a bad ICV and no plaintext`, () => {
      const pkt = Buffer.from(v.packet, 'hex');
      // Header, IV, body and ICV all count (RFC 4303 3.3.2: the ICV covers SPI onwards).
      for (const at of [0, 5, 8, Math.floor(pkt.length / 2), pkt.length - v.icvLength - 1, pkt.length - 1]) {
        const bad = Buffer.from(pkt);
        bad[at]! ^= 0x10;
        const r = openEsp(saFor(v), bad, v.seqHigh);
        expect(r.icvStatus, `byte ${at}`).toBe('bad');
        expect(r.plaintext).toBeNull();
        expect(r.decrypted).toBe(false);
        expect(r.problem).toMatch(/ICV mismatch/);
      }
    });

    it(`${v.name}: a wrong key fails cleanly`, () => {
      const sa = saFor(v);
      const key = v.enc.startsWith('aes-gcm') ? sa.encKey : sa.authKey;
      key[0]! ^= 1;
      const r = openEsp(sa, Buffer.from(v.packet, 'hex'), v.seqHigh);
      expect(r.icvStatus).toBe('bad');
      expect(r.plaintext).toBeNull();
    });
  }

  it('ESN: the high half of the sequence number is checked though never sent', () => {
    for (const v of vectors.filter((x) => x.esn)) {
      const r = openEsp(saFor(v), Buffer.from(v.packet, 'hex'), v.seqHigh + 1);
      expect(r.icvStatus, v.name).toBe('bad');
      // Without ESN on the SA the same packet does not verify either.
      expect(openEsp(saFor(v, { esn: false }), Buffer.from(v.packet, 'hex')).icvStatus, v.name).toBe('bad');
    }
  });

  it('an unknown integrity key leaves the ICV unchecked but still decrypts', () => {
    const v = vectors.find((x) => x.name === 'aes128-cbc+hmac-sha1-96')!;
    const r = openEsp(saFor(v, { authKey: Buffer.alloc(0) }), Buffer.from(v.packet, 'hex'));
    expect(r.icvStatus).toBe('unchecked');
    expect(hex(r.plaintext)).toBe(v.plaintext);
  });

  it('a wrong cipher key without integrity decrypts to garbage that the trailer check catches', () => {
    const v = vectors.find((x) => x.name === 'aes128-cbc+null')!;
    let caught = 0;
    for (let i = 0; i < 16; i++) {
      const sa = saFor(v);
      sa.encKey[i]! ^= 0x5a;
      const r = openEsp(sa, Buffer.from(v.packet, 'hex'));
      expect(r.icvStatus).toBe('unchecked');
      if (r.problem !== null) caught++;
      expect(hex(r.plaintext)).not.toBe(v.plaintext);
    }
    // A random last block passes as "pad length 0" about 1 time in 256 per key.
    expect(caught).toBeGreaterThanOrEqual(14);
  });

  it('reports a ciphertext that is not whole cipher blocks', () => {
    const v = vectors.find((x) => x.name === 'aes128-cbc+null')!;
    const pkt = Buffer.from(v.packet, 'hex');
    const r = openEsp(saFor(v), pkt.subarray(0, pkt.length - 3));
    expect(r.decrypted).toBe(false);
    expect(r.problem).toMatch(/not a multiple of the AES-CBC block size \(16\)/);
  });

  it('reports a packet shorter than header + IV + trailer + ICV', () => {
    const v = vectors.find((x) => x.name === 'aes256-gcm-16')!;
    const r = openEsp(saFor(v), Buffer.from(v.packet, 'hex').subarray(0, 8 + 8 + 16 + 1));
    expect(r.decrypted).toBe(false);
    expect(r.icvStatus).toBe('unchecked');
    expect(r.problem).toMatch(/shorter than/);
  });

  it('reports a Pad Length larger than the payload, and non-monotonic padding', () => {
    const v = vectors.find((x) => x.name === 'null+hmac-sha1-96')!;
    const sa = saFor(v, { auth: 'hmac-sha1-96', authKey: Buffer.alloc(0) });
    const pkt = Buffer.from(v.packet, 'hex');
    const trailer = pkt.length - 12 - 2;
    const tooLong = Buffer.from(pkt);
    tooLong[trailer] = 250;
    const r1 = openEsp(sa, tooLong);
    expect(r1.problem).toMatch(/Pad Length 250 exceeds/);
    expect(r1.plaintext).toBeNull();
    const badPad = Buffer.from(pkt);
    badPad[trailer - 1] = 9; // the last pad byte; v.padLength >= 1 here
    expect(v.padLength).toBeGreaterThan(0);
    const r2 = openEsp(sa, badPad);
    expect(r2.padOk).toBe(false);
    expect(r2.problem).toMatch(/padding bytes are not 1, 2, 3/);
    expect(r2.plaintext).not.toBeNull();
  });

  it('says so when the runtime has no such cipher, instead of throwing', () => {
    if (encAvailable('des-cbc')) return; // nothing to show on a runtime that has DES
    const v = vectors.find((x) => x.name === '3des-cbc+null')!;
    const r = openEsp(saFor(v, { enc: 'des-cbc', encKey: Buffer.alloc(8, 1) }), Buffer.from(v.packet, 'hex'));
    expect(r.decrypted).toBe(false);
    expect(r.problem).toMatch(/not available/);
  });
});

describe('guessEspNull', () => {
  const mhOk = (nh: number, p: Uint8Array) => nh === 135 && p.length >= 4 && p[2] === 5;

  for (const v of vectors.filter((x) => x.enc === 'null')) {
    it(`finds the ${v.icvLength}-byte ICV of ${v.name}`, () => {
      const g = guessEspNull(Buffer.from(v.packet, 'hex'), DEFAULT_ICV_LENGTHS, mhOk);
      expect(g).not.toBeNull();
      expect({ ...g! }).toEqual({ icvLength: v.icvLength, padLength: v.padLength, nextHeader: 135 });
    });
  }

  it('gives the payload view to the next-header check', () => {
    const v = vectors.find((x) => x.name === 'null+hmac-sha256-128')!;
    let seen: string | null = null;
    guessEspNull(Buffer.from(v.packet, 'hex'), [16], (_nh, p) => ((seen = hex(p)), true));
    expect(seen).toBe(v.plaintext);
  });

  it('rejects lengths whose padding is wrong or whose payload does not parse', () => {
    const v = vectors.find((x) => x.name === 'null+hmac-sha1-96')!;
    const pkt = Buffer.from(v.packet, 'hex');
    expect(guessEspNull(pkt, [12], () => false)).toBeNull();
    const bad = Buffer.from(pkt);
    bad[pkt.length - 12 - 3] = 7; // a pad byte
    expect(guessEspNull(bad, [12], mhOk)).toBeNull();
  });

  it('tries the table lengths first, then the defaults', () => {
    expect(icvCandidates([16, 20])).toEqual([16, 20, 12, 24, 32, 8]);
    expect(icvCandidates([])).toEqual([...DEFAULT_ICV_LENGTHS]);
  });

  it('guessEspNullAt finds the same layout at an offset, without views', () => {
    for (const v of vectors.filter((x) => x.enc === 'null')) {
      const pkt = Buffer.from(v.packet, 'hex');
      const framed = new Uint8Array(pkt.length + 20);
      framed.set(pkt, 7);
      let seen: [number, number] | null = null;
      const g = guessEspNullAt(framed, 7, 7 + pkt.length, DEFAULT_ICV_LENGTHS, (nh, b, off, end) => {
        const ok = mhOk(nh, b.subarray(off, end));
        if (ok) seen = [off, end];
        return ok;
      });
      expect({ ...g! }, v.name).toEqual({ ...guessEspNull(pkt, DEFAULT_ICV_LENGTHS, mhOk)! });
      expect(seen, v.name).toEqual([7 + 8, 7 + pkt.length - v.icvLength - 2 - v.padLength]);
    }
  });

  it('fills the caller\'s result object and survives a throwing callback', () => {
    const v = vectors.find((x) => x.name === 'null+hmac-md5-96')!;
    const out = { icvLength: -1, padLength: -1, nextHeader: -1 };
    expect(guessEspNull(Buffer.from(v.packet, 'hex'), [], mhOk, out)).toBe(out);
    expect(out.icvLength).toBe(12);
    expect(guessEspNull(Buffer.from(v.packet, 'hex'), [], () => { throw new Error('x'); })).toBeNull();
  });
});
