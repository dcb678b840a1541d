/**
 * IPv4 (RFC 791), UDP with ESP encapsulation on port 4500 (RFC 3948) and ICMP
 * echo (RFC 792): the minimum the IPv4 ESP captures need.
 */
import { describe, expect, it } from 'vitest';
import { concat, espNull, u16 } from '../../src/craft/index.js';
import { unopenedSas } from '../../src/dissect/esp.js';
import { dissect, icmpEcho, info, ipv4Packet, newCtx, noteGroups, text, texts, value, values } from './helpers.js';

const A = [192, 0, 2, 1];
const B = [192, 0, 1, 1];
const udp = (sport: number, dport: number, payload: Uint8Array) => concat(u16(sport), u16(dport), u16(8 + payload.length), u16(0), payload);

describe('IPv4', () => {
  it('header fields, checksum and ICMP echo', () => {
    const t = dissect(ipv4Packet(A, B, 1, icmpEcho(8, 28416, 1280, new Uint8Array(56))), 228);
    expect(value(t, 'ip.version')).toBe(4);
    expect(value(t, 'ip.hdr_len')).toBe(20);
    expect(value(t, 'ip.len')).toBe(20 + 64);
    expect(value(t, 'ip.ttl')).toBe(64);
    expect(value(t, 'ip.proto')).toBe(1);
    expect(text(t, 'ip.src')).toBe('192.0.2.1');
    expect(text(t, 'ip.dst')).toBe('192.0.1.1');
    expect(text(t, 'ip.checksum.status')).toBe('good');
    expect(value(t, 'icmp.ident')).toBe(28416);
    expect(value(t, 'icmp.seq')).toBe(1280);
    expect(info(t)).toBe('ICMP echo request, id 28416, seq 1280');
    expect(t.protocol).toBe('ICMP');
  });

  it('bad header checksum, bad ICMP checksum, short total length and bad header length are notes', () => {
    const p = ipv4Packet(A, B, 1, icmpEcho(0, 1, 1));
    const bad = Uint8Array.from(p);
    bad[8] = 1; // TTL changed, checksum not
    bad[27] ^= 1; // ICMP sequence changed, checksum not
    const t = dissect(bad, 228);
    expect(text(t, 'ip.checksum.status')).toBe('bad');
    expect(text(t, 'icmp.checksum.status')).toBe('bad');
    expect(noteGroups(t)).toEqual(expect.arrayContaining(['ip.checksum', 'icmp.checksum']));
    expect(noteGroups(dissect(p.subarray(0, 24), 228))).toContain('ip.len');
    const ihl = Uint8Array.from(p);
    ihl[0] = 0x44;
    expect(noteGroups(dissect(ihl, 228))).toContain('ip.hdr_len');
    expect(noteGroups(dissect(p.subarray(0, 12), 228))).toContain('ip.short');
  });

  it('a later fragment is raw data; a first fragment is still dissected', () => {
    const later = dissect(ipv4Packet(A, B, 1, icmpEcho(8, 1, 1), 0x0001), 228);
    expect(later.has(def('icmp'))).toBe(false);
    expect(noteGroups(later)).toContain('ip.fragment');
    const first = dissect(ipv4Packet(A, B, 1, icmpEcho(8, 1, 1), 0x2000), 228);
    expect(value(first, 'icmp.type')).toBe(8);
  });
});

describe('UDP and RFC 3948 encapsulation', () => {
  it('ports and length; other ports are data', () => {
    const t = dissect(ipv4Packet(A, B, 17, udp(1234, 53, Uint8Array.of(1, 2, 3))), 228);
    expect(value(t, 'udp.srcport')).toBe(1234);
    expect(value(t, 'udp.dstport')).toBe(53);
    expect(value(t, 'udp.length')).toBe(11);
    expect(text(t, 'data')).toBe('010203');
    expect(t.protocol).toBe('UDP');
  });

  it('port 4500: non-ESP marker is IKE, 0xFF is a keepalive, anything else is ESP', () => {
    let t = dissect(ipv4Packet(A, B, 17, udp(4500, 4500, Uint8Array.of(0, 0, 0, 0, 9, 9))), 228);
    expect(t.has(def('udp.non_esp_marker'))).toBe(true);
    expect(t.has(def('esp'))).toBe(false);
    expect(t.protocol).toBe('IKE');
    t = dissect(ipv4Packet(A, B, 17, udp(4500, 4500, Uint8Array.of(0xff))), 228);
    expect(value(t, 'udp.nat_keepalive')).toBe(0xff);
    // ESP NULL in UDP carrying an IPv4 tunnel: the heuristic opens it with the IPv4 addresses in force.
    const inner = ipv4Packet(B, A, 1, icmpEcho(0, 5, 6));
    const esp = espNull({ spi: 0x5000, seq: 9, payload: inner, nextHeader: 4 });
    const ctx = newCtx();
    t = dissect(ipv4Packet(A, B, 17, udp(4500, 4500, esp)), 228, ctx);
    expect(value(t, 'esp.spi')).toBe(0x5000);
    expect(texts(t, 'ip.src')).toEqual(['192.0.2.1', '192.0.1.1']);
    expect(value(t, 'icmp.seq')).toBe(6);
    // Without the heuristic it is recorded against the IPv4 pair.
    const closed = newCtx({ espNull: false });
    t = dissect(ipv4Packet(A, B, 17, udp(40000, 4500, esp)), 228, closed);
    expect(values(t, 'esp.decrypted')).toEqual([0]);
    expect(unopenedSas(closed)).toEqual([{ spi: 0x5000, src: '192.0.2.1', dst: '192.0.1.1', packets: 1 }]);
  });

  it('a UDP length past the data or below 8 is noted', () => {
    const p = ipv4Packet(A, B, 17, udp(1, 2, Uint8Array.of(1, 2, 3, 4)));
    const longer = Uint8Array.from(p);
    longer[25] = 200;
    expect(noteGroups(dissect(longer, 228))).toContain('udp.length');
    const tiny = Uint8Array.from(p);
    tiny[25] = 3;
    expect(noteGroups(dissect(tiny, 228))).toContain('udp.length');
  });
});

import { fieldByAbbrev } from '../../src/dissect/fields.js';
function def(abbrev: string) {
  return fieldByAbbrev(abbrev)!;
}
