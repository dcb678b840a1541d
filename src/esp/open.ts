/**
 * Opening an ESP packet with its SA: ICV check, decryption, trailer parsing
 * (RFC 4303 2), and a heuristic for NULL-encrypted ESP when no SA is known
 * (RFC 2410, RFC 5879).
 */
import { createDecipheriv, createHmac, timingSafeEqual, type Decipher } from 'node:crypto';
import { AUTH_INFO, ENC_INFO, saIcvLength, type EncAlgorithm, type SecurityAssociation } from './sa.js';

export type IcvStatus = 'good' | 'bad' | 'unchecked';

export interface EspOpenResult {
  icvStatus: IcvStatus;
  /** The clear payload is available (always so for NULL encryption once lengths are sane). */
  decrypted: boolean;
  /** Inner payload without padding, Pad Length and Next Header; null when it could not be recovered. */
  plaintext: Uint8Array | null;
  /** RFC 4303 2.7; -1 when unknown. */
  nextHeader: number;
  /** RFC 4303 2.5; -1 when unknown. */
  padLength: number;
  /** Pad bytes are 1, 2, 3, ... as RFC 4303 2.4 requires of the default padding. */
  padOk: boolean;
  ivLength: number;
  icvLength: number;
  /** What went wrong, in words for a person; null when nothing did. */
  problem: string | null;
}

/** SPI + Sequence Number (RFC 4303 2.1, 2.2). */
const ESP_HEADER = 8;
/** Pad Length + Next Header. */
const ESP_TRAILER = 2;

const unavailable = new Map<EncAlgorithm, boolean>();

/** Whether this Node/OpenSSL build has the cipher (DES, CAST and Blowfish live in OpenSSL 3's legacy provider). */
export function encAvailable(enc: EncAlgorithm): boolean {
  if (enc === 'null') return true;
  let missing = unavailable.get(enc);
  if (missing === undefined) {
    const info = ENC_INFO[enc];
    const keyLen = info.keyLengths[0]! - info.saltLength;
    try {
      createDecipheriv(info.cipher(keyLen), Buffer.alloc(keyLen), Buffer.alloc(info.aeadIcvLength ? 12 : info.blockSize === 1 ? 16 : info.blockSize));
      missing = false;
    } catch {
      missing = true;
    }
    unavailable.set(enc, missing);
  }
  return !missing;
}

function result(sa: SecurityAssociation, icvLength: number): EspOpenResult {
  return {
    icvStatus: 'unchecked',
    decrypted: false,
    plaintext: null,
    nextHeader: -1,
    padLength: -1,
    padOk: false,
    ivLength: ENC_INFO[sa.enc].ivLength,
    icvLength,
    problem: null,
  };
}

function seqHighBytes(seqHigh: number): Buffer {
  const b = Buffer.allocUnsafe(4);
  b.writeUInt32BE(seqHigh >>> 0, 0);
  return b;
}

/**
 * Verify, decrypt and take apart one ESP packet. `esp` runs from the SPI to the
 * end of the ICV. `seqHigh` is the high half of the 64-bit sequence number when
 * the SA uses ESN (RFC 4303 2.2.1); the analyzer infers it, 0 when absent.
 * Never throws.
 */
export function openEsp(sa: SecurityAssociation, esp: Uint8Array, seqHigh?: number): EspOpenResult {
  const enc = ENC_INFO[sa.enc];
  const icvLength = saIcvLength(sa);
  const r = result(sa, icvLength);
  if (!enc.keyLengths.includes(sa.encKey.length)) {
    r.problem = `${enc.label} key of ${sa.encKey.length} bytes; expected ${enc.keyLengths.join('/')}`;
    return r;
  }
  const ivLength = enc.ivLength;
  const minimum = ESP_HEADER + ivLength + ESP_TRAILER + icvLength;
  if (esp.length < minimum) {
    r.problem = `ESP packet of ${esp.length} bytes is shorter than header, IV, trailer and ICV (${minimum} bytes) for ${enc.label}/${AUTH_INFO[sa.auth].label}`;
    return r;
  }
  const icvStart = esp.length - icvLength;
  const cipherText = esp.subarray(ESP_HEADER + ivLength, icvStart);
  const high = sa.esn ? (seqHigh ?? 0) >>> 0 : 0;

  if (enc.aeadIcvLength > 0) return openAead(sa, esp, cipherText, icvStart, high, r);

  // RFC 4303 3.4.4: integrity is checked before decryption.
  if (sa.auth !== 'null') {
    if (sa.authKey.length === 0) r.icvStatus = 'unchecked';
    else r.icvStatus = verifyHmac(sa, esp, icvStart, high) ? 'good' : 'bad';
    if (r.icvStatus === 'bad') {
      r.problem = `ICV mismatch (${AUTH_INFO[sa.auth].label}): wrong authentication key, wrong SA, or the packet was altered`;
      return r;
    }
  }

  // RFC 4303 2.4: the ciphertext is a whole number of cipher blocks and ends
  // on a 4-byte boundary.
  if (cipherText.length % enc.blockSize !== 0) {
    r.problem = `${cipherText.length} bytes of ciphertext is not a multiple of the ${enc.label} block size (${enc.blockSize})`;
    return r;
  }
  let plain: Uint8Array;
  if (sa.enc === 'null') plain = cipherText;
  else {
    if (!encAvailable(sa.enc)) {
      r.problem = `${enc.label} is not available in this Node.js/OpenSSL build`;
      return r;
    }
    const iv = esp.subarray(ESP_HEADER, ESP_HEADER + ivLength);
    let decipher: Decipher;
    try {
      if (sa.enc === 'aes-ctr') {
        // RFC 3686 4: counter block = nonce | IV | block counter starting at 1.
        const keyLen = sa.encKey.length - 4;
        const counter = Buffer.alloc(16);
        sa.encKey.copy(counter, 0, keyLen);
        counter.set(iv, 4);
        counter[15] = 1;
        decipher = createDecipheriv(enc.cipher(keyLen), sa.encKey.subarray(0, keyLen), counter);
      } else {
        decipher = createDecipheriv(enc.cipher(sa.encKey.length), sa.encKey, iv);
        decipher.setAutoPadding(false);
      }
      const a = decipher.update(cipherText);
      const b = decipher.final();
      plain = b.length === 0 ? a : Buffer.concat([a, b]);
    } catch (e) {
      r.problem = `${enc.label} decryption failed: ${(e as Error).message}`;
      return r;
    }
  }
  finishTrailer(r, plain, enc.label);
  if (r.problem === null && cipherText.length % 4 !== 0) {
    r.problem = `ciphertext of ${cipherText.length} bytes does not end on a 4-byte boundary (RFC 4303 2.4)`;
  }
  return r;
}

function verifyHmac(sa: SecurityAssociation, esp: Uint8Array, icvStart: number, high: number): boolean {
  const info = AUTH_INFO[sa.auth];
  try {
    const h = createHmac(info.hash, sa.authKey);
    h.update(esp.subarray(0, icvStart));
    // RFC 4303 2.2.1 / 3.3.2.2.1: with ESN the high 32 bits are covered by the
    // ICV, appended after the trailer, though never sent.
    if (sa.esn) h.update(seqHighBytes(high));
    const mac = h.digest();
    return timingSafeEqual(mac.subarray(0, info.icvLength), esp.subarray(icvStart, icvStart + info.icvLength));
  } catch {
    return false;
  }
}

function openAead(
  sa: SecurityAssociation,
  esp: Uint8Array,
  cipherText: Uint8Array,
  icvStart: number,
  high: number,
  r: EspOpenResult,
): EspOpenResult {
  const enc = ENC_INFO[sa.enc];
  const keyLen = sa.encKey.length - 4;
  // RFC 4106 4: nonce = 4-byte salt (end of the key material) | 8-byte IV.
  const nonce = Buffer.allocUnsafe(12);
  sa.encKey.copy(nonce, 0, keyLen);
  nonce.set(esp.subarray(ESP_HEADER, ESP_HEADER + 8), 4);
  // RFC 4106 5: AAD = SPI | Seq (32-bit) or SPI | Seq high | Seq low (ESN).
  let aad: Uint8Array;
  if (sa.esn) {
    const b = Buffer.allocUnsafe(12);
    b.set(esp.subarray(0, 4), 0);
    b.writeUInt32BE(high, 4);
    b.set(esp.subarray(4, 8), 8);
    aad = b;
  } else aad = esp.subarray(0, 8);
  let plain: Buffer;
  try {
    const d = createDecipheriv(enc.cipher(keyLen) as 'aes-128-gcm', sa.encKey.subarray(0, keyLen), nonce, {
      authTagLength: enc.aeadIcvLength,
    });
    d.setAAD(aad);
    d.setAuthTag(esp.subarray(icvStart));
    const a = d.update(cipherText);
    // final() is where GCM compares the tag; plaintext from update() is only
    // used once it has passed.
    const b = d.final();
    plain = b.length === 0 ? a : Buffer.concat([a, b]);
  } catch (e) {
    const msg = (e as Error).message;
    if (/auth/i.test(msg)) {
      r.icvStatus = 'bad';
      r.problem = `ICV mismatch (${enc.label}): wrong key or salt, wrong SA, or the packet was altered`;
    } else r.problem = `${enc.label} decryption failed: ${msg}`;
    return r;
  }
  r.icvStatus = 'good';
  finishTrailer(r, plain, enc.label);
  if (r.problem === null && cipherText.length % 4 !== 0) {
    r.problem = `ciphertext of ${cipherText.length} bytes does not end on a 4-byte boundary (RFC 4303 2.4)`;
  }
  return r;
}

/** Read Pad Length and Next Header from the end of the clear text and check the padding. */
function finishTrailer(r: EspOpenResult, plain: Uint8Array, label: string): void {
  const n = plain.length;
  if (n < ESP_TRAILER) {
    r.problem = 'no room for Pad Length and Next Header';
    return;
  }
  const padLength = plain[n - 2]!;
  r.padLength = padLength;
  r.nextHeader = plain[n - 1]!;
  const payloadEnd = n - ESP_TRAILER - padLength;
  if (payloadEnd < 0) {
    r.problem = `Pad Length ${padLength} exceeds the ${n - ESP_TRAILER} bytes before it${label === 'NULL' ? '' : ' (wrong key?)'}`;
    return;
  }
  r.padOk = padBytesOk(plain, payloadEnd, padLength);
  r.decrypted = true;
  r.plaintext = plain.subarray(0, payloadEnd);
  if (!r.padOk) {
    // RFC 4303 2.4: default padding is 1, 2, 3, ...; anything else after a
    // good ICV means a non-conforming sender, and without an ICV a wrong key.
    r.problem = r.icvStatus === 'good' ? 'padding bytes are not 1, 2, 3, ... (RFC 4303 2.4)' : 'padding bytes are not 1, 2, 3, ... (wrong key, or non-default padding)';
  }
}

function padBytesOk(b: Uint8Array, start: number, padLength: number): boolean {
  for (let i = 0; i < padLength; i++) if (b[start + i] !== i + 1) return false;
  return true;
}

/** The usual ICV lengths, most likely first (SPEC-NOTES 6): HMAC-*-96, SHA-256-128, SHA-384-192, SHA-512-256, GCM-8. */
export const DEFAULT_ICV_LENGTHS: readonly number[] = Object.freeze([12, 16, 24, 32, 8]);

/** Table lengths first, then the defaults not already present. Call once per table change, not per packet. */
export function icvCandidates(tableLengths: readonly number[]): number[] {
  const out = [...tableLengths];
  for (const n of DEFAULT_ICV_LENGTHS) if (!out.includes(n)) out.push(n);
  return out;
}

export interface EspNullGuess {
  icvLength: number;
  padLength: number;
  nextHeader: number;
}

const scratchGuess: EspNullGuess = { icvLength: 0, padLength: 0, nextHeader: 0 };

/**
 * Whether the payload at bytes [off, end) of `b` parses as Next Header `nh`. Used on
 * the per-packet path, so it must not throw and must read only inside [off, end).
 */
export type EspPayloadCheck = (nh: number, b: Uint8Array, off: number, end: number) => boolean;

/**
 * Guess the layout of a NULL-encrypted ESP packet without an SA (RFC 5879 5):
 * for each ICV length, accept it only when the pad bytes are exactly 1..n, the
 * Pad Length fits, and `nextHeaderOk` says the payload parses as that Next
 * Header. `icvLengths` empty means DEFAULT_ICV_LENGTHS.
 *
 * The result is `out` when given, else a shared object valid until the next call.
 * Allocates a payload view per candidate and catches what `nextHeaderOk` throws;
 * the dissector uses guessEspNullAt, which does neither.
 */
export function guessEspNull(
  esp: Uint8Array,
  icvLengths: readonly number[],
  nextHeaderOk: (nh: number, payload: Uint8Array) => boolean,
  out: EspNullGuess = scratchGuess,
): EspNullGuess | null {
  return guessEspNullAt(esp, 0, esp.length, icvLengths, (nh, b, off, end) => {
    try {
      return nextHeaderOk(nh, b.subarray(off, end));
    } catch {
      return false;
    }
  }, out);
}

/**
 * guessEspNull for the ESP packet at bytes [off, end) of `b` (SPI to the end of
 * the ICV), without views: `payloadOk` is given the payload's offsets in `b`.
 * Hot path: allocates nothing.
 */
export function guessEspNullAt(
  b: Uint8Array,
  off: number,
  end: number,
  icvLengths: readonly number[],
  payloadOk: EspPayloadCheck,
  out: EspNullGuess = scratchGuess,
): EspNullGuess | null {
  const lengths = icvLengths.length === 0 ? DEFAULT_ICV_LENGTHS : icvLengths;
  const payloadStart = off + ESP_HEADER;
  for (let i = 0; i < lengths.length; i++) {
    const icv = lengths[i]!;
    if (!(icv >= 0)) continue;
    const trailerEnd = end - icv;
    if (trailerEnd - off < ESP_HEADER + ESP_TRAILER) continue;
    const padLength = b[trailerEnd - 2]!;
    const nextHeader = b[trailerEnd - 1]!;
    const payloadEnd = trailerEnd - ESP_TRAILER - padLength;
    if (payloadEnd < payloadStart) continue;
    if (!padBytesOk(b, payloadEnd, padLength)) continue;
    if (!payloadOk(nextHeader, b, payloadStart, payloadEnd)) continue;
    out.icvLength = icv;
    out.padLength = padLength;
    out.nextHeader = nextHeader;
    return out;
  }
  return null;
}
