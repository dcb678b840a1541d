/**
 * ESP in the dissector: opening with keys (RFC 4303, the fixture vectors),
 * the NULL-encryption heuristic (RFC 2410, RFC 5879, SPEC-NOTES 6) with 12 and
 * 16-byte ICVs, the home-address pair in SA lookup (RFC 3776 4.1), and the
 * record of what stayed closed. The tcpdump captures check IPv4, tunnel mode,
 * ESP in ESP and UDP encapsulation against tcpdump's own output.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  bindingUpdate, dhaadRequest, espNullAround, homeAddressOption, icmpv6, ipv6, mobility, routingType2, rawUpper,
} from '../../src/craft/index.js';
import { loadSaFile, parseTcpdumpEspArg, SaTable, type SecurityAssociation } from '../../src/esp/index.js';
import { MAX_UNOPENED_SAS, unopenedOverflowPackets, unopenedSas } from '../../src/dissect/esp.js';
import { dissect, eachFrame, FIXTURES_ESP, hasPeer, info, newCtx, noteGroups, PEER, text, texts, value, values } from './helpers.js';

const HOA = '2001:db8:1::1000';
const COA = '2001:db8:99::1000';
const HA = '2001:db8:1::a1';
const bu = mobility(bindingUpdate({ sequence: 3, flags: { A: true, H: true }, lifetimeUnits: 150 }));

function table(sas: SecurityAssociation[]): SaTable {
  const t = new SaTable();
  for (const s of sas) t.add(s);
  return t;
}

describe('ESP NULL heuristic', () => {
  it.each([12, 16] as const)('opens a Binding Update with a %i-byte ICV', (icvLength) => {
    const pkt = ipv6({ src: COA, dst: HA, extensions: [homeAddressOption(HOA)], payload: espNullAround(bu, { spi: 0x1001, seq: 42, icvLength }) });
    const t = dissect(pkt);
    expect(value(t, 'esp.spi')).toBe(0x1001);
    expect(value(t, 'esp.sequence')).toBe(42);
    expect(value(t, 'esp.protocol')).toBe(135);
    expect(value(t, 'esp.null_heuristic')).toBe(1);
    expect(text(t, 'esp.icv')!.length).toBe(icvLength * 2);
    expect(text(t, 'esp.icv.status')).toBe('unchecked');
    expect(value(t, 'mip6.mhtype')).toBe(5);
    expect(text(t, 'mip6.csum.status')).toBe('good');
    expect(t.has(def('esp.encrypted_data'))).toBe(false);
    expect(t.protocol).toBe('MIPv6');
  });

  it('opens ICMPv6 only when its checksum is right, and IPv6 in tunnel mode', () => {
    const ok = ipv6({ src: COA, dst: HA, payload: espNullAround(icmpv6(dhaadRequest(5)), { spi: 0x2002, seq: 1, icvLength: 16 }) });
    expect(value(dissect(ok), 'icmpv6.mip6.identifier')).toBe(5);
    // Same ESP bytes under other addresses: the ICMPv6 checksum no longer holds, so no length is accepted.
    const moved = Uint8Array.from(ok);
    moved[23] ^= 1;
    const t = dissect(moved);
    expect(t.has(def('icmpv6'))).toBe(false);
    expect(t.has(def('esp.encrypted_data'))).toBe(true);
    const inner = ipv6({ src: HOA, dst: HA, payload: bu });
    const tunnel = ipv6({ src: COA, dst: HA, payload: espNullAround(rawUpper(41, inner), { spi: 0x2003, seq: 1 }) });
    expect(texts(dissect(tunnel), 'ipv6.src')).toEqual([COA, HOA]);
  });

  it('with espNull off the payload stays encrypted data and the pair is recorded', () => {
    const ctx = newCtx({ espNull: false });
    const pkt = ipv6({ src: COA, dst: HA, payload: espNullAround(bu, { spi: 0xabc, seq: 1 }) });
    for (let i = 0; i < 3; i++) {
      const t = dissect(pkt, 229, ctx, i + 1);
      expect(t.has(def('esp.encrypted_data'))).toBe(true);
      expect(t.has(def('mip6'))).toBe(false);
      expect(info(t)).toBe('ESP (SPI=0x00000abc, seq=1)');
      expect(t.protocol).toBe('ESP');
    }
    expect(unopenedSas(ctx)).toEqual([{ spi: 0xabc, src: COA, dst: HA, packets: 3 }]);
    expect(unopenedSas(newCtx())).toEqual([]);
  });

  it('remembers at most MAX_UNOPENED_SAS pairs; packets of later ones are counted together', () => {
    const ctx = newCtx({ espNull: false });
    const extra = 5;
    for (let spi = 0; spi < MAX_UNOPENED_SAS + extra; spi++) {
      dissect(ipv6({ src: COA, dst: HA, payload: espNullAround(bu, { spi: 0x1000 + spi, seq: 1 }) }), 229, ctx, spi + 1);
    }
    // A pair already listed still counts its packets.
    dissect(ipv6({ src: COA, dst: HA, payload: espNullAround(bu, { spi: 0x1000, seq: 2 }) }), 229, ctx, MAX_UNOPENED_SAS + extra + 1);
    const listed = unopenedSas(ctx);
    expect(listed).toHaveLength(MAX_UNOPENED_SAS);
    expect(listed[0]).toEqual({ spi: 0x1000, src: COA, dst: HA, packets: 2 });
    expect(unopenedOverflowPackets(ctx)).toBe(extra);
  });

  it('truncated ESP keeps its SPI and is noted', () => {
    const pkt = ipv6({ src: COA, dst: HA, payload: Uint8Array.of(0, 0, 0x10, 1, 0), nextHeader: 50 });
    const t = dissect(pkt);
    expect(value(t, 'esp.spi')).toBe(0x1001);
    expect(noteGroups(t)).toContain('esp.short');
  });
});

describe('ESP with keys (fixture vectors)', () => {
  const file = JSON.parse(readFileSync(resolve(FIXTURES_ESP, 'vectors.json'), 'utf8')) as {
    src: string; dst: string; vectors: { name: string; spi: number; esn: boolean; enc: string; auth: string; icvLength: number; ivLength: number; nextHeader: number; padLength: number; packet: string }[];
  };
  const { sas, errors } = loadSaFile(resolve(FIXTURES_ESP, 'esp_sa'));
  const src = Buffer.from(file.src, 'hex');
  const dst = Buffer.from(file.dst, 'hex');
  const wrap = (packet: string) => ipv6({ src, dst, payload: Buffer.from(packet, 'hex'), nextHeader: 50 });

  it('loads the SA table', () => expect(errors).toEqual([]));

  for (const v of file.vectors.filter((x) => !x.esn)) {
    it(`opens ${v.name}`, () => {
      const ctx = newCtx({ espNull: false });
      ctx.saTable = table(sas);
      const t = dissect(wrap(v.packet), 229, ctx);
      expect(value(t, 'esp.decrypted')).toBe(1);
      expect(value(t, 'esp.protocol')).toBe(v.nextHeader);
      expect(value(t, 'esp.pad_len')).toBe(v.padLength);
      const integrity = v.auth !== 'null' || v.enc.startsWith('aes-gcm');
      if (integrity) expect(text(t, 'esp.icv.status')).toBe('good');
      if (v.icvLength > 0) expect(text(t, 'esp.icv')!.length).toBe(v.icvLength * 2);
      if (v.ivLength > 0) expect(text(t, 'esp.iv')!.length).toBe(v.ivLength * 2);
      if (v.nextHeader === 135) expect(value(t, 'mip6.mhtype')).toBe(5);
      expect(unopenedSas(ctx)).toEqual([]);
    });
  }

  it('a wrong authentication key gives a bad ICV, encrypted data and a record', () => {
    const v = file.vectors.find((x) => x.name === 'aes128-cbc+hmac-sha1-96')!;
    const bad = sas.map((s) => (s.spi === v.spi ? { ...s, authKey: Buffer.alloc(s.authKey.length, 7) } : s));
    const ctx = newCtx();
    ctx.saTable = table(bad);
    const t = dissect(wrap(v.packet), 229, ctx);
    expect(text(t, 'esp.icv.status')).toBe('bad');
    expect(value(t, 'esp.decrypted')).toBe(0);
    expect(t.has(def('esp.encrypted_data'))).toBe(true);
    expect(noteGroups(t)).toContain('esp.open');
    expect(unopenedSas(ctx)).toEqual([{ spi: v.spi, src: '2001:db8:0:1::100', dst: '2001:db8:0:1::1', packets: 1 }]);
  });

  it('finds the SA by the home-address pair (RFC 3776 4.1): Home Address option and type 2 routing header', () => {
    const v = file.vectors.find((x) => x.name === 'aes128-cbc+hmac-sha1-96')!;
    // The table names 2001:db8:0:1::100 (home address) -> 2001:db8:0:1::1 (HA); the wire shows a care-of address.
    const ctx = newCtx({ espNull: false });
    ctx.saTable = table(sas);
    const mnToHa = ipv6({ src: COA, dst, extensions: [homeAddressOption(src)], payload: Buffer.from(v.packet, 'hex'), nextHeader: 50 });
    expect(value(dissect(mnToHa, 229, ctx), 'esp.decrypted')).toBe(1);
    const noHao = ipv6({ src: COA, dst, payload: Buffer.from(v.packet, 'hex'), nextHeader: 50 });
    expect(value(dissect(noHao, 229, ctx), 'esp.decrypted')).toBe(0);
    // Reverse direction: an SA for HA -> home address, the packet to the care-of address with a type 2 routing header.
    const rev = table(sas.filter((s) => s.spi === v.spi).map((s) => ({ ...s, src: s.dst, dst: s.src })));
    const ctx2 = newCtx({ espNull: false });
    ctx2.saTable = rev;
    const haToMn = ipv6({ src: dst, dst: COA, extensions: [routingType2(src)], payload: Buffer.from(v.packet, 'hex'), nextHeader: 50 });
    expect(value(dissect(haToMn, 229, ctx2), 'esp.decrypted')).toBe(1);
  });
});

describe.skipIf(!hasPeer)(`tcpdump ESP captures${hasPeer ? '' : ' (skipped: ../shared/peer/tcpdump not found)'}`, () => {
  /** tcpdump's .out lines reduced to what both tools show: innermost addresses, ICMP id and seq. */
  function expected(out: string): { src: string; dst: string; id: number; seq: number }[] {
    return readFileSync(resolve(PEER, out), 'utf8').trim().split('\n').map((l) => {
      const m = /IP (\S+) > (\S+): ICMP echo request, id (\d+), seq (\d+), length 64$/.exec(l);
      if (!m) throw new Error(`unexpected line ${l}`);
      return { src: m[1]!, dst: m[2]!, id: +m[3]!, seq: +m[4]! };
    });
  }

  function run(pcap: string, sas: SecurityAssociation[]) {
    const ctx = newCtx();
    ctx.saTable = table(sas);
    const rows: { src: string; dst: string; id: number; seq: number; spis: number[]; protos: number[] }[] = [];
    eachFrame(resolve(PEER, pcap), ctx, (t) => {
      const src = texts(t, 'ip.src');
      const dst = texts(t, 'ip.dst');
      expect(values(t, 'esp.decrypted').every((d) => d === 1)).toBe(true);
      expect(info(t)).toMatch(/^ICMP echo request, id \d+, seq \d+$/);
      rows.push({ src: src.at(-1)!, dst: dst.at(-1)!, id: value(t, 'icmp.ident')!, seq: value(t, 'icmp.seq')!, spis: values(t, 'esp.spi'), protos: values(t, 'ip.proto') });
    });
    return { ctx, rows };
  }

  it('02-sunrise-sunset-esp.pcap opens with the key given on the command line (esp1.out)', () => {
    const { sas, errors } = parseTcpdumpEspArg('0x12345678@192.1.2.45 3des-cbc-hmac96:0x4043434545464649494a4a4c4c4f4f515152525454575758');
    expect(errors).toEqual([]);
    const { ctx, rows } = run('02-sunrise-sunset-esp.pcap', sas);
    const want = expected('esp1.out');
    expect(rows.slice(0, want.length).map(({ src, dst, id, seq }) => ({ src, dst, id, seq }))).toEqual(want);
    for (const r of rows) {
      expect(r.spis).toEqual([0x12345678]);
      expect(r.protos).toEqual([50, 1]); // outer IPv4 carries ESP, the tunnelled one ICMP
    }
    expect(unopenedSas(ctx)).toEqual([]);
  });

  it('02 does not open with the secrets file (its key is for 08), and is recorded', () => {
    const ctx = newCtx();
    ctx.saTable = table(loadSaFile(resolve(PEER, 'esp-secrets.txt')).sas);
    const n = eachFrame(resolve(PEER, '02-sunrise-sunset-esp.pcap'), ctx, (t) => {
      expect(t.has(def('icmp'))).toBe(false);
      expect(info(t)).toMatch(/^ESP \(SPI=0x12345678, seq=\d+\)$/);
    });
    expect(unopenedSas(ctx)).toEqual([{ spi: 0x12345678, src: '192.1.2.23', dst: '192.1.2.45', packets: n }]);
  });

  it('08-sunrise-sunset-esp2.pcap: ESP in ESP, both opened from the secrets file (esp2.out)', () => {
    const { sas, errors } = loadSaFile(resolve(PEER, 'esp-secrets.txt'));
    expect(errors).toEqual([]);
    const { rows } = run('08-sunrise-sunset-esp2.pcap', sas);
    const want = expected('esp2.out');
    expect(rows.slice(0, want.length).map(({ src, dst, id, seq }) => ({ src, dst, id, seq }))).toEqual(want);
    for (const r of rows) {
      expect(r.spis).toEqual([0x12345678, 0xabcdabcd]);
      expect(r.protos).toEqual([50, 50, 1]);
    }
  });

  it('espudp1.pcap: UDP-encapsulated ESP on port 4500 (RFC 3948), not opened, as tcpdump', () => {
    const ctx = newCtx();
    ctx.saTable = table(loadSaFile(resolve(PEER, 'esp-secrets.txt')).sas);
    const seqs: number[] = [];
    eachFrame(resolve(PEER, 'espudp1.pcap'), ctx, (t) => {
      expect(values(t, 'udp.srcport')).toEqual([4500]);
      expect(value(t, 'esp.spi')).toBe(0x12345678);
      seqs.push(value(t, 'esp.sequence')!);
    });
    const out = readFileSync(resolve(PEER, 'espudp1.out'), 'utf8').trim().split('\n');
    expect(seqs).toEqual(out.map((l) => parseInt(/seq=0x([0-9a-f]+)/.exec(l)![1]!, 16)));
  });

  it('esp_truncated.pcap: the SPI of a truncated UDP-encapsulated ESP, as tcpdump shows it', () => {
    const ctx = newCtx();
    eachFrame(resolve(PEER, 'esp_truncated.pcap'), ctx, (t) => {
      expect(value(t, 'udp.srcport')).toBe(4500);
      expect(value(t, 'udp.dstport')).toBe(8472);
      expect(value(t, 'esp.spi')).toBe(0xc0f7d4c3);
      expect(noteGroups(t)).toContain('esp.short');
    });
  });
});

import { fieldByAbbrev } from '../../src/dissect/fields.js';
function def(abbrev: string) {
  return fieldByAbbrev(abbrev)!;
}
