/**
 * Security Associations for ESP (RFC 4303) and the table the dissector
 * consults to find the keys for a packet.
 *
 * MIPv6 protects its signalling with transport-mode ESP between the mobile
 * node's home address and its home agent (RFC 3776 4.1, RFC 4877 4.1), while
 * the packet on the wire carries the care-of address: the table therefore
 * accepts a second address pair (the home-address pair) and a match on either
 * pair counts.
 */

/** Encryption transforms. Key lengths are checked by `checkSaKeys`. */
export type EncAlgorithm =
  | 'null' // RFC 2410
  | 'aes-cbc' // RFC 3602, 16/24/32-byte key
  | 'aes-ctr' // RFC 3686, key = AES key + 4-byte nonce
  | 'aes-gcm-8' // RFC 4106, key = AES key + 4-byte salt, 8-byte ICV
  | 'aes-gcm-12'
  | 'aes-gcm-16'
  | '3des-cbc' // RFC 2451
  // Loadable from tcpdump/ip-xfrm files, but OpenSSL 3 moved them to its legacy
  // provider, so opening a packet reports them as unavailable.
  | 'des-cbc' // RFC 2405
  | 'cast5-cbc' // RFC 2144 / RFC 2451
  | 'blowfish-cbc'; // RFC 2451

/** Integrity transforms. */
export type AuthAlgorithm =
  | 'null'
  | 'hmac-sha1-96' // RFC 2404
  | 'hmac-md5-96' // RFC 2403
  | 'hmac-sha256-96' // pre-RFC 4868 draft truncation, still Linux's default for `auth hmac(sha256)`
  | 'hmac-sha256-128' // RFC 4868
  | 'hmac-sha384-192'
  | 'hmac-sha512-256';

/** An IPv4 or IPv6 address or prefix. */
export interface AddressMatch {
  family: 4 | 6;
  /** 4 or 16 bytes; bits after prefixLength are zero. */
  bytes: Uint8Array;
  prefixLength: number;
}

export interface SecurityAssociation {
  spi: number;
  /** null = any source. */
  src: AddressMatch | null;
  /** null = any destination. */
  dst: AddressMatch | null;
  enc: EncAlgorithm;
  /** For AES-CTR and AES-GCM the last 4 bytes are the nonce/salt (RFC 3686 5.1, RFC 4106 8.1). */
  encKey: Buffer;
  auth: AuthAlgorithm;
  /**
   * Empty while `auth` is not 'null' means the ICV length is known but the key
   * is not (tcpdump's `-hmac96`): the ICV is skipped and reported 'unchecked'.
   */
  authKey: Buffer;
  /** Extended (64-bit) sequence numbers, RFC 4303 2.2.1. */
  esn: boolean;
  replayWindow: number;
  /** Where the SA was defined, for messages a person reads. */
  origin: { file: string; line: number };
}

export interface EncInfo {
  /** Name used in messages. */
  label: string;
  /** node:crypto cipher name, given the cipher key length in bytes (salt excluded). */
  cipher: (aesKeyLength: number) => string;
  /** Bytes of IV carried in each packet. */
  ivLength: number;
  /** Ciphertext must be a multiple of this (1 for stream modes). */
  blockSize: number;
  /** Allowed encKey lengths in bytes (salt/nonce included). */
  keyLengths: readonly number[];
  /** Trailing key bytes that are a salt or nonce rather than cipher key. */
  saltLength: number;
  /** For combined-mode (AEAD) transforms, the ICV length; 0 otherwise. */
  aeadIcvLength: number;
}

const aesName = (mode: string) => (len: number) => `aes-${len * 8}-${mode}`;

export const ENC_INFO: Readonly<Record<EncAlgorithm, EncInfo>> = {
  'null': { label: 'NULL', cipher: () => '', ivLength: 0, blockSize: 1, keyLengths: [0], saltLength: 0, aeadIcvLength: 0 },
  'aes-cbc': { label: 'AES-CBC', cipher: aesName('cbc'), ivLength: 16, blockSize: 16, keyLengths: [16, 24, 32], saltLength: 0, aeadIcvLength: 0 },
  'aes-ctr': { label: 'AES-CTR', cipher: aesName('ctr'), ivLength: 8, blockSize: 1, keyLengths: [20, 28, 36], saltLength: 4, aeadIcvLength: 0 },
  'aes-gcm-8': { label: 'AES-GCM-8', cipher: aesName('gcm'), ivLength: 8, blockSize: 1, keyLengths: [20, 28, 36], saltLength: 4, aeadIcvLength: 8 },
  'aes-gcm-12': { label: 'AES-GCM-12', cipher: aesName('gcm'), ivLength: 8, blockSize: 1, keyLengths: [20, 28, 36], saltLength: 4, aeadIcvLength: 12 },
  'aes-gcm-16': { label: 'AES-GCM-16', cipher: aesName('gcm'), ivLength: 8, blockSize: 1, keyLengths: [20, 28, 36], saltLength: 4, aeadIcvLength: 16 },
  '3des-cbc': { label: '3DES-CBC', cipher: () => 'des-ede3-cbc', ivLength: 8, blockSize: 8, keyLengths: [24], saltLength: 0, aeadIcvLength: 0 },
  'des-cbc': { label: 'DES-CBC', cipher: () => 'des-cbc', ivLength: 8, blockSize: 8, keyLengths: [8], saltLength: 0, aeadIcvLength: 0 },
  'cast5-cbc': { label: 'CAST5-CBC', cipher: () => 'cast5-cbc', ivLength: 8, blockSize: 8, keyLengths: [5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16], saltLength: 0, aeadIcvLength: 0 },
  'blowfish-cbc': { label: 'Blowfish-CBC', cipher: () => 'bf-cbc', ivLength: 8, blockSize: 8, keyLengths: [5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 20, 24, 32, 40, 48, 56], saltLength: 0, aeadIcvLength: 0 },
};

export interface AuthInfo {
  label: string;
  /** node:crypto hash name ('' for null). */
  hash: string;
  /** Truncated ICV length in bytes. */
  icvLength: number;
}

export const AUTH_INFO: Readonly<Record<AuthAlgorithm, AuthInfo>> = {
  'null': { label: 'NULL', hash: '', icvLength: 0 },
  'hmac-sha1-96': { label: 'HMAC-SHA-1-96', hash: 'sha1', icvLength: 12 },
  'hmac-md5-96': { label: 'HMAC-MD5-96', hash: 'md5', icvLength: 12 },
  'hmac-sha256-96': { label: 'HMAC-SHA-256-96', hash: 'sha256', icvLength: 12 },
  'hmac-sha256-128': { label: 'HMAC-SHA-256-128', hash: 'sha256', icvLength: 16 },
  'hmac-sha384-192': { label: 'HMAC-SHA-384-192', hash: 'sha384', icvLength: 24 },
  'hmac-sha512-256': { label: 'HMAC-SHA-512-256', hash: 'sha512', icvLength: 32 },
};

/** ICV length on the wire for an SA: the AEAD tag, else the truncated HMAC. */
export function saIcvLength(sa: Pick<SecurityAssociation, 'enc' | 'auth'>): number {
  const aead = ENC_INFO[sa.enc].aeadIcvLength;
  return aead > 0 ? aead : AUTH_INFO[sa.auth].icvLength;
}

/**
 * What is wrong with an SA's keys and transforms, or null. Loaders call this
 * so a bad key is reported against its line instead of failing every packet.
 */
export function checkSaKeys(sa: Pick<SecurityAssociation, 'enc' | 'encKey' | 'auth' | 'authKey'>): string | null {
  const e = ENC_INFO[sa.enc];
  if (!e.keyLengths.includes(sa.encKey.length)) {
    return `${e.label} needs a key of ${e.keyLengths.join('/')} bytes${e.saltLength ? ` (including the ${e.saltLength}-byte ${sa.enc === 'aes-ctr' ? 'nonce' : 'salt'})` : ''}, got ${sa.encKey.length}`;
  }
  if (e.aeadIcvLength > 0 && sa.auth !== 'null') {
    // RFC 4106 8.3: a combined-mode transform provides integrity itself.
    return `${e.label} is a combined-mode transform; the authentication algorithm must be NULL`;
  }
  if (sa.enc === 'null' && sa.auth === 'null') {
    // RFC 4303 3.2: at least one of confidentiality and integrity.
    return 'NULL encryption with NULL authentication protects nothing (RFC 4303 3.2)';
  }
  if (sa.auth === 'null' && sa.authKey.length > 0) return 'NULL authentication takes no key';
  return null;
}

/** Whether the SA's integrity key is known, so the ICV can be verified. */
export function authKeyKnown(sa: SecurityAssociation): boolean {
  return sa.auth !== 'null' && sa.authKey.length > 0;
}

/** Whether `addr` (4 or 16 raw bytes) lies in `m`. null matches anything. */
export function addressMatches(m: AddressMatch | null, addr: Uint8Array | null | undefined): boolean {
  if (m === null) return true;
  if (!addr || addr.length !== m.bytes.length) return false;
  const full = m.prefixLength >>> 3;
  for (let i = 0; i < full; i++) if (addr[i] !== m.bytes[i]) return false;
  const rest = m.prefixLength & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (addr[full]! & mask) === m.bytes[full];
}

/** Specificity used to prefer the narrowest SA when several match. */
function specificity(sa: SecurityAssociation): number {
  return (sa.src ? sa.src.prefixLength + 1 : 0) + (sa.dst ? sa.dst.prefixLength + 1 : 0);
}

function pairMatches(sa: SecurityAssociation, src: Uint8Array | null | undefined, dst: Uint8Array | null | undefined): boolean {
  return addressMatches(sa.src, src) && addressMatches(sa.dst, dst);
}

/**
 * SAs keyed by SPI. The receiver identifies an SA by SPI alone or SPI plus
 * addresses (RFC 4301 4.1, RFC 4303 2.1); capture files mix both directions of
 * many hosts, so addresses decide between SAs that share an SPI.
 */
export class SaTable {
  private readonly bySpi = new Map<number, SecurityAssociation[]>();
  private icvCache: number[] | null = null;
  private count = 0;

  add(sa: SecurityAssociation): void {
    const list = this.bySpi.get(sa.spi);
    if (list) {
      // Keep the most specific first so lookup can stop at the first match;
      // the sort is stable, so equally specific SAs stay in file order.
      list.push(sa);
      list.sort((a, b) => specificity(b) - specificity(a));
    } else this.bySpi.set(sa.spi, [sa]);
    this.icvCache = null;
    this.count++;
  }

  get size(): number {
    return this.count;
  }

  /**
   * The SA for an ESP packet. `src`/`dst` are the outer addresses as 4 or 16
   * raw bytes; `altSrc`/`altDst` the home-address pair when the packet carries
   * a Home Address option or Type 2 Routing header (RFC 3776 4.1). An empty
   * array means the address is unknown; only a wildcard matches it, and then
   * only when the SPI names a single SA, since nothing else could decide.
   */
  lookup(
    spi: number,
    src: Uint8Array,
    dst: Uint8Array,
    altSrc?: Uint8Array | null,
    altDst?: Uint8Array | null,
  ): SecurityAssociation | null {
    const list = this.bySpi.get(spi >>> 0);
    if (!list) return null;
    const unknown = src.length === 0 && dst.length === 0 && !altSrc && !altDst;
    if (unknown) {
      const only = list.length === 1 ? list[0]! : null;
      return only && only.src === null && only.dst === null ? only : null;
    }
    for (let i = 0; i < list.length; i++) {
      const sa = list[i]!;
      if (pairMatches(sa, src, dst)) return sa;
      if ((altSrc || altDst) && pairMatches(sa, altSrc ?? src, altDst ?? dst)) return sa;
    }
    return null;
  }

  /** Distinct ICV lengths of the SAs in the table, most common first (for the NULL heuristic). */
  icvLengths(): number[] {
    if (this.icvCache) return this.icvCache;
    const counts = new Map<number, number>();
    for (const list of this.bySpi.values()) {
      for (const sa of list) {
        const n = saIcvLength(sa);
        if (n > 0) counts.set(n, (counts.get(n) ?? 0) + 1);
      }
    }
    this.icvCache = [...counts.entries()].sort((a, b) => b[1] - a[1]).map((e) => e[0]);
    return this.icvCache;
  }

  /** Every SA, in no particular order. */
  *all(): IterableIterator<SecurityAssociation> {
    for (const list of this.bySpi.values()) yield* list;
  }
}
