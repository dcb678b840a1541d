/**
 * NFLOG captures (239): the samples' packets as a home agent's netfilter logs
 * them (tcpdump -i nflog) dissect and lint exactly as on Ethernet; the NFLOG
 * fields are tshark's, byte for byte; TLVs in either byte order; damaged
 * headers are described, never a crash.
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

/** One TLV: length and type in the host's order (little-endian unless `be`), the value, padding to four bytes. */
function tlv(type: number, value: Uint8Array, be: boolean): Uint8Array {
  const len = 4 + value.length;
  const out = new Uint8Array((len + 3) & ~3);
  const v = new DataView(out.buffer);
  v.setUint16(0, len, !be);
  v.setUint16(2, type, !be);
  out.set(value, 4);
  return out;
}

/** The IP packet of an Ethernet frame as NFLOG logs it: header, packet header, in-device, prefix, then the payload. */
function toNflog(eth: Uint8Array, i: number, be: boolean): Uint8Array {
  const ip = eth.subarray(14);
  const parts = [
    Uint8Array.of(ip[0]! >> 4 === 6 ? 10 : 2, 0, 0, 5 + (i % 3)),
    tlv(1, Uint8Array.of(0x86, 0xdd, i % 5, 0), be),
    tlv(4, Uint8Array.of(0, 0, 0, 2 + (i % 2)), be),
    tlv(10, new TextEncoder().encode(`mip6 ${i}\0`), be),
    tlv(9, ip, be),
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

function nflogCapture(name: string, be = false): string {
  return relinked(name, 239, resolve(dir, `nflog${be ? '-be' : ''}-${name.replace(/\.pcapng$/, '.pcap')}`), (eth, i) => toNflog(eth, i, be));
}


describe('NFLOG captures', () => {
  it('every sample logged through NFLOG (TLVs in either byte order) gives the Ethernet capture\'s lines', () => {
    for (const name of samples) {
      const eth = linesWithoutLength(resolve(SAMPLES, name));
      expect(linesWithoutLength(nflogCapture(name)), name).toEqual(eth);
      expect(linesWithoutLength(nflogCapture(name, true)), name).toEqual(eth);
    }
  });

  it('lint finds the same in a sample logged through NFLOG as on Ethernet', async () => {
    for (const name of ['bad-no-backoff.pcapng', 'hard-switch-failover.pcapng']) {
      const eth = await lintFindings(resolve(SAMPLES, name));
      expect(eth.length).toBeGreaterThan(0);
      expect(await lintFindings(nflogCapture(name)), name).toEqual(eth);
    }
  });

  it('a TLV that overruns the frame or is shorter than its header is noted; no payload, no network layer', () => {
    const ctx = createDissector();
    const frame = (data: Uint8Array) => frameOf(239, data);
    const eth = openCapture(resolve(SAMPLES, 'refresh.pcapng')).next()!.data.slice();
    const good = toNflog(eth, 0, false);
    dissectFrame(ctx, frame(good));
    expect([ctx.tree.notes, ctx.tree.protocol]).toEqual([[], 'MIPv6']);
    dissectFrame(ctx, frame(good.subarray(0, 3)));
    expect(ctx.tree.notes.map((n) => n.group)).toEqual(['link.short']);
    const bad = good.slice();
    bad[4] = 2; // the first TLV says 2 bytes, below its own header, either way round
    bad[5] = 0;
    dissectFrame(ctx, frame(bad));
    expect(ctx.tree.notes.map((n) => n.group)).toEqual(['nflog.tlv']);
    expect(ctx.tree.protocol).toBe('NFLOG');
    dissectFrame(ctx, frame(good.subarray(0, 40)));
    expect(ctx.tree.notes.map((n) => n.group)).toEqual(['nflog.tlv']);
  });

  it('any bytes: a tree and notes, never an exception', () => {
    const ctx = createDissector();
    const eth = openCapture(resolve(SAMPLES, 'hard-switch-failover.pcapng')).next()!.data.slice();
    const base = [toNflog(eth, 1, false), toNflog(eth, 2, true)];
    fc.assert(fc.property(fc.nat(1), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { maxLength: 6 }), fc.option(fc.nat(), { nil: undefined }), (k, flips, cut) => {
      const d = base[k]!.slice();
      for (const [at, x] of flips) d[at % d.length] ^= x;
      const bytes = cut === undefined ? d : d.subarray(0, cut % (d.length + 1));
      dissectFrame(ctx, frameOf(239, bytes));
      expect(ctx.tree.count).toBeGreaterThan(0);
    }), { numRuns: 3000 });
  });
});

const NFLOG_FIELDS = ['nflog.family', 'nflog.version', 'nflog.res_id', 'nflog.tlv_length', 'nflog.tlv_type', 'nflog.protocol', 'nflog.hook',
  'nflog.ifindex_indev', 'nflog.prefix', 'ipv6.src', 'ipv6.dst', 'esp.spi', 'mip6.mhtype', 'mip6.csum'];

describe.skipIf(!hasTshark)(`NFLOG fields = tshark's${hasTshark ? '' : ` (skipped: ${NO_TSHARK})`}`, () => {
  it.each(['refresh.pcapng', 'hard-switch-failover.pcapng', 'bad-vhar.pcapng'])('%s', (name) => {
    const path = nflogCapture(name);
    const ours = runRead([path], { format: 'fields', field: NFLOG_FIELDS, jobs: 1 }).lines;
    const r = spawnSync('tshark', ['-o', 'esp.enable_null_encryption_decode_heuristic:TRUE', '-r', path, '-T', 'fields', ...NFLOG_FIELDS.flatMap((f) => ['-e', f])], { encoding: 'utf8' });
    expect(ours.length).toBeGreaterThan(5);
    expect(`${ours.join('\n')}\n`, path).toBe(r.stdout);
  });
});
