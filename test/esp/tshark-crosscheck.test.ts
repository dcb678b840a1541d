/**
 * Independent check of the vectors and the esp_sa names: Wireshark, given the
 * generated esp_sa table, must verify and decrypt the same packets.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, vectors } from './helpers.js';

function hasTshark(): boolean {
  try {
    execFileSync('tshark', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const noTshark = !hasTshark();

describe.skipIf(noTshark)(`tshark cross-check${noTshark ? ' (skipped: tshark not installed)' : ''}`, () => {
  it('Wireshark decrypts vectors.pcap with the generated esp_sa, with the same ICV verdicts', () => {
    const home = mkdtempSync(join(tmpdir(), 'esp-ws-'));
    try {
      mkdirSync(join(home, 'wireshark'));
      copyFileSync(join(FIXTURES, 'esp_sa'), join(home, 'wireshark', 'esp_sa'));
      const out = execFileSync('tshark', [
        '-r', join(FIXTURES, 'vectors.pcap'),
        '-o', 'esp.enable_encryption_decode:TRUE',
        '-o', 'esp.enable_authentication_check:TRUE',
        '-T', 'fields', '-E', 'separator=|',
        '-e', 'esp.spi', '-e', 'esp.icv_good', '-e', 'mip6.mhtype',
      ], { env: { ...process.env, XDG_CONFIG_HOME: home, HOME: home }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      const rows = out.trim().split('\n').map((l) => l.split('|'));
      const expected = vectors.filter((v) => !v.esn); // the UAT has no ESN
      expect(rows).toHaveLength(expected.length);
      expected.forEach((v, i) => {
        const [spi, icvGood, mhType] = rows[i]!;
        expect(Number(spi), v.name).toBe(v.spi);
        const integrity = v.auth !== 'null' || v.enc.startsWith('aes-gcm');
        expect(icvGood, v.name).toBe(integrity ? '1' : '');
        // The MH type byte (5, Binding Update) is only readable after a correct decryption.
        expect(mhType, v.name).toBe(v.nextHeader === 135 ? '5' : '');
      });
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
