/**
 * Cross-check against tcpdump's own ESP tests: its secrets file, its captures,
 * and what it prints (esp1.out, esp2.out): IPv4 ICMP echo requests
 * 192.0.2.1 > 192.0.1.1 tunnelled in 3DES-CBC ESP.
 *
 * Note: esp-secrets.txt holds the keys of 08-sunrise-sunset-esp2.pcap (ESP in
 * ESP). 02-sunrise-sunset-esp.pcap uses SPI 0x12345678 too, but with a key
 * tcpdump's test list passes on the command line; the file's key does not open it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSaFile, parseTcpdumpEspArg } from '../../src/esp/load.js';
import { openEsp, type EspOpenResult } from '../../src/esp/open.js';
import { SaTable } from '../../src/esp/sa.js';
import { PEER_DIR } from '../peer-dir.js';

const PEER = PEER_DIR;
const SECRETS = resolve(PEER, 'esp-secrets.txt');
const ESP1 = resolve(PEER, '02-sunrise-sunset-esp.pcap');
const ESP2 = resolve(PEER, '08-sunrise-sunset-esp2.pcap');
const missing = ![SECRETS, ESP1, ESP2].every((p) => existsSync(p));
/** The key tcpdump's test list gives with -E for 02-sunrise-sunset-esp.pcap. */
const ESP1_ARG = '0x12345678@192.1.2.45 3des-cbc-hmac96:0x4043434545464649494a4a4c4c4f4f515152525454575758';

/** First packet of a little-endian microsecond pcap with Ethernet framing; just enough for these files. */
function firstEthernetFrame(file: Buffer): Buffer {
  expect(file.readUInt32LE(0)).toBe(0xa1b2c3d4);
  expect(file.readUInt32LE(20)).toBe(1); // LINKTYPE_ETHERNET
  const caplen = file.readUInt32LE(24 + 8);
  return file.subarray(24 + 16, 24 + 16 + caplen);
}

/** IPv4 header fields the tests need; `payload` stops at Total Length. */
function ipv4(b: Uint8Array) {
  const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  expect(buf[0]! >> 4).toBe(4);
  const ihl = (buf[0]! & 0x0f) * 4;
  const total = buf.readUInt16BE(2);
  return { proto: buf[9]!, src: buf.subarray(12, 16), dst: buf.subarray(16, 20), total, payload: buf.subarray(ihl, total) };
}

function tableOf(sas: ReturnType<typeof loadSaFile>['sas']): SaTable {
  const t = new SaTable();
  sas.forEach((s) => t.add(s));
  return t;
}

/** What esp1.out/esp2.out print for the innermost packet of frame 1. */
function expectEchoRequest(r: EspOpenResult) {
  expect(r.problem).toBeNull();
  // tcpdump has no HMAC key: the 12-byte ICV is skipped, not verified.
  expect(r.icvStatus).toBe('unchecked');
  expect(r.icvLength).toBe(12);
  expect(r.padOk).toBe(true);
  expect(r.nextHeader).toBe(4); // IPv4 in IPv4: tunnel mode
  const inner = ipv4(r.plaintext!);
  expect(inner.total).toBe(r.plaintext!.length); // Total Length agrees with what the ESP trailer left
  expect([...inner.src]).toEqual([192, 0, 2, 1]);
  expect([...inner.dst]).toEqual([192, 0, 1, 1]);
  expect(inner.proto).toBe(1); // ICMP
  const icmp = inner.payload;
  expect(icmp[0]).toBe(8); // echo request
  expect(icmp.readUInt16BE(4)).toBe(28416); // id
  expect(icmp.readUInt16BE(6)).toBe(1280); // seq
  expect(icmp.length).toBe(64);
}

describe.skipIf(missing)(`tcpdump sunrise-sunset ESP captures${missing ? ' (skipped: ../shared/peer/tcpdump not found)' : ''}`, () => {
  it('esp-secrets.txt opens both ESP layers of the first packet of 08-sunrise-sunset-esp2.pcap', () => {
    const { sas, errors } = loadSaFile(SECRETS);
    expect(errors).toEqual([]);
    const table = tableOf(sas);
    const outer = ipv4(firstEthernetFrame(readFileSync(ESP2)).subarray(14));
    expect(outer.proto).toBe(50);
    const sa1 = table.lookup(outer.payload.readUInt32BE(0), outer.src, outer.dst);
    expect(sa1?.spi).toBe(0x12345678);
    const r1 = openEsp(sa1!, outer.payload);
    expect(r1.problem).toBeNull();
    expect(r1.nextHeader).toBe(4);
    // esp2.out: IP 192.1.2.23 > 192.0.1.1: ESP(spi=0xabcdabcd,seq=0x1)
    const mid = ipv4(r1.plaintext!);
    expect([...mid.src, ...mid.dst]).toEqual([192, 1, 2, 23, 192, 0, 1, 1]);
    expect(mid.proto).toBe(50);
    const sa2 = table.lookup(mid.payload.readUInt32BE(0), mid.src, mid.dst);
    expect(sa2?.spi).toBe(0xabcdabcd);
    expectEchoRequest(openEsp(sa2!, mid.payload));
  });

  it('the first packet of 02-sunrise-sunset-esp.pcap opens with the key tcpdump\'s tests give on the command line', () => {
    const { sas, errors } = parseTcpdumpEspArg(ESP1_ARG);
    expect(errors).toEqual([]);
    const ip = ipv4(firstEthernetFrame(readFileSync(ESP1)).subarray(14));
    expect([...ip.src, ...ip.dst]).toEqual([192, 1, 2, 23, 192, 1, 2, 45]);
    const sa = tableOf(sas).lookup(ip.payload.readUInt32BE(0), ip.src, ip.dst);
    expect(sa?.enc).toBe('3des-cbc');
    expectEchoRequest(openEsp(sa!, ip.payload));
  });

  it('esp-secrets.txt\'s key for SPI 0x12345678 does not open 02-sunrise-sunset-esp.pcap, and says so', () => {
    const { sas } = loadSaFile(SECRETS);
    const ip = ipv4(firstEthernetFrame(readFileSync(ESP1)).subarray(14));
    const sa = tableOf(sas).lookup(ip.payload.readUInt32BE(0), ip.src, ip.dst)!;
    const r = openEsp(sa, ip.payload);
    expect(r.problem).not.toBeNull();
  });

  it('-E accepts "file PATH" and comma-separated entries', () => {
    expect(parseTcpdumpEspArg(`file ${SECRETS}`).sas).toHaveLength(3);
    const two = parseTcpdumpEspArg(`${ESP1_ARG},0xabcdabcd@192.0.1.1 3des-cbc-hmac96:0x434545464649494a4a4c4c4f4f5151525254545757584043`);
    expect(two.errors).toEqual([]);
    expect(two.sas.map((s) => s.spi)).toEqual([0x12345678, 0xabcdabcd]);
    expect(parseTcpdumpEspArg('0x1000@10.0.0.1 rot13:0x00').errors[0]).toMatchObject({ file: '-E', line: 1 });
  });
});
