/**
 * `read -T fields -e ...`: tshark's field dump. Our lines must be tshark's, byte
 * for byte, on the fields both have, with every -E print option; times to the
 * nanosecond; a value with a tab or newline stays one field of one line.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lintMain } from '../../src/cli/lint.js';
import type { ReadOptions } from '../../src/cli/read.js';
import { PcapngWriter } from '../../src/capture/pcapng-writer.js';
import { bindingUpdate, ethernet, ETHERTYPE_IPV6, homeAddressOption, ipv6, mobility } from '../../src/craft/index.js';
import { hasTshark, NO_TSHARK } from '../craft/external-tools.js';
import { SAMPLES } from '../filter/helpers.js';
import { runRead, type ReadRun } from './read-helpers.js';

const sample = (n: string): string => resolve(SAMPLES, n);
const tmp = mkdtempSync(join(tmpdir(), 'mip6scope-fields-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const run = (files: string[], opts: Partial<ReadOptions>): ReadRun => runRead(files, { format: 'fields', ...opts });

/** Three BUs with nanosecond times (the second with a packet comment holding a tab and a newline). */
function nanosecondCapture(): string {
  const path = join(tmp, 'ns.pcapng');
  const w = new PcapngWriter(path);
  const ifId = w.addInterface({ linktype: 1, tsresolNs: true });
  const mac = 'aa:bb:cc:00:00:01';
  const bu = (seq: number) => ethernet(mac, mac, ETHERTYPE_IPV6, ipv6({
    src: '2001:db8:99::1000', dst: '2001:db8:1::a1', extensions: [homeAddressOption('2001:db8:1::100')],
    payload: mobility(bindingUpdate({ sequence: seq, lifetimeUnits: 10, flags: { A: true, H: true } })),
  }));
  w.writePacket(ifId, 1_700_000_000, 999_999_999, bu(1));
  w.writePacket(ifId, 1_700_000_001, 5, bu(2), undefined, ['first line\tsecond "part"\nnext line \\ end']);
  w.writePacket(ifId, 1_700_000_003, 0, bu(3));
  w.close();
  return path;
}

describe('read -T fields', () => {
  it('prints the fields asked for, one packet a line, tab-separated, every occurrence joined by commas', () => {
    const r = run([sample('registration-and-switch.pcapng')], { field: ['frame.number', 'ipv6.addr', 'mip6.mhtype', 'mip6.bu.seqnr', 'mip6.bu.a_flag', 'esp.spi', 'mip6.csum'], count: 2 });
    expect(r.code).toBe(0);
    expect(r.lines).toEqual([
      '1\t2001:db8:77:1::1000,2001:db8:1::a1\t5\t100\t1\t0x10010000\t0x8155',
      '2\t2001:db8:1::a1,2001:db8:77:1::1000\t6\t\t\t0x10010001\t0x4fd6',
    ]);
  });

  it('takes tshark\'s -E options: header, separator, quote, occurrence, aggregator, bom', () => {
    const f = sample('registration-and-switch.pcapng');
    const fields = ['frame.number', 'ipv6.addr', 'mip6.bu.seqnr'];
    const with_ = (E: string[]) => run([f], { field: fields, E, count: 2 }).lines;
    expect(with_(['header=y', 'separator=,', 'quote=d'])).toEqual([
      'frame.number,ipv6.addr,mip6.bu.seqnr',
      '"1","2001:db8:77:1::1000,2001:db8:1::a1","100"',
      // An empty value stays empty, as tshark leaves it.
      '"2","2001:db8:1::a1,2001:db8:77:1::1000",',
    ]);
    expect(with_(['occurrence=f', 'separator=/s'])).toEqual(['1 2001:db8:77:1::1000 100', '2 2001:db8:1::a1 ']);
    expect(with_(['occurrence=l', 'quote=s'])).toEqual(["'1'\t'2001:db8:1::a1'\t'100'", "'2'\t'2001:db8:77:1::1000'\t"]);
    expect(with_(['aggregator=/s'])[0]).toBe('1\t2001:db8:77:1::1000 2001:db8:1::a1\t100');
    expect(with_(['bom=y'])[0]).toBe('\ufeff1\t2001:db8:77:1::1000,2001:db8:1::a1\t100');
    expect(with_(['bom=y', 'header=y'])[0]).toBe('\ufeffframe.number\tipv6.addr\tmip6.bu.seqnr');
  });

  it('times to the nanosecond: epoch, relative to the first packet, since the previous one and since the previous one shown', () => {
    const path = nanosecondCapture();
    const r = run([path], { field: ['frame.number', 'frame.time_epoch', 'frame.time_relative', 'frame.time_delta', 'frame.time_delta_displayed'], displayFilter: 'frame.number != 2' });
    expect(r.lines).toEqual([
      '1\t1700000000.999999999\t0.000000000\t0.000000000\t0.000000000',
      '3\t1700000003.000000000\t2.000000001\t1.999999995\t2.000000001',
    ]);
  });

  it('a comment with a tab and a newline stays one field of one line (escaped as tshark does; quotes and backslashes as they are)', () => {
    const path = nanosecondCapture();
    const r = run([path], { field: ['frame.number', 'frame.comment'], displayFilter: 'frame.comment', E: ['quote=d'] });
    expect(r.lines).toEqual(['"2"\t"first line\\tsecond "part"\\nnext line \\ end"']);
    expect(run([path], { field: ['frame.comment'], displayFilter: 'frame.comment', E: ['escape=n'] }).lines).toEqual(['first line\tsecond "part"\nnext line \\ end']);
  });

  it('the summary columns by tshark\'s names, and protocols', () => {
    const r = run([sample('registration-and-switch.pcapng')], { field: ['_ws.col.No.', '_ws.col.Protocol', '_ws.col.info', '_ws.col.def_src', '_ws.col.Length', 'esp', 'mip6.hlen'], count: 1 });
    expect(r.lines).toEqual(['1\tMIPv6\tBinding Update seq 100 AHK lifetime 600 s\t2001:db8:77:1::1000\t118\tEncapsulating Security Payload\t1']);
  });

  it('refuses what it cannot print, before reading: no -e, -e without -T fields, unknown fields (with close names), bad -E options', () => {
    const f = sample('refresh.pcapng');
    const none = run([f], {});
    expect([none.code, none.lines, none.err]).toEqual([2, [], expect.stringMatching(/-T fields: name the fields to print with -e/)]);
    const notFields = run([f], { format: 'text', field: ['frame.number'] });
    expect([notFields.code, notFields.err]).toEqual([2, expect.stringMatching(/-e frame.number: fields are printed with -T fields/)]);
    const unknown = run([f], { field: ['frame.number', 'mip6.bu.seqno', 'nonsense.x'] });
    expect(unknown.code).toBe(2);
    expect(unknown.lines).toEqual([]);
    expect(unknown.err).toMatch(/not fields: mip6\.bu\.seqno, nonsense\.x/);
    expect(unknown.err).toMatch(/mip6\.bu\.seqno: did you mean mip6\.bu\.seqnr/);
    for (const [E, msg] of [['quote=x', /quote=x: give d/], ['separator=ab', /separator=ab: give one character/], ['occurrence=2', /occurrence=2: give f/], ['header=yes', /header=yes: give y or n/]] as const) {
      const r = run([f], { field: ['frame.number'], E: [E] });
      expect([r.code, r.err], E).toEqual([2, expect.stringMatching(msg)]);
    }
  });

  it('-E print options are refused by commands without -T fields; other -E arguments are still ESP keys', async () => {
    const err: string[] = [];
    const code = await lintMain([sample('refresh.pcapng')], { E: ['header=y'] } as never, { out: () => undefined, err: (s: string) => err.push(s) });
    expect(code).toBe(2);
    expect(err.join('\n')).toMatch(/-E header=y: a print option of -T fields, which lint does not have/);
    // An ESP key beside the print options: read -T fields opens the SA with it (the BU inside is seen).
    const keyed = run([sample('esp-encrypted.pcapng')], { field: ['esp.spi', 'mip6.mhtype'], E: ['header=y', '0x00c0ffee@2001:db8:1::a1 aes128-cbc-hmac96:0x00112233445566778899aabbccddeeff'], count: 1 });
    expect([keyed.code, keyed.lines]).toEqual([0, ['esp.spi\tmip6.mhtype', '0x00c0ffee\t5']]);
  });
});

/** tshark's field dump of a sample (ESP NULL heuristic on, as ours). */
function tsharkDump(path: string, args: string[]): string {
  const r = spawnSync('tshark', ['-o', 'esp.enable_null_encryption_decode_heuristic:TRUE', '-r', path, '-T', 'fields', ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const stderr = r.stderr.split('\n').filter((l) => l.trim() !== '' && !/Running as user/.test(l)).join('\n');
  if (r.status !== 0 || stderr !== '') throw new Error(`tshark failed on ${path} (${r.status}): ${stderr}`);
  return r.stdout;
}

/**
 * Fields both print with the same meaning. Left out: the Binding Refresh Advice of a
 * Home Agent Switch (mip6.bra.interval), which tshark 4.0 reads 6 bytes early (see
 * test/samples/cross-check.test.ts), and the Mobility Options container, which
 * Wireshark names mip6.mobility_opt for each option's type and we for the container.
 */
const SHARED = [
  'frame.number', 'frame.time_epoch', 'frame.time_relative', 'frame.time_delta', 'frame.time_delta_displayed', 'frame.len', 'frame.cap_len', 'frame.comment',
  'eth.src', 'eth.dst', 'eth.addr', 'eth.type', 'ipv6.src', 'ipv6.dst', 'ipv6.addr', 'ipv6.plen', 'ipv6.nxt', 'ipv6.hlim', 'ipv6.flow', 'ipv6.tclass',
  'ipv6.routing.mipv6.home_address', 'esp.spi', 'esp.sequence',
  'mip6.proto', 'mip6.hlen', 'mip6.mhtype', 'mip6.csum', 'mip6.bu.seqnr', 'mip6.bu.a_flag', 'mip6.bu.h_flag', 'mip6.bu.k_flag', 'mip6.bu.lifetime',
  'mip6.ba.status', 'mip6.ba.k_flag', 'mip6.ba.seqnr', 'mip6.ba.lifetime', 'mip6.has.num_addrs', 'mip6.has.address',
  'icmpv6.type', 'icmpv6.code', 'icmpv6.checksum',
];

describe.skipIf(!hasTshark)(`read -T fields = tshark -T fields${hasTshark ? '' : ` (skipped: ${NO_TSHARK})`}`, () => {
  const samples = readdirSync(SAMPLES).filter((n) => n.endsWith('.pcapng')).sort();

  it('on every sample, byte for byte', { timeout: 120_000 }, () => {
    const e = SHARED.flatMap((f) => ['-e', f]);
    for (const name of samples) {
      const ours = run([sample(name)], { field: SHARED });
      expect(ours.code, name).toBe(0);
      expect(`${ours.lines.join('\n')}\n`, name).toBe(tsharkDump(sample(name), e));
    }
  });

  it('with each -E option and a display filter', { timeout: 120_000 }, () => {
    const fields = ['frame.number', 'frame.time_delta_displayed', 'ipv6.addr', 'mip6.mhtype', 'icmpv6.type', 'mip6.has.address', 'frame.comment'];
    const e = fields.flatMap((f) => ['-e', f]);
    // tshark calls the Mobility Header protocol mipv6; a field test selects the same packets for both.
    const filter = 'mip6.mhtype >= 6 || icmpv6';
    const options = [['header=y', 'quote=d'], ['occurrence=f', 'separator=,'], ['occurrence=l', 'aggregator=;'], ['quote=s', 'separator=/s', 'aggregator=/s'], ['header=y', 'bom=y']];
    for (const name of ['hard-switch-failover.pcapng', 'vhar-failover.pcapng', 'bad-options.pcapng']) {
      for (const E of options) {
        const ours = run([sample(name)], { field: fields, E, displayFilter: filter });
        expect(`${ours.lines.join('\n')}\n`, `${name} ${E.join(' ')}`).toBe(tsharkDump(sample(name), [...e, ...E.flatMap((o) => ['-E', o]), '-Y', filter]));
      }
    }
  });

  it('the Time column follows -t, with and without a display filter', () => {
    const fields = ['frame.number', '_ws.col.Time', 'frame.time_delta_displayed'];
    const e = fields.flatMap((f) => ['-e', f]);
    for (const t of ['r', 'a', 'ad', 'u', 'ud', 'e', 'd', 'dd'] as const) {
      for (const filter of [undefined, 'mip6.mhtype == 5']) {
        const ours = run([sample('refresh.pcapng')], { field: fields, timeFormat: t, displayFilter: filter });
        const theirs = tsharkDump(sample('refresh.pcapng'), ['-t', t, ...e, ...(filter ? ['-Y', filter] : [])]);
        expect(`${ours.lines.join('\n')}\n`, `-t ${t} ${filter ?? ''}`).toBe(theirs);
      }
    }
  });

  it('nanosecond times and an escaped comment', () => {
    const path = nanosecondCapture();
    const fields = ['frame.number', 'frame.time_epoch', 'frame.time_relative', 'frame.time_delta', 'frame.comment'];
    const ours = run([path], { field: fields });
    expect(`${ours.lines.join('\n')}\n`).toBe(tsharkDump(path, fields.flatMap((f) => ['-e', f])));
  });
});

describe('read -T json -e', () => {
  const json = (opts: Partial<ReadOptions>, name = 'registration-and-switch.pcapng') => {
    const r = run([sample(name)], { format: 'ndjson', ...opts });
    return { ...r, packets: r.lines.map((l) => JSON.parse(l) as { frame: number; info: string; fields: Record<string, unknown> }) };
  };

  it('lists only the fields named, in the order named, each once; a field the packet lacks is left out; the rest of the packet as without -e', () => {
    const r = json({ field: ['mip6.bu.seqnr', 'frame.number', 'ipv6.addr', 'mip6.bu.seqnr', 'mip6.ba.status'], count: 2 });
    expect(r.code).toBe(0);
    expect(r.packets.map((p) => p.fields)).toEqual([
      { 'mip6.bu.seqnr': 100, 'frame.number': 1, 'ipv6.addr': ['2001:db8:77:1::1000', '2001:db8:1::a1'] },
      { 'frame.number': 2, 'ipv6.addr': ['2001:db8:1::a1', '2001:db8:77:1::1000'], 'mip6.ba.status': 0 },
    ]);
    expect(Object.keys(r.packets[0]!.fields)).toEqual(['mip6.bu.seqnr', 'frame.number', 'ipv6.addr']);
    // Everything but `fields` is what -T ndjson prints without -e.
    const all = json({ count: 2 }).packets;
    expect(r.packets.map(({ fields: _, ...rest }) => rest)).toEqual(all.map(({ fields: _, ...rest }) => rest));
    // The values are those of the whole packet's JSON.
    expect(r.packets[1]!.fields['ipv6.addr']).toEqual(all[1]!.fields['ipv6.addr']);
  });

  it('-T json is an array of the same objects; -x adds the bytes of the fields named only; times and columns as -T fields prints them, -t included', () => {
    const r = run([sample('registration-and-switch.pcapng')], { format: 'json', field: ['frame.number', 'mip6.mhtype', 'frame.time_relative', '_ws.col.Time', '_ws.col.Info'], hex: true, timeFormat: 'ud', count: 2 });
    expect(r.code).toBe(0);
    const arr = JSON.parse(r.lines.join('\n')) as { fields: Record<string, unknown> }[];
    expect(arr.map((p) => p.fields)).toEqual([
      { 'frame.number': 1, 'mip6.mhtype': 5, 'mip6.mhtype_raw': '05', 'frame.time_relative': '0.000000000', '_ws.col.Time': '2026-01-15 09:00:00.000000', '_ws.col.Info': 'Binding Update seq 100 AHK lifetime 600 s' },
      { 'frame.number': 2, 'mip6.mhtype': 6, 'mip6.mhtype_raw': '06', 'frame.time_relative': expect.stringMatching(/^0\.\d{9}$/), '_ws.col.Time': expect.stringMatching(/^2026-01-15 09:00:00\.\d{6}$/), '_ws.col.Info': expect.stringMatching(/^Binding Acknowledgement/) },
    ]);
  });

  it('refuses unknown names (with close ones) and -T fields\' print options before reading', () => {
    const unknown = json({ field: ['frame.number', 'mip6.bu.seqno'] });
    expect([unknown.code, unknown.lines]).toEqual([2, []]);
    expect(unknown.err).toMatch(/not a field: mip6\.bu\.seqno[\s\S]*did you mean mip6\.bu\.seqnr/);
    const printOption = json({ field: ['frame.number'], E: ['header=y'] });
    expect([printOption.code, printOption.lines]).toEqual([2, []]);
    expect(printOption.err).toMatch(/-E header=y: a print option of -T fields/);
  });
});

/** tshark -T json -e of a sample: each packet's layers (field name to its values, as text). */
function tsharkJson(path: string, args: string[]): Record<string, string[]>[] {
  const r = spawnSync('tshark', ['-o', 'esp.enable_null_encryption_decode_heuristic:TRUE', '-r', path, '-T', 'json', ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`tshark failed on ${path} (${r.status}): ${r.stderr}`);
  return (JSON.parse(r.stdout) as { _source: { layers: Record<string, string[]> } }[]).map((p) => p._source.layers);
}

/** One of our JSON values as tshark's field text, for the fields both print (flags 1/0, hex fields as tshark shows them by the field's text). */
function asText(v: unknown, theirs: string): string {
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (typeof v === 'number' && /^0x[0-9a-f]+$/.test(theirs)) return Number.parseInt(theirs, 16) === v ? theirs : `0x${v.toString(16)}`;
  return String(v);
}

describe.skipIf(!hasTshark)(`read -T json -e = tshark -T json -e${hasTshark ? '' : ` (skipped: ${NO_TSHARK})`}`, () => {
  it('on every sample: the same fields in each packet, the same number of occurrences, the same values', { timeout: 120_000 }, () => {
    const e = SHARED.flatMap((f) => ['-e', f]);
    for (const name of readdirSync(SAMPLES).filter((n) => n.endsWith('.pcapng')).sort()) {
      const ours = run([sample(name)], { format: 'ndjson', field: SHARED });
      expect(ours.code, name).toBe(0);
      const theirs = tsharkJson(sample(name), e);
      expect(ours.lines.length, name).toBe(theirs.length);
      ours.lines.forEach((line, k) => {
        const fields = (JSON.parse(line) as { fields: Record<string, unknown> }).fields;
        const t = theirs[k]!;
        // tshark lists the fields in its own order; ours follow -e. The same names either way.
        expect(Object.keys(fields).sort(), `${name} frame ${k + 1}`).toEqual(Object.keys(t).sort());
        for (const [f, v] of Object.entries(fields)) {
          const list = Array.isArray(v) ? v : [v];
          expect(list.map((x, j) => asText(x, t[f]![j] ?? '')), `${name} frame ${k + 1} ${f}`).toEqual(t[f]);
        }
      });
    }
  });
});
