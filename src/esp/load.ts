/**
 * Reading SAs from the files people already have: Wireshark's `esp_sa` UAT
 * table, `ip xfrm state` output, and tcpdump's `-E` secrets file. The format
 * is told from the content, so users need not say which one they pass.
 *
 * A bad line is reported (file, line, what is wrong) and skipped; the rest of
 * the file still loads.
 */
import { readFileSync } from 'node:fs';
import { ipaddr } from '../packages.js';
import { checkSaKeys, type AddressMatch, type AuthAlgorithm, type EncAlgorithm, type SecurityAssociation } from './sa.js';

export interface SaLoadError {
  file: string;
  line: number;
  message: string;
}

export interface SaLoadResult {
  sas: SecurityAssociation[];
  errors: SaLoadError[];
}

export type SaFileFormat = 'wireshark-esp_sa' | 'ip-xfrm' | 'tcpdump-secrets';

/** Replay window assumed when the file does not give one (RFC 4303 3.4.3: 32 is the minimum and the default). */
const DEFAULT_REPLAY_WINDOW = 32;

/** Read and parse one SA file. Never throws: an unreadable file is one error. */
export function loadSaFile(path: string): SaLoadResult {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return { sas: [], errors: [{ file: path, line: 0, message: `cannot read SA file: ${(e as Error).message}` }] };
  }
  return parseSaText(text, path);
}

/** Parse SA file content; `file` is used only in origins and messages. */
export function parseSaText(text: string, file: string): SaLoadResult {
  const lines = text.split(/\r?\n/);
  const format = detectSaFormat(lines);
  switch (format) {
    case 'wireshark-esp_sa':
      return parseWiresharkEspSa(lines, file);
    case 'ip-xfrm':
      return parseIpXfrm(lines, file);
    case 'tcpdump-secrets':
      return parseTcpdumpSecrets(lines, file);
    default:
      return {
        sas: [],
        errors: [{
          file,
          line: 0,
          message: "unknown SA file format: expected Wireshark's esp_sa table (quoted CSV), `ip xfrm state` output, or a tcpdump -E secrets file (spi@address algorithm:secret)",
        }],
      };
  }
}

/** Decide the format from the first meaningful line. */
export function detectSaFormat(lines: readonly string[]): SaFileFormat | null {
  for (const raw of lines) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('"')) return 'wireshark-esp_sa';
    if (/^src\s+\S+\s+dst\s+\S+\s*$/.test(line)) return 'ip-xfrm';
    if (/^(?:0x[0-9a-f]+@\S+\s+)?[a-z0-9-]+:\S+/i.test(line)) return 'tcpdump-secrets';
    return null;
  }
  return null;
}

// ---------------------------------------------------------------- shared

type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };
const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(message: string): Parsed<T> => ({ ok: false, message });

/**
 * An address or prefix: `*` (any), `a.b.c.d`, `a.b.*.*` (Wireshark's octet
 * wildcards, trailing only), `addr/len`. `family` restricts what is accepted
 * when the file says which protocol it means.
 */
export function parseAddressMatch(text: string, family: 4 | 6 | null = null): Parsed<AddressMatch | null> {
  const t = text.trim();
  if (t === '*' || t === '') return ok(null);
  let addr = t;
  let prefix: number | null = null;
  const slash = t.indexOf('/');
  if (slash >= 0) {
    addr = t.slice(0, slash);
    const p = t.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p)) return fail(`bad prefix length in "${t}"`);
    prefix = Number(p);
  }
  // IPv4 octet wildcards: 10.1.*.* is 10.1.0.0/16.
  if (addr.includes('*') && /^[\d*.]+$/.test(addr)) {
    const parts = addr.split('.');
    if (parts.length !== 4) return fail(`bad IPv4 address "${t}"`);
    const firstStar = parts.indexOf('*');
    if (parts.slice(firstStar).some((p) => p !== '*')) return fail(`wildcards must be trailing octets in "${t}"`);
    if (prefix !== null) return fail(`"${t}" mixes wildcards and a prefix length`);
    prefix = firstStar * 8;
    addr = parts.map((p) => (p === '*' ? '0' : p)).join('.');
  }
  let bytes: Uint8Array;
  let fam: 4 | 6;
  if (ipaddr().IPv4.isValidFourPartDecimal(addr)) {
    bytes = Uint8Array.from(ipaddr().IPv4.parse(addr).toByteArray());
    fam = 4;
  } else if (ipaddr().IPv6.isValid(addr) && !addr.includes('%')) {
    bytes = Uint8Array.from(ipaddr().IPv6.parse(addr).toByteArray());
    fam = 6;
  } else return fail(`bad address "${t}"`);
  if (family !== null && fam !== family) return fail(`address "${t}" is not IPv${family}`);
  const max = fam === 4 ? 32 : 128;
  if (prefix === null) prefix = max;
  if (prefix > max) return fail(`prefix length ${prefix} is longer than ${max} in "${t}"`);
  if (prefix === 0) return ok(null);
  // Clear host bits so matching can compare whole bytes.
  for (let bit = prefix; bit < max; bit++) bytes[bit >>> 3]! &= ~(0x80 >>> (bit & 7));
  return ok({ family: fam, bytes, prefixLength: prefix });
}

/** `0x`-prefixed hex, or (Wireshark, tcpdump) the key's bytes as ASCII text. */
function parseKey(text: string): Parsed<Buffer> {
  if (/^0x/i.test(text)) {
    const hex = text.slice(2);
    if (hex.length % 2 !== 0 || !/^[0-9a-f]*$/i.test(hex)) return fail(`bad hex key "${text.length > 20 ? text.slice(0, 20) + '…' : text}"`);
    return ok(Buffer.from(hex, 'hex'));
  }
  return ok(Buffer.from(text, 'latin1'));
}

function parseSpi(text: string): Parsed<number> {
  const t = text.trim();
  let n: number;
  if (/^0x[0-9a-f]{1,8}$/i.test(t)) n = parseInt(t.slice(2), 16);
  else if (/^\d{1,10}$/.test(t)) n = Number(t);
  else return fail(`bad SPI "${t}"${t.includes('*') ? ' (wildcard SPIs are not supported)' : ''}`);
  if (n > 0xffffffff) return fail(`SPI "${t}" does not fit in 32 bits`);
  // RFC 4303 2.1: SPI values 1..255 are reserved and 0 is local-only; an SA
  // cannot carry them on the wire.
  if (n < 256) return fail(`SPI ${t} is reserved (RFC 4303 2.1: 0..255 never appear on the wire)`);
  return ok(n);
}

function finish(
  file: string,
  line: number,
  fields: Omit<SecurityAssociation, 'origin'>,
  out: SaLoadResult,
): void {
  const problem = checkSaKeys(fields);
  if (problem) {
    out.errors.push({ file, line, message: `SPI 0x${fields.spi.toString(16).padStart(8, '0')}: ${problem}` });
    return;
  }
  out.sas.push({ ...fields, origin: { file, line } });
}

// ---------------------------------------------------------------- Wireshark esp_sa

/** table[key] for the table's own keys only: an algorithm named "constructor" is unsupported, not Object. */
function own<T>(table: Readonly<Record<string | number, T>>, key: string | number): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

/** Wireshark's encryption names as its UAT stores them. */
const WIRESHARK_ENC: Readonly<Record<string, EncAlgorithm | string>> = {
  'NULL': 'null',
  'TripleDES-CBC [RFC2451]': '3des-cbc',
  'AES-CBC [RFC3602]': 'aes-cbc',
  'AES-CTR [RFC3686]': 'aes-ctr',
  'DES-CBC [RFC2405]': 'des-cbc',
  'CAST5-CBC [RFC2144]': 'cast5-cbc',
  'BLOWFISH-CBC [RFC2451]': 'blowfish-cbc',
  // The undated name predates the ICV choice; RFC 4106 8.1 makes 16 octets mandatory to support.
  'AES-GCM [RFC4106]': 'aes-gcm-16',
  'AES-GCM with 8 octet ICV [RFC4106]': 'aes-gcm-8',
  'AES-GCM with 12 octet ICV [RFC4106]': 'aes-gcm-12',
  'AES-GCM with 16 octet ICV [RFC4106]': 'aes-gcm-16',
};

/** Wireshark's authentication names; the value is the algorithm and whether the key is used. */
const WIRESHARK_AUTH: Readonly<Record<string, { auth: AuthAlgorithm; keyed: boolean }>> = {
  'NULL': { auth: 'null', keyed: true },
  'HMAC-SHA-1-96 [RFC2404]': { auth: 'hmac-sha1-96', keyed: true },
  'HMAC-MD5-96 [RFC2403]': { auth: 'hmac-md5-96', keyed: true },
  'HMAC-SHA-256-96 [draft-ietf-ipsec-ciph-sha-256-00]': { auth: 'hmac-sha256-96', keyed: true },
  'HMAC-SHA-256-128 [RFC4868]': { auth: 'hmac-sha256-128', keyed: true },
  'HMAC-SHA-384-192 [RFC4868]': { auth: 'hmac-sha384-192', keyed: true },
  'HMAC-SHA-512-256 [RFC4868]': { auth: 'hmac-sha512-256', keyed: true },
  // "no checking" entries give only the ICV length: the key is ignored and the ICV reported unchecked.
  'ANY 96 bit authentication [no checking]': { auth: 'hmac-sha1-96', keyed: false },
  'ANY 128 bit authentication [no checking]': { auth: 'hmac-sha256-128', keyed: false },
  'ANY 192 bit authentication [no checking]': { auth: 'hmac-sha384-192', keyed: false },
  'ANY 256 bit authentication [no checking]': { auth: 'hmac-sha512-256', keyed: false },
};

/** Split one UAT record: comma-separated double-quoted fields with `\xNN` and `\\`/`\"` escapes. */
export function splitUatRecord(line: string): Parsed<string[]> {
  const fields: string[] = [];
  let i = 0;
  const n = line.length;
  for (;;) {
    while (i < n && (line[i] === ' ' || line[i] === '\t')) i++;
    if (line[i] !== '"') return fail(`field ${fields.length + 1} is not a quoted string`);
    i++;
    let s = '';
    for (;;) {
      if (i >= n) return fail(`field ${fields.length + 1} has no closing quote`);
      const c = line[i]!;
      if (c === '"') {
        i++;
        break;
      }
      if (c === '\\' && i + 1 < n) {
        const d = line[i + 1]!;
        if ((d === 'x' || d === 'X') && /^[0-9a-f]{2}$/i.test(line.slice(i + 2, i + 4))) {
          s += String.fromCharCode(parseInt(line.slice(i + 2, i + 4), 16));
          i += 4;
        } else {
          s += d;
          i += 2;
        }
        continue;
      }
      s += c;
      i++;
    }
    fields.push(s);
    while (i < n && (line[i] === ' ' || line[i] === '\t')) i++;
    if (i >= n) return ok(fields);
    if (line[i] !== ',') return fail(`unexpected "${line[i]}" after field ${fields.length}`);
    i++;
  }
}

function parseWiresharkEspSa(lines: readonly string[], file: string): SaLoadResult {
  const out: SaLoadResult = { sas: [], errors: [] };
  lines.forEach((raw, idx) => {
    const lineNo = idx + 1;
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const err = (message: string) => out.errors.push({ file, line: lineNo, message });
    const rec = splitUatRecord(line);
    if (!rec.ok) return err(rec.message);
    const f = rec.value;
    // protocol, src, dst, SPI, encryption, key, authentication, key; later
    // Wireshark versions may append columns, which do not change the SA.
    if (f.length < 8) return err(`expected 8 fields (protocol, source, destination, SPI, encryption, key, authentication, key), got ${f.length}`);
    const [proto, srcText, dstText, spiText, encName, encKeyText, authName, authKeyText] = f as [string, string, string, string, string, string, string, string];
    let family: 4 | 6 | null;
    if (proto === 'IPv4') family = 4;
    else if (proto === 'IPv6') family = 6;
    else if (proto === 'Any' || proto === '*') family = null;
    else return err(`unknown protocol "${proto}" (IPv4, IPv6 or Any)`);
    const src = parseAddressMatch(srcText, family);
    if (!src.ok) return err(`source: ${src.message}`);
    const dst = parseAddressMatch(dstText, family);
    if (!dst.ok) return err(`destination: ${dst.message}`);
    if (src.value && dst.value && src.value.family !== dst.value.family) return err('source and destination are different IP versions');
    const spi = parseSpi(spiText);
    if (!spi.ok) return err(spi.message);
    const enc = own(WIRESHARK_ENC, encName);
    if (enc === undefined) return err(`unsupported encryption algorithm "${encName}"`);
    const auth = own(WIRESHARK_AUTH, authName);
    if (auth === undefined) return err(`unsupported authentication algorithm "${authName}"`);
    const encKey = parseKey(encKeyText);
    if (!encKey.ok) return err(`encryption key: ${encKey.message}`);
    const authKey = auth.keyed ? parseKey(authKeyText) : ok(Buffer.alloc(0));
    if (!authKey.ok) return err(`authentication key: ${authKey.message}`);
    if (auth.keyed && auth.auth !== 'null' && authKey.value.length === 0) return err(`${authName} needs a key`);
    finish(file, lineNo, {
      spi: spi.value,
      src: src.value,
      dst: dst.value,
      enc: enc as EncAlgorithm,
      encKey: encKey.value,
      auth: auth.auth,
      authKey: authKey.value,
      esn: false, // the UAT has no ESN column
      replayWindow: DEFAULT_REPLAY_WINDOW,
    }, out);
  });
  return out;
}

// ---------------------------------------------------------------- ip xfrm state

/** Linux crypto API names for `enc`. */
const XFRM_ENC: Readonly<Record<string, EncAlgorithm>> = {
  'ecb(cipher_null)': 'null',
  'cipher_null': 'null',
  'cbc(aes)': 'aes-cbc',
  'rfc3686(ctr(aes))': 'aes-ctr',
  'cbc(des3_ede)': '3des-cbc',
  'cbc(des)': 'des-cbc',
  'cbc(cast5)': 'cast5-cbc',
  'cbc(blowfish)': 'blowfish-cbc',
};

/** Hash name → algorithm by truncation length in bits. */
const XFRM_AUTH: Readonly<Record<string, Readonly<Record<number, AuthAlgorithm>>>> = {
  'hmac(sha1)': { 96: 'hmac-sha1-96' },
  'hmac(md5)': { 96: 'hmac-md5-96' },
  'hmac(sha256)': { 96: 'hmac-sha256-96', 128: 'hmac-sha256-128' },
  'hmac(sha384)': { 192: 'hmac-sha384-192' },
  'hmac(sha512)': { 256: 'hmac-sha512-256' },
};

/** The kernel's default truncation for `auth` (no -trunc), per algorithm. */
const XFRM_DEFAULT_TRUNC: Readonly<Record<string, number>> = {
  'hmac(sha1)': 96,
  'hmac(md5)': 96,
  'hmac(sha256)': 96,
  'hmac(sha384)': 192,
  'hmac(sha512)': 256,
};

interface XfrmBlock {
  line: number;
  src: string;
  dst: string;
  proto?: string;
  spi?: string;
  esn: boolean;
  replayWindow: number;
  replayWindowStated: boolean;
  enc?: { name: string; key: string; line: number };
  aead?: { name: string; key: string; icvBits: string; line: number };
  auth?: { name: string; key: string; truncBits: string | null; line: number };
  problems: { line: number; message: string }[];
}

/** ip(8) prints an empty key as `""`. */
const unquote = (s: string) => (s === '""' ? '' : s);

function parseIpXfrm(lines: readonly string[], file: string): SaLoadResult {
  const out: SaLoadResult = { sas: [], errors: [] };
  const blocks: XfrmBlock[] = [];
  let cur: XfrmBlock | null = null;
  lines.forEach((raw, idx) => {
    const lineNo = idx + 1;
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const w = line.split(/\s+/);
    if (w[0] === 'src' && w[2] === 'dst' && w.length === 4 && !/^\s/.test(raw)) {
      cur = { line: lineNo, src: w[1]!, dst: w[3]!, esn: false, replayWindow: DEFAULT_REPLAY_WINDOW, replayWindowStated: false, problems: [] };
      blocks.push(cur);
      return;
    }
    const b = cur as XfrmBlock | null;
    if (!b) {
      out.errors.push({ file, line: lineNo, message: 'line outside any "src A dst B" block' });
      return;
    }
    for (let i = 0; i < w.length; i++) {
      const word = w[i]!;
      if (word === 'proto') b.proto = w[++i];
      else if (word === 'spi') b.spi = w[++i];
      else if (word === 'replay-window' || word === 'replay_window') {
        // With ESN, ip(8) prints `replay-window 0` and the real size in the
        // ESN context (`replay_window 128,`): keep the larger stated value.
        const n = Number((w[++i] ?? '').replace(/,$/, ''));
        if (Number.isInteger(n) && n >= 0) {
          b.replayWindow = b.replayWindowStated ? Math.max(b.replayWindow, n) : n;
          b.replayWindowStated = true;
        }
      } else if (word === 'flag') {
        // Flags follow until the end of the line: `flag af-unspec esn`.
        for (i++; i < w.length; i++) if (w[i] === 'esn') b.esn = true;
      }
    }
    const kw = w[0];
    if (kw === 'enc') {
      if (w.length < 3) b.problems.push({ line: lineNo, message: 'enc needs an algorithm and a key' });
      else b.enc = { name: w[1]!, key: unquote(w[2]!), line: lineNo };
    } else if (kw === 'aead') {
      if (w.length < 4) b.problems.push({ line: lineNo, message: 'aead needs an algorithm, a key and an ICV length' });
      else b.aead = { name: w[1]!, key: unquote(w[2]!), icvBits: w[3]!, line: lineNo };
    } else if (kw === 'auth' || kw === 'auth-trunc') {
      if (w.length < (kw === 'auth' ? 3 : 4)) b.problems.push({ line: lineNo, message: `${kw} needs an algorithm, a key${kw === 'auth' ? '' : ' and a length'}` });
      else b.auth = { name: w[1]!, key: unquote(w[2]!), truncBits: kw === 'auth' ? null : w[3]!, line: lineNo };
    }
  });

  for (const b of blocks) {
    // AH and IPComp states share the file; only ESP SAs concern this table.
    if (b.proto !== undefined && b.proto !== 'esp') continue;
    const err = (message: string, line = b.line) => out.errors.push({ file, line, message });
    if (b.problems.length) {
      for (const p of b.problems) err(p.message, p.line);
      continue;
    }
    if (b.proto === undefined) { err('block has no "proto esp" line'); continue; }
    if (b.spi === undefined) { err('block has no SPI'); continue; }
    const spi = parseSpi(b.spi);
    if (!spi.ok) { err(spi.message); continue; }
    const src = parseAddressMatch(b.src);
    if (!src.ok) { err(`source: ${src.message}`); continue; }
    const dst = parseAddressMatch(b.dst);
    if (!dst.ok) { err(`destination: ${dst.message}`); continue; }
    let enc: EncAlgorithm;
    let encKey: Buffer;
    let auth: AuthAlgorithm = 'null';
    let authKey: Buffer = Buffer.alloc(0);
    if (b.aead) {
      const icv = Number(b.aead.icvBits);
      if (b.aead.name !== 'rfc4106(gcm(aes))') { err(`unsupported aead algorithm "${b.aead.name}"`, b.aead.line); continue; }
      if (icv !== 64 && icv !== 96 && icv !== 128) { err(`AES-GCM ICV of ${b.aead.icvBits} bits; RFC 4106 allows 64, 96 or 128`, b.aead.line); continue; }
      enc = `aes-gcm-${icv / 8}` as EncAlgorithm;
      const k = parseKey(b.aead.key);
      if (!k.ok) { err(k.message, b.aead.line); continue; }
      encKey = k.value;
    } else if (b.enc) {
      const e = own(XFRM_ENC, b.enc.name);
      if (!e) { err(`unsupported encryption algorithm "${b.enc.name}"`, b.enc.line); continue; }
      enc = e;
      const k = parseKey(b.enc.key);
      if (!k.ok) { err(k.message, b.enc.line); continue; }
      encKey = k.value;
    } else {
      // RFC 4303 3.2 allows integrity-only ESP; ip(8) then omits the enc line.
      enc = 'null';
      encKey = Buffer.alloc(0);
    }
    if (b.auth && b.auth.name !== 'digest_null') {
      const byTrunc = own(XFRM_AUTH, b.auth.name);
      if (!byTrunc) { err(`unsupported authentication algorithm "${b.auth.name}"`, b.auth.line); continue; }
      const bits = b.auth.truncBits === null ? XFRM_DEFAULT_TRUNC[b.auth.name]! : Number(b.auth.truncBits);
      const a = own(byTrunc, bits);
      if (!a) { err(`${b.auth.name} truncated to ${b.auth.truncBits} bits is not a supported ESP transform`, b.auth.line); continue; }
      auth = a;
      const k = parseKey(b.auth.key);
      if (!k.ok) { err(k.message, b.auth.line); continue; }
      authKey = k.value;
    }
    finish(file, b.line, { spi: spi.value, src: src.value, dst: dst.value, enc, encKey, auth, authKey, esn: b.esn, replayWindow: b.replayWindow }, out);
  }
  return out;
}

// ---------------------------------------------------------------- tcpdump -E

/**
 * The argument of tcpdump's `-E` option: `file PATH`, or one or more
 * comma-separated `spi@address algorithm:secret` entries, as tcpdump takes them
 * on its command line. Errors name the option rather than a file.
 */
export function parseTcpdumpEspArg(arg: string): SaLoadResult {
  const t = arg.trim();
  if (t.startsWith('file ')) return loadSaFile(t.slice(5).trim());
  return parseTcpdumpSecrets(t.split(','), '-E');
}

const TCPDUMP_ENC: Readonly<Record<string, EncAlgorithm>> = {
  'none': 'null',
  'des-cbc': 'des-cbc',
  '3des-cbc': '3des-cbc',
  'des-ede3-cbc': '3des-cbc',
  'aes128-cbc': 'aes-cbc',
  'aes192-cbc': 'aes-cbc',
  'aes256-cbc': 'aes-cbc',
  'aes-128-cbc': 'aes-cbc',
  'aes-192-cbc': 'aes-cbc',
  'aes-256-cbc': 'aes-cbc',
  'cast128-cbc': 'cast5-cbc',
  'cast5-cbc': 'cast5-cbc',
  'blowfish-cbc': 'blowfish-cbc',
  'bf-cbc': 'blowfish-cbc',
};

/** AES key size named by the algorithm, so a key of the wrong size is caught on its line. */
const TCPDUMP_AES_BYTES: Readonly<Record<string, number>> = {
  'aes128-cbc': 16, 'aes-128-cbc': 16, 'aes192-cbc': 24, 'aes-192-cbc': 24, 'aes256-cbc': 32, 'aes-256-cbc': 32,
};

function parseTcpdumpSecrets(lines: readonly string[], file: string): SaLoadResult {
  const out: SaLoadResult = { sas: [], errors: [] };
  lines.forEach((raw, idx) => {
    const lineNo = idx + 1;
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const err = (message: string) => out.errors.push({ file, line: lineNo, message });
    const w = line.split(/\s+/);
    if (w.length !== 2) {
      return err(w.length === 1
        ? 'a secret without spi@address applies to every SA; give "0xSPI@destination algorithm:secret"'
        : 'expected "0xSPI@destination algorithm:secret"');
    }
    const at = w[0]!.indexOf('@');
    if (at < 0) return err(`"${w[0]}" is not spi@address`);
    const spi = parseSpi(w[0]!.slice(0, at));
    if (!spi.ok) return err(spi.message);
    const dst = parseAddressMatch(w[0]!.slice(at + 1));
    if (!dst.ok) return err(dst.message);
    const colon = w[1]!.indexOf(':');
    if (colon < 0) return err(`"${w[1]}" is not algorithm:secret`);
    let algo = w[1]!.slice(0, colon).toLowerCase();
    // `-hmac96` says a 12-byte HMAC-SHA-1-96 ICV follows; tcpdump has no key
    // for it, so it is skipped, not verified.
    const hmac96 = algo.endsWith('-hmac96');
    if (hmac96) algo = algo.slice(0, -'-hmac96'.length);
    const enc = own(TCPDUMP_ENC, algo);
    if (!enc) return err(`unsupported algorithm "${w[1]!.slice(0, colon)}"`);
    const key = parseKey(w[1]!.slice(colon + 1));
    if (!key.ok) return err(key.message);
    const aesBytes = own(TCPDUMP_AES_BYTES, algo);
    if (aesBytes !== undefined && key.value.length !== aesBytes) return err(`${algo} needs a ${aesBytes}-byte key, got ${key.value.length}`);
    if (enc === 'null' && !hmac96) return err('"none" without -hmac96 protects nothing (RFC 4303 3.2)');
    finish(file, lineNo, {
      spi: spi.value,
      src: null,
      dst: dst.value,
      enc,
      encKey: enc === 'null' ? Buffer.alloc(0) : key.value,
      auth: hmac96 ? 'hmac-sha1-96' : 'null',
      authKey: Buffer.alloc(0),
      esn: false,
      replayWindow: DEFAULT_REPLAY_WINDOW,
    }, out);
  });
  return out;
}
