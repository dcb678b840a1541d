import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { LAB_KEYS, toHex } from '../../src/craft/index.js';
import { CAPTURE_START, defaultSamplesDir, generateSamples } from '../../src/samples/generate.js';
import { SCENARIOS } from '../../src/samples/scenarios.js';
import { hasScapy, hasTshark, NO_SCAPY, NO_TSHARK, SCAPY_PYTHON } from '../craft/external-tools.js';

const scenarios = SCENARIOS.map((make) => make());
const dirA = mkdtempSync(join(tmpdir(), 'mip6scope-samples-a-'));
const dirB = mkdtempSync(join(tmpdir(), 'mip6scope-samples-b-'));
generateSamples(dirA);
generateSamples(dirB);
afterAll(() => {
  rmSync(dirA, { recursive: true, force: true });
  rmSync(dirB, { recursive: true, force: true });
});

const shipped = defaultSamplesDir();
const generated = readdirSync(dirA).sort();

describe('sample generator', () => {
  it('writes one capture per scenario, quick-start first in the list, broken ones named bad-*', () => {
    expect(scenarios[0]!.name).toBe('registration-and-switch');
    for (const s of scenarios) expect(generated).toContain(`${s.name}.pcapng`);
    expect(generated).toContain('esp-encrypted.esp_sa');
    expect(generated).toContain('bad-esp.esp_sa');
    expect(new Set(scenarios.map((s) => s.name)).size).toBe(scenarios.length);
    expect(scenarios.filter((s) => s.name.startsWith('bad-')).length).toBe(12);
  });

  it('is deterministic: two runs give identical bytes', () => {
    expect(readdirSync(dirB).sort()).toEqual(generated);
    for (const name of generated) {
      expect(toHex(readFileSync(join(dirB, name))), name).toBe(toHex(readFileSync(join(dirA, name))));
    }
  });

  it('the files shipped in samples/ are what the generator writes now (regenerate with npm run samples)', () => {
    for (const name of generated) {
      const mine = readFileSync(join(dirA, name));
      let theirs: Buffer;
      try {
        theirs = readFileSync(join(shipped, name));
      } catch {
        throw new Error(`samples/${name} is missing: run npm run build && npm run samples`);
      }
      expect(theirs.equals(mine), `samples/${name} drifted from the generator`).toBe(true);
    }
  });

  it('resolves samples/ at the repository root', () => {
    const repo = fileURLToPath(new URL('../../', import.meta.url));
    expect(join(shipped)).toBe(join(repo, 'samples/'));
  });
});

function tshark(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('tshark', args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  // tshark warns about running as root; that is not a problem with the file.
  const stderr = r.stderr.split('\n').filter((l) => l.trim() !== '' && !/Running as user/.test(l)).join('\n');
  return { status: r.status, stdout: r.stdout, stderr };
}

describe.skipIf(!hasTshark)(`tshark reads every sample${hasTshark ? '' : ` (skipped: ${NO_TSHARK})`}`, () => {
  for (const s of scenarios) {
    it(`${s.name}.pcapng: ${s.packets.length} packets, no read error`, () => {
      const r = tshark(['-r', join(dirA, `${s.name}.pcapng`), '-T', 'fields', '-e', 'frame.time_epoch']);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const times = r.stdout.trim().split('\n').map(Number);
      expect(times.length).toBe(s.packets.length);
      expect(Math.min(...times)).toBeGreaterThanOrEqual(CAPTURE_START);
      expect(Math.min(...times)).toBeLessThan(CAPTURE_START + 1);
    });
  }

  it('decrypts esp-encrypted.pcapng with the shipped SA table and finds every ICV correct', () => {
    const lines = readFileSync(join(dirA, 'esp-encrypted.esp_sa'), 'utf8').split('\n').filter((l) => l.startsWith('"'));
    const r = tshark([
      '-o', 'esp.enable_encryption_decode:TRUE', '-o', 'esp.enable_authentication_check:TRUE',
      ...lines.flatMap((l) => ['-o', `uat:esp_sa:${l}`]),
      '-r', join(dirA, 'esp-encrypted.pcapng'), '-V',
    ]);
    expect(r.status).toBe(0);
    expect(r.stdout.match(/Binding Update/g)?.length).toBeGreaterThanOrEqual(2);
    expect(r.stdout.match(/ESP ICV: .*\[correct\]/g)?.length).toBe(4);
  });

  it('checks the ICVs of bad-esp.pcapng with the shipped SA table: exactly the tampered one is incorrect', () => {
    const lines = readFileSync(join(dirA, 'bad-esp.esp_sa'), 'utf8').split('\n').filter((l) => l.startsWith('"'));
    const r = tshark([
      '-o', 'esp.enable_encryption_decode:TRUE', '-o', 'esp.enable_authentication_check:TRUE',
      ...lines.flatMap((l) => ['-o', `uat:esp_sa:${l}`]),
      '-r', join(dirA, 'bad-esp.pcapng'), '-V',
    ]);
    expect(r.status).toBe(0);
    expect(r.stdout.match(/ESP ICV: .*\[correct\]/g)?.length).toBe(5);
    expect(r.stdout.match(/ESP ICV: .*\[incorrect/g)?.length).toBe(1);
  });

  it('heuristically decodes the ESP NULL of the quick-start sample as Mobile IPv6', () => {
    const r = tshark(['-o', 'esp.enable_null_encryption_decode_heuristic:TRUE', '-r', join(dirA, 'registration-and-switch.pcapng')]);
    expect(r.stdout.match(/Binding Update/g)?.length).toBe(4);
    expect(r.stdout.match(/Binding Acknowledgement/g)?.length).toBe(4);
    expect(r.stdout.match(/Home Agent Switch/g)?.length).toBe(2);
  });
});

interface Decoded {
  icvOk?: boolean;
  padOk?: boolean;
  type?: 'MIP6MH_BU' | 'MIP6MH_BA';
  seq?: number;
  flags?: number;
  lifetime?: number;
  status?: number | null;
  checksumOk?: boolean;
}

const DECODER = fileURLToPath(new URL('./decode_mh.py', import.meta.url));

function scapyDecode(name: string, key: Uint8Array = LAB_KEYS.hmacSha1, icv = 12): Decoded[] {
  const r = spawnSync(SCAPY_PYTHON, [DECODER, join(dirA, name), toHex(key), String(icv)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`decode_mh.py failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Decoded[];
}

/** Scapy's 7-bit BU flags field, most significant first: A H L K M R P. */
const AHK = 0b1101000;
/** Scapy's 3-bit BA flags field: K R P. */
const K = 0b100;

describe.skipIf(!hasScapy)(`Scapy decodes the samples${hasScapy ? '' : ` (skipped: ${NO_SCAPY})`}`, () => {
  it('registration-and-switch: BU/BA fields, checksums, ESP ICVs and padding', () => {
    const d = scapyDecode('registration-and-switch.pcapng');
    expect(d.length).toBe(10);
    for (const p of d) {
      expect(p.icvOk).toBe(true);
      expect(p.padOk).toBe(true);
    }
    const bu = d.filter((p) => p.type === 'MIP6MH_BU');
    const ba = d.filter((p) => p.type === 'MIP6MH_BA');
    expect(bu.map((p) => [p.seq, p.flags, p.lifetime])).toEqual([[100, AHK, 150], [101, AHK, 150], [102, AHK, 0], [103, AHK, 150]]);
    expect(ba.map((p) => [p.seq, p.status, p.flags, p.lifetime])).toEqual([[100, 0, K, 150], [101, 0, K, 150], [102, 0, K, 0], [103, 0, K, 150]]);
    expect([...bu, ...ba].every((p) => p.checksumOk)).toBe(true);
  });

  it('bad-unprotected: the clear BU/BA decode directly', () => {
    const d = scapyDecode('bad-unprotected.pcapng');
    expect(d[0]).toEqual({ type: 'MIP6MH_BU', seq: 1, flags: AHK, lifetime: 150, status: null, checksumOk: true });
    expect(d[1]).toEqual({ type: 'MIP6MH_BA', seq: 1, flags: K, lifetime: 150, status: 0, checksumOk: true });
  });

  it('bad-checksum: Scapy also finds exactly the first BU checksum wrong', () => {
    const d = scapyDecode('bad-checksum.pcapng');
    expect(d.map((p) => p.checksumOk)).toEqual([false, true, true]);
  });

  it('bad-esp: exactly one ICV fails', () => {
    const d = scapyDecode('bad-esp.pcapng');
    expect(d.filter((p) => p.icvOk === false).length).toBe(1);
  });

  it('refresh: every ICV and checksum verifies, sequence numbers as scripted', () => {
    const d = scapyDecode('refresh.pcapng');
    expect(d.every((p) => p.icvOk && p.checksumOk)).toBe(true);
    expect(d.filter((p) => p.type === 'MIP6MH_BU').map((p) => p.seq)).toEqual([500, 501, 502, 503]);
  });

  it('bad-split-brain: HA-to-HA Hellos carry a 16-byte HMAC-SHA-256-128 ICV', () => {
    const d = scapyDecode('bad-split-brain.pcapng', LAB_KEYS.hmacSha256, 16);
    expect(d.length).toBeGreaterThan(0);
    expect(d.every((p) => p.icvOk && p.padOk)).toBe(true);
  });
});
