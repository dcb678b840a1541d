/**
 * read -T json -x: beside each field and protocol with bytes in the packet, those
 * bytes as hex under "<abbrev>_raw", as tshark -T json -x has them; the rest of
 * the object is what -T json gives.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasTshark, NO_TSHARK } from '../craft/external-tools.js';
import { SAMPLES } from '../filter/helpers.js';
import { runRead } from '../cli/read-helpers.js';

const sample = (n: string): string => resolve(SAMPLES, n);
type Obj = { fields: Record<string, unknown> } & Record<string, unknown>;
const objects = (name: string, hex: boolean): Obj[] => runRead([sample(name)], { format: 'ndjson', hex, jobs: 1 }).lines.map((l) => JSON.parse(l) as Obj);

describe('-T json -x', () => {
  it('adds <abbrev>_raw beside the fields, and changes nothing else', () => {
    const plain = objects('refresh.pcapng', false);
    const raw = objects('refresh.pcapng', true);
    expect(raw).toHaveLength(plain.length);
    raw.forEach((o, i) => {
      const fields = Object.fromEntries(Object.entries(o.fields).filter(([k]) => !k.endsWith('_raw')));
      expect({ ...o, fields }).toEqual(plain[i]);
    });
    const first = raw[0]!.fields;
    // The frame's bytes whole; an address's 16 bytes; nothing for computed fields or the packet comment.
    expect(typeof first.frame_raw).toBe('string');
    expect((first.frame_raw as string).length).toBe(2 * (raw[0]!.caplen as number));
    expect(first['ipv6.src_raw']).toBe('20010db8007700010000000000001001');
    expect(first['mip6.bu.seqnr_raw']).toBe('01f4');
    expect(first['frame.number_raw']).toBeUndefined();
    expect(first['frame.comment']).toBeDefined();
    expect(first['frame.comment_raw']).toBeUndefined();
    // Repeated fields give an array of raws in packet order.
    expect(first['ipv6.addr_raw']).toEqual(['20010db8007700010000000000001001', '20010db80001000000000000000000a1']);
  });
});

/** Every "<abbrev>_raw" hex in tshark's layers (one value, or several in packet order). */
function tsharkRaws(name: string): Record<string, string[]>[] {
  const r = spawnSync('tshark', ['-o', 'esp.enable_null_encryption_decode_heuristic:TRUE', '-r', sample(name), '-T', 'json', '-x', '--no-duplicate-keys'], { encoding: 'utf8', maxBuffer: 256 << 20 });
  const packets = JSON.parse(r.stdout) as { _source: { layers: unknown } }[];
  return packets.map((p) => {
    const out: Record<string, string[]> = {};
    const hexes = (v: unknown): string[] => (Array.isArray(v) && typeof v[0] === 'string' ? [v[0]] : Array.isArray(v) ? v.flatMap(hexes) : []);
    const walk = (o: unknown): void => {
      if (Array.isArray(o)) { o.forEach(walk); return; }
      if (o === null || typeof o !== 'object') return;
      for (const [k, v] of Object.entries(o)) {
        if (k.endsWith('_raw')) (out[k] ??= []).push(...hexes(v));
        else walk(v);
      }
    };
    walk(p._source.layers);
    return out;
  });
}

/** Byte fields both have under the same name (flags left out: tshark gives their bit, not their bytes). */
const SHARED = ['frame', 'eth', 'eth.src', 'eth.dst', 'eth.type', 'ipv6.src', 'ipv6.dst', 'ipv6.addr', 'ipv6.plen', 'ipv6.nxt', 'ipv6.hlim',
  'esp.spi', 'esp.sequence', 'mip6.proto', 'mip6.hlen', 'mip6.mhtype', 'mip6.csum', 'mip6.bu.seqnr', 'mip6.bu.lifetime', 'mip6.ba.status',
  'mip6.ba.seqnr', 'mip6.ba.lifetime', 'mip6.has.address', 'icmpv6.type', 'icmpv6.checksum'];

describe.skipIf(!hasTshark)(`-T json -x raws = tshark's${hasTshark ? '' : ` (skipped: ${NO_TSHARK})`}`, () => {
  it.each(['refresh.pcapng', 'hard-switch-failover.pcapng', 'vhar-failover.pcapng', 'bad-options.pcapng'])('%s', (name) => {
    const ours = objects(name, true);
    const theirs = tsharkRaws(name);
    expect(ours).toHaveLength(theirs.length);
    let compared = 0;
    ours.forEach((o, i) => {
      for (const f of SHARED) {
        const mine = o.fields[`${f}_raw`];
        const list = mine === undefined ? [] : Array.isArray(mine) ? mine : [mine];
        expect(list, `${name} frame ${i + 1} ${f}`).toEqual(theirs[i]![`${f}_raw`] ?? []);
        compared += list.length;
      }
    });
    expect(compared).toBeGreaterThan(50);
  });
});
