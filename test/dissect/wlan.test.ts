/**
 * 802.11 captures (radiotap, 127, and bare, 105): the samples' packets as a mobile
 * node's Wi-Fi carries them dissect and lint exactly as on Ethernet; the 802.11
 * and radiotap fields are tshark's, byte for byte; encrypted, management and
 * damaged frames are described, never a crash.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openCapture } from '../../src/capture/open.js';
import { createDissector, dissectFrame } from '../../src/dissect/index.js';
import { hasTshark, NO_TSHARK } from '../craft/external-tools.js';
import { SAMPLES } from '../filter/helpers.js';
import { runRead } from '../cli/read-helpers.js';
import { tempDir } from '../capture/helpers.js';
import { frameOf, linesWithoutLength, lintFindings, relinked } from './relink.js';

const dir = tempDir();
const samples = readdirSync(SAMPLES).filter((n) => n.endsWith('.pcapng') && !n.startsWith('esp-')).sort();

interface Variant { radiotap: boolean; tsft: boolean; fcs: boolean; qos: boolean; ds: 0 | 1 | 2 | 3 }

/** An Ethernet frame's payload in an 802.11 data frame (LLC/SNAP), with or without radiotap, TSFT, FCS, QoS, in any DS direction. */
function toWifi(eth: Uint8Array, i: number, v: Variant): Uint8Array {
  const parts: Uint8Array[] = [];
  if (v.radiotap) {
    const len = v.tsft ? 17 : 9;
    const rt = new Uint8Array(len);
    rt[2] = len;
    rt[4] = (v.tsft ? 1 : 0) | 2;
    if (v.tsft) rt.set([1, 2, 3, 4, 5, 6, 7, 8], 8);
    rt[len - 1] = v.fcs ? 0x10 : 0;
    parts.push(rt);
  }
  const four = v.ds === 3;
  const hdr = new Uint8Array(24 + (four ? 6 : 0) + (v.qos ? 2 : 0));
  hdr[0] = 0x08 | (v.qos ? 0x80 : 0);
  hdr[1] = v.ds;
  hdr[2] = 0x2c;
  hdr.set(eth.subarray(0, 6), 4);
  hdr.set(eth.subarray(6, 12), 10);
  hdr.set([2, 0, 0x5e, 0, 0, 0xee], 16);
  hdr[22] = ((i & 0xfff) << 4) & 0xff;
  hdr[23] = (i & 0xfff) >> 4;
  if (four) hdr.set([2, 0, 0x5e, 0, 0, 0xdd], 24);
  if (v.qos) hdr[hdr.length - 2] = i % 8;
  parts.push(hdr, Uint8Array.of(0xaa, 0xaa, 3, 0, 0, 0, 0x86, 0xdd), eth.subarray(14));
  if (v.fcs) parts.push(Uint8Array.of(0xde, 0xad, 0xbe, 0xef));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

/** A sample rewritten as 802.11, each frame another variant; the path. */
function wifiCapture(name: string, radiotap = true): string {
  const path = resolve(dir, `${radiotap ? 'rt' : 'wlan'}-${name.replace(/\.pcapng$/, '.pcap')}`);
  return relinked(name, radiotap ? 127 : 105, path, (eth, i) => toWifi(eth, i, {
    radiotap, tsft: i % 2 === 0, fcs: radiotap && i % 3 !== 0, qos: i % 4 >= 2, ds: ([1, 2, 0, 3] as const)[i % 4]!,
  }));
}


describe('802.11 captures', () => {
  it('every sample read from radiotap and bare 802.11 gives the Ethernet capture\'s lines', () => {
    for (const name of samples) {
      const eth = linesWithoutLength(resolve(SAMPLES, name));
      expect(linesWithoutLength(wifiCapture(name)), name).toEqual(eth);
      expect(linesWithoutLength(wifiCapture(name, false)), name).toEqual(eth);
    }
  });

  it('lint finds the same in a sample carried over Wi-Fi as over Ethernet', async () => {
    for (const name of ['bad-no-backoff.pcapng', 'hard-switch-failover.pcapng', 'bad-vhar.pcapng']) {
      const eth = await lintFindings(resolve(SAMPLES, name));
      expect(eth.length).toBeGreaterThan(0);
      expect(await lintFindings(wifiCapture(name)), name).toEqual(eth);
    }
  });

  it('an encrypted frame, a beacon, a null data frame and cut headers are described, not dissected further', () => {
    const ctx = createDissector();
    const frame = frameOf;
    const eth = openCapture(resolve(SAMPLES, 'refresh.pcapng')).next()!.data.slice();
    const wifi = toWifi(eth, 0, { radiotap: false, tsft: false, fcs: false, qos: false, ds: 1 });
    const enc = wifi.slice();
    enc[1]! |= 0x40;
    dissectFrame(ctx, frame(105, enc));
    expect(ctx.tree.notes.map((n) => n.group)).toEqual(['wlan.protected']);
    expect(ctx.tree.protocol).toBe('802.11');
    const beacon = new Uint8Array(36);
    beacon[0] = 0x80;
    dissectFrame(ctx, frame(105, beacon));
    expect([ctx.tree.notes, ctx.tree.protocol]).toEqual([[], '802.11']);
    const nul = wifi.slice(0, 24);
    nul[0] = 0x48;
    dissectFrame(ctx, frame(105, nul));
    expect(ctx.tree.notes).toEqual([]);
    for (const cut of [0, 5, 9, 20, 27, 30]) {
      dissectFrame(ctx, frame(105, wifi.subarray(0, cut)));
      expect(ctx.tree.notes.length, `cut at ${cut}`).toBeGreaterThan(0);
    }
    const rt = toWifi(eth, 0, { radiotap: true, tsft: true, fcs: true, qos: false, ds: 1 });
    for (const cut of [0, 7, 12, 16, 20]) {
      dissectFrame(ctx, frame(127, rt.subarray(0, cut)));
      expect(ctx.tree.notes.length, `radiotap cut at ${cut}`).toBeGreaterThan(0);
    }
  });

  it('any bytes under either link type: a tree and notes, never an exception', () => {
    const ctx = createDissector();
    const eth = openCapture(resolve(SAMPLES, 'hard-switch-failover.pcapng')).next()!.data.slice();
    const base = [toWifi(eth, 1, { radiotap: true, tsft: true, fcs: true, qos: true, ds: 3 }), toWifi(eth, 2, { radiotap: false, tsft: false, fcs: false, qos: true, ds: 2 })];
    fc.assert(fc.property(fc.nat(1), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { maxLength: 6 }), fc.option(fc.nat(), { nil: undefined }), (k, flips, cut) => {
      const d = base[k]!.slice();
      for (const [at, x] of flips) d[at % d.length] ^= x;
      const bytes = cut === undefined ? d : d.subarray(0, cut % (d.length + 1));
      dissectFrame(ctx, frameOf(k === 0 ? 127 : 105, bytes));
      expect(ctx.tree.count).toBeGreaterThan(0);
    }), { numRuns: 3000 });
  });
});

const WLAN_FIELDS = ['radiotap.length', 'radiotap.flags.fcs', 'wlan.fc.type', 'wlan.fc.subtype', 'wlan.fc.tods', 'wlan.fc.fromds', 'wlan.fc.protected',
  'wlan.duration', 'wlan.ra', 'wlan.ta', 'wlan.da', 'wlan.sa', 'wlan.bssid', 'wlan.addr', 'wlan.seq', 'wlan.frag', 'wlan.qos.tid', 'wlan.fcs',
  'llc.dsap', 'llc.ssap', 'llc.control', 'llc.oui', 'llc.type', 'ipv6.src', 'ipv6.dst', 'esp.spi', 'mip6.mhtype', 'mip6.csum'];

describe.skipIf(!hasTshark)(`802.11 fields = tshark's${hasTshark ? '' : ` (skipped: ${NO_TSHARK})`}`, () => {
  it.each(['refresh.pcapng', 'hard-switch-failover.pcapng', 'bad-vhar.pcapng'])('%s, radiotap and bare', (name) => {
    for (const path of [wifiCapture(name), wifiCapture(name, false)]) {
      const ours = runRead([path], { format: 'fields', field: WLAN_FIELDS, jobs: 1 }).lines;
      const r = spawnSync('tshark', ['-o', 'esp.enable_null_encryption_decode_heuristic:TRUE', '-r', path, '-T', 'fields', ...WLAN_FIELDS.flatMap((f) => ['-e', f])], { encoding: 'utf8' });
      expect(ours.length).toBeGreaterThan(5);
      expect(`${ours.join('\n')}\n`, path).toBe(r.stdout);
    }
  });
});
