/**
 * The lab's ESP SAs for the sample captures, as the cross-checks need them: one
 * SA table that our dissector, tshark and the Scapy script all load, and a way to
 * read fields of every frame of a sample with our dissector.
 */
import { join } from 'node:path';
import { openCapture } from '../../src/capture/open.js';
import { LAB_KEYS, toHex } from '../../src/craft/index.js';
import { createDissector, dissectFrame } from '../../src/dissect/index.js';
import { fieldByAbbrev } from '../../src/dissect/fields.js';
import { parseSaText } from '../../src/esp/load.js';
import { SaTable } from '../../src/esp/sa.js';
import { jsonValue } from '../../src/output/values.js';
import { defaultSamplesDir } from '../../src/samples/generate.js';
import { ENCRYPTED_SA } from '../../src/samples/lab.js';

export type Value = string | number | boolean | null;

export interface LabSa {
  spi: number;
  enc: 'null' | 'aes-cbc';
  encKey: Uint8Array;
  auth: 'sha1' | 'sha256';
  authKey: Uint8Array;
  icv: 12 | 16;
}

export const samplePath = (name: string): string => join(defaultSamplesDir(), name);

/** The lab's SA for an SPI: the encrypted sample's two, HA-HA (0x2...) HMAC-SHA-256-128, MN-HA (0x1...) HMAC-SHA1-96. */
export function labSa(spi: number): LabSa {
  if (spi === ENCRYPTED_SA.mnToHaSpi || spi === ENCRYPTED_SA.haToMnSpi) {
    return { spi, enc: 'aes-cbc', encKey: ENCRYPTED_SA.encKey, auth: 'sha1', authKey: ENCRYPTED_SA.authKey, icv: 12 };
  }
  if (spi >= 0x20000000) return { spi, enc: 'null', encKey: new Uint8Array(0), auth: 'sha256', authKey: LAB_KEYS.hmacSha256, icv: 16 };
  return { spi, enc: 'null', encKey: new Uint8Array(0), auth: 'sha1', authKey: LAB_KEYS.hmacSha1, icv: 12 };
}

const hex = (b: Uint8Array): string => (b.length === 0 ? '' : `0x${toHex(b)}`);

/** Wireshark esp_sa UAT records, any address, one per SPI. */
export function uatRecords(sas: readonly LabSa[]): string[] {
  return sas.map((sa) => [
    'IPv6', '*', '*', `0x${sa.spi.toString(16).padStart(8, '0')}`,
    sa.enc === 'null' ? 'NULL' : 'AES-CBC [RFC3602]', hex(sa.encKey),
    sa.auth === 'sha1' ? 'HMAC-SHA-1-96 [RFC2404]' : 'HMAC-SHA-256-128 [RFC4868]', hex(sa.authKey),
  ].map((f) => `"${f}"`).join(','));
}

/** The same records loaded the way `--esp-sa` loads a Wireshark file. */
export function saTableOf(sas: readonly LabSa[]): SaTable {
  const r = parseSaText(`${uatRecords(sas).join('\n')}\n`, 'lab.esp_sa');
  if (r.errors.length > 0) throw new Error(r.errors.map((e) => e.message).join('; '));
  const t = new SaTable();
  for (const sa of r.sas) t.add(sa);
  return t;
}

/** The SA table as the Scapy script reads it (SPI -> algorithms and hex keys). */
export function scapySaJson(sas: readonly LabSa[]): string {
  return JSON.stringify(Object.fromEntries(sas.map((sa) => [sa.spi, {
    enc: sa.enc, encKey: toHex(sa.encKey), auth: sa.auth, authKey: toHex(sa.authKey), icv: sa.icv,
  }])));
}

/** Every occurrence of each field, per frame, as JSON values (our dissector; `sas` opens ESP). */
export function dissectFields(path: string, abbrevs: readonly string[], sas?: SaTable): Record<string, Value[]>[] {
  const defs = abbrevs.map((a) => {
    const d = fieldByAbbrev(a);
    if (!d) throw new Error(`no field ${a}`);
    return [a, d] as const;
  });
  const ctx = createDissector();
  if (sas) ctx.saTable = sas;
  const frames: Record<string, Value[]>[] = [];
  const r = openCapture(path);
  try {
    for (let f = r.next(); f !== null; f = r.next()) {
      dissectFrame(ctx, f);
      const tree = ctx.tree;
      const rec: Record<string, Value[]> = {};
      for (const [a, d] of defs) {
        const vs: Value[] = [];
        for (let i = tree.first(d); i >= 0; i = tree.next(d, i)) vs.push(jsonValue(tree, i));
        rec[a] = vs;
      }
      frames.push(rec);
    }
  } finally {
    r.close();
  }
  return frames;
}

/** The lab SAs of every SPI in a capture. */
export function sampleSas(path: string): LabSa[] {
  const spis = new Set<number>();
  for (const f of dissectFields(path, ['esp.spi'])) for (const v of f['esp.spi']!) spis.add(v as number);
  return [...spis].sort((a, b) => a - b).map(labSa);
}
