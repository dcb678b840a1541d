/**
 * Every shipped sample, read by two independent implementations and by ours,
 * with the same lab SA table: tshark (Wireshark's dissectors, ICV check and ESP
 * sequence analysis) and Scapy (with HMACs, AES-CBC and Mobility Header /
 * ICMPv6 checksums computed in test/samples/scapy_fields.py) must open every
 * frame and agree with our fields: addresses, ESP SPI/sequence/ICV, the
 * Mobility Header fields of RFC 6275 6.1 and the standard messages' fields.
 * Each tool's tests skip, saying why, when the tool is missing.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { defaultSamplesDir } from '../../src/samples/generate.js';
import { hasScapy, hasTshark, NO_SCAPY, NO_TSHARK, SCAPY_PYTHON } from '../craft/external-tools.js';
import { dissectFields, samplePath, sampleSas, saTableOf, scapySaJson, uatRecords, type Value } from './lab-sa.js';

const captures = readdirSync(defaultSamplesDir()).filter((n) => n.endsWith('.pcapng')).sort();

/** Field in tshark's name -> the same field in ours (they share Wireshark's names but for the Home Address option). */
const TSHARK_FIELDS: Readonly<Record<string, string>> = Object.fromEntries([
  'ipv6.src', 'ipv6.dst', 'ipv6.routing.mipv6.home_address',
  'esp.spi', 'esp.sequence',
  'mip6.proto', 'mip6.hlen', 'mip6.mhtype', 'mip6.csum',
  'mip6.bu.seqnr', 'mip6.bu.a_flag', 'mip6.bu.h_flag', 'mip6.bu.l_flag', 'mip6.bu.k_flag', 'mip6.bu.m_flag', 'mip6.bu.p_flag', 'mip6.bu.lifetime',
  'mip6.ba.status', 'mip6.ba.k_flag', 'mip6.ba.seqnr', 'mip6.ba.lifetime',
  'mip6.has.num_addrs', 'mip6.has.address', 'mip6.bra.interval',
  'icmpv6.type', 'icmpv6.code', 'icmpv6.checksum', 'icmpv6.nd.ra.flag', 'icmpv6.nd.ra.router_lifetime',
].map((f) => [f, f]).concat([['ipv6.opt.mipv6.home_address', 'ipv6.opt.mipv6.hoa']]));

/** tshark's text for a value: numbers in decimal (it prints some in hex), booleans as 1/0. */
function norm(v: Value | string): string {
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string' && /^(0x[0-9a-f]+|\d+)$/i.test(v)) return String(Number(v));
  if (v === 'True') return '1';
  if (v === 'False') return '0';
  return String(v);
}

function tsharkFields(name: string, fields: readonly string[]): string[][] {
  const path = samplePath(name);
  const uat = uatRecords(sampleSas(path));
  const r = spawnSync('tshark', [
    '-o', 'esp.enable_encryption_decode:TRUE', '-o', 'esp.enable_authentication_check:TRUE', '-o', 'esp.do_esp_sequence_analysis:TRUE',
    ...uat.flatMap((l) => ['-o', `uat:esp_sa:${l}`]),
    '-r', path, '-T', 'fields', '-E', 'separator=/t', '-E', 'occurrence=a', '-E', 'aggregator=,', ...fields.flatMap((f) => ['-e', f]),
  ], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const stderr = r.stderr.split('\n').filter((l) => l.trim() !== '' && !/Running as user/.test(l)).join('\n');
  if (r.status !== 0 || stderr !== '') throw new Error(`tshark failed on ${name} (${r.status}): ${stderr}`);
  return r.stdout.replace(/\n$/, '').split('\n').map((l) => l.split('\t'));
}

/**
 * Where tshark 4.0 cannot be compared field for field, each for a reason of its own:
 * - Wireshark's Home Agent Switch dissector returns the message length without the
 *   6-byte Mobility Header prefix, so it reads the options 6 bytes early (inside the
 *   last address): the Binding Refresh Advice of a Home Agent Switch is not compared.
 * - A packet whose ICV fails is dropped (RFC 4303 3.4.4): we do not dissect its payload,
 *   Wireshark does; only the ESP header and the ICV verdict are compared.
 * - A Mobility Header that Wireshark finds malformed (bad-options' truncated BU) aborts
 *   its ESP dissector before the ICV verdict is added: the verdict is not compared there.
 */
const HAS_OPTION_FIELDS = new Set(['mip6.bra.interval']);

describe.skipIf(!hasTshark)(`tshark opens every sample and agrees with our fields${hasTshark ? '' : ` (skipped: ${NO_TSHARK})`}`, () => {
  const theirs = Object.keys(TSHARK_FIELDS);
  const extra = ['esp.icv_good', 'esp.icv_bad', 'esp.sequence-analysis.expected-sn', '_ws.malformed'];
  const malformed: string[] = [];
  for (const name of captures) {
    it(name, () => {
      const path = samplePath(name);
      const ours = dissectFields(path, [...Object.values(TSHARK_FIELDS), 'esp.icv.status'], saTableOf(sampleSas(path)));
      const rows = tsharkFields(name, [...theirs, ...extra]);
      expect(rows.length, 'frames').toBe(ours.length);
      rows.forEach((row, i) => {
        const frame = i + 1;
        const mine = ours[i]!;
        const icv = mine['esp.icv.status']![0];
        const [good, bad, expectedSn, isMalformed] = row.slice(theirs.length);
        theirs.forEach((t, k) => {
          if (icv === 'bad' && !/^(ipv6\.|esp\.)/.test(t)) return;
          if (HAS_OPTION_FIELDS.has(t) && mine['mip6.mhtype']![0] === 12) return;
          const want = mine[TSHARK_FIELDS[t]!]!.map(norm).join(',');
          const got = row[k]!.split(',').filter((x) => x !== '').map(norm).join(',');
          expect(got, `${name} frame ${frame} ${t}`).toBe(want);
        });
        if (isMalformed) malformed.push(`${name} frame ${frame}`);
        else if (icv !== undefined) expect(`${norm(good!)}/${norm(bad!)}`, `${name} frame ${frame} ICV (ours: ${icv})`).toBe(icv === 'good' ? '1/0' : '0/1');
        // Wireshark's own ESP sequence analysis: the only wrong sequence number in all samples is bad-esp's replay.
        if (expectedSn) expect(`${name} frame ${frame}`, `Wireshark expected ESP sequence ${expectedSn}`).toBe('bad-esp.pcapng frame 3');
      });
    });
  }

  it('the only Mobility Header Wireshark calls malformed is bad-options\' truncated Binding Update', () => {
    expect(malformed).toEqual(['bad-options.pcapng frame 5']);
  });
});

interface ScapyFrame {
  src?: string;
  dst?: string;
  esp?: { spi: number; seq: number; icvOk?: boolean; nh?: number };
  mh?: {
    proto: number; hlen: number; type: number; csum: number; csumOk: boolean;
    bu?: { seq: number; flags: number; lifetime: number };
    ba?: { status: number; flags: number; seq: number; lifetime: number };
  };
  icmpv6?: { type: number; code: number; csum: number; csumOk: boolean };
}

const SCRIPT = fileURLToPath(new URL('./scapy_fields.py', import.meta.url));

const OUR_FIELDS = [
  'ipv6.src', 'ipv6.dst', 'esp.spi', 'esp.sequence', 'esp.icv.status', 'esp.protocol',
  'mip6.proto', 'mip6.hlen', 'mip6.mhtype', 'mip6.csum', 'mip6.csum.status',
  'mip6.bu.seqnr', 'mip6.bu.a_flag', 'mip6.bu.h_flag', 'mip6.bu.l_flag', 'mip6.bu.k_flag', 'mip6.bu.m_flag', 'mip6.nemo.bu.r_flag', 'mip6.bu.p_flag', 'mip6.bu.lifetime',
  'mip6.ba.status', 'mip6.ba.k_flag', 'mip6.nemo.ba.r_flag', 'mip6.ba.p_flag', 'mip6.ba.seqnr', 'mip6.ba.lifetime',
  'icmpv6.type', 'icmpv6.code', 'icmpv6.checksum', 'icmpv6.checksum.status',
];

/** Our fields in the shape the Scapy script prints. */
function ourFrame(f: Record<string, Value[]>): ScapyFrame {
  const one = (a: string): Value | undefined => f[a]![0];
  const n = (a: string): number => one(a) as number;
  const bit = (a: string): number => (one(a) ? 1 : 0);
  const out: ScapyFrame = {};
  if (one('ipv6.src') !== undefined) { out.src = one('ipv6.src') as string; out.dst = one('ipv6.dst') as string; }
  if (one('esp.spi') !== undefined) {
    out.esp = { spi: n('esp.spi'), seq: n('esp.sequence') };
    if (one('esp.icv.status') !== undefined) out.esp.icvOk = one('esp.icv.status') === 'good';
    if (one('esp.protocol') !== undefined) out.esp.nh = n('esp.protocol');
  }
  if (one('mip6.mhtype') !== undefined) {
    out.mh = { proto: n('mip6.proto'), hlen: n('mip6.hlen'), type: n('mip6.mhtype'), csum: n('mip6.csum'), csumOk: one('mip6.csum.status') === 'good' };
    if (one('mip6.bu.seqnr') !== undefined) {
      // Scapy's 7-bit BU flags, most significant first: A H L K M R P.
      const flags = ['a', 'h', 'l', 'k', 'm'].reduce((x, c) => (x << 1) | bit(`mip6.bu.${c}_flag`), 0);
      out.mh.bu = { seq: n('mip6.bu.seqnr'), flags: (((flags << 1) | bit('mip6.nemo.bu.r_flag')) << 1) | bit('mip6.bu.p_flag'), lifetime: n('mip6.bu.lifetime') };
    }
    if (one('mip6.ba.seqnr') !== undefined) {
      // Scapy's 3-bit BA flags: K R P.
      out.mh.ba = { status: n('mip6.ba.status'), flags: (bit('mip6.ba.k_flag') << 2) | (bit('mip6.nemo.ba.r_flag') << 1) | bit('mip6.ba.p_flag'), seq: n('mip6.ba.seqnr'), lifetime: n('mip6.ba.lifetime') };
    }
  }
  if (one('icmpv6.type') !== undefined) {
    out.icmpv6 = { type: n('icmpv6.type'), code: n('icmpv6.code'), csum: n('icmpv6.checksum'), csumOk: one('icmpv6.checksum.status') === 'good' };
  }
  return out;
}

describe.skipIf(!hasScapy)(`Scapy opens every sample and agrees with our fields${hasScapy ? '' : ` (skipped: ${NO_SCAPY})`}`, () => {
  for (const name of captures) {
    it(name, () => {
      const path = samplePath(name);
      const sas = sampleSas(path);
      const r = spawnSync(SCAPY_PYTHON, [SCRIPT, path, scapySaJson(sas)], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      expect(r.status, r.stderr).toBe(0);
      const theirs = JSON.parse(r.stdout.trim().split('\n').pop()!) as ScapyFrame[];
      const ours = dissectFields(path, OUR_FIELDS, saTableOf(sas)).map(ourFrame);
      expect(theirs.length, 'frames').toBe(ours.length);
      theirs.forEach((t, i) => expect(t, `${name} frame ${i + 1}`).toEqual(ours[i]));
    });
  }

  it('the broken samples are broken for Scapy too: one bad MH checksum, one bad ICV', () => {
    const count = (name: string, pick: (f: ScapyFrame) => boolean): number => {
      const path = samplePath(name);
      const r = spawnSync(SCAPY_PYTHON, [SCRIPT, path, scapySaJson(sampleSas(path))], { encoding: 'utf8' });
      return (JSON.parse(r.stdout.trim().split('\n').pop()!) as ScapyFrame[]).filter(pick).length;
    };
    expect(count('bad-checksum.pcapng', (f) => f.mh?.csumOk === false)).toBe(1);
    expect(count('bad-esp.pcapng', (f) => f.esp?.icvOk === false)).toBe(1);
  });
});
