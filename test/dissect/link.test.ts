/**
 * Every link layer the dissector reads hands the same IPv6 (and IPv4) packet
 * to the network layer: the inner fields must come out identical.
 */
import { describe, expect, it } from 'vitest';
import { concat, ethernet, icmpv6, ipv6, u16, u32 } from '../../src/craft/index.js';
import { DISSECTED_LINKTYPES } from '../../src/dissect/link.js';
import { dissectFrame } from '../../src/dissect/index.js';
import { hexDump } from '../../src/output/packets.js';
import { dissect, icmpEcho, ipv4Packet, makeFrame, newCtx, noteGroups, text, texts, value } from './helpers.js';

const echo = ipv6({ src: '2001:db8::1', dst: '2001:db8::2', payload: icmpv6({ type: 128, body: concat(u16(0x1234), u16(7), Uint8Array.of(1, 2, 3, 4)) }) });
const v4pkt = ipv4Packet([192, 0, 2, 1], [192, 0, 1, 1], 1, icmpEcho(8, 1, 2));

function expectIpv6Echo(tree: ReturnType<typeof dissect>) {
  expect(text(tree, 'ipv6.src')).toBe('2001:db8::1');
  expect(text(tree, 'ipv6.dst')).toBe('2001:db8::2');
  expect(value(tree, 'icmpv6.type')).toBe(128);
  expect(text(tree, 'icmpv6.checksum.status')).toBe('good');
  expect(value(tree, 'icmpv6.echo.identifier')).toBe(0x1234);
}

const MAC_A = '02:00:00:00:00:0a';
const MAC_B = '02:00:00:00:00:0b';

describe('link layers', () => {
  it('Ethernet II', () => {
    const t = dissect(ethernet(MAC_A, MAC_B, 0x86dd, echo), 1);
    expect(text(t, 'eth.src')).toBe(MAC_A);
    expect(text(t, 'eth.dst')).toBe(MAC_B);
    expectIpv6Echo(t);
  });

  it('802.1Q and QinQ (802.1ad outer tag, 802.1Q inner)', () => {
    const tag = (tpid: number, vid: number, next: number) => concat(u16(tpid), u16((5 << 13) | vid), u16(next)).subarray(2);
    const single = ethernet(MAC_A, MAC_B, 0x8100, concat(tag(0x8100, 42, 0x86dd), echo));
    let t = dissect(single, 1);
    expect(values(t, 'vlan.id')).toEqual([42]);
    expect(value(t, 'vlan.priority')).toBe(5);
    expectIpv6Echo(t);
    const qinq = ethernet(MAC_A, MAC_B, 0x88a8, concat(tag(0x88a8, 100, 0x8100), tag(0x8100, 200, 0x86dd), echo));
    t = dissect(qinq, 1);
    expect(values(t, 'vlan.id')).toEqual([100, 200]);
    expectIpv6Echo(t);
  });

  it('Linux cooked SLL and SLL2', () => {
    const sll = concat(u16(0), u16(1), u16(6), Uint8Array.of(2, 0, 0, 0, 0, 0x0a, 0, 0), u16(0x86dd), echo);
    let t = dissect(sll, 113);
    expect(text(t, 'sll.src.eth')).toBe(MAC_A);
    expectIpv6Echo(t);
    const sll2 = concat(u16(0x86dd), u16(0), u32(3), u16(1), Uint8Array.of(4, 6), Uint8Array.of(2, 0, 0, 0, 0, 0x0a, 0, 0), echo);
    t = dissect(sll2, 276);
    expect(value(t, 'sll.ifindex')).toBe(3);
    expect(value(t, 'sll.pkttype')).toBe(4);
    expectIpv6Echo(t);
  });

  it.each([101, 229, 12, 14])('raw IP link type %i', (lt) => {
    expectIpv6Echo(dissect(echo, lt));
  });

  it.each([101, 228, 12, 14])('raw IPv4 on link type %i', (lt) => {
    const t = dissect(v4pkt, lt);
    expect(text(t, 'ip.src')).toBe('192.0.2.1');
    expect(text(t, 'ip.checksum.status')).toBe('good');
    expect(text(t, 'icmp.checksum.status')).toBe('good');
  });

  it('raw link with a version that is neither 4 nor 6 is noted, not thrown', () => {
    const t = dissect(Uint8Array.of(0x50, 1, 2, 3), 101);
    expect(noteGroups(t)).toContain('link.version');
  });

  const families = [10, 23, 24, 26, 28, 30];
  it.each(families)('NULL with AF_INET6 = %i in both byte orders', (af) => {
    const le = Uint8Array.of(af, 0, 0, 0);
    const be = Uint8Array.of(0, 0, 0, af);
    for (const hdr of [le, be]) {
      const t = dissect(concat(hdr, echo), 0);
      expect(value(t, 'null.family')).toBe(af);
      expectIpv6Echo(t);
    }
  });

  it.each(families)('LOOP (network order) with AF_INET6 = %i', (af) => {
    const t = dissect(concat(Uint8Array.of(0, 0, 0, af), echo), 108);
    expectIpv6Echo(t);
  });

  it('NULL with AF_INET carries IPv4', () => {
    const t = dissect(concat(Uint8Array.of(2, 0, 0, 0), v4pkt), 0);
    expect(texts(t, 'ip.dst')).toEqual(['192.0.1.1']);
  });

  it('IPv4 over Ethernet', () => {
    const t = dissect(ethernet(MAC_A, MAC_B, 0x0800, v4pkt), 1);
    expect(value(t, 'ip.proto')).toBe(1);
    expect(value(t, 'icmp.type')).toBe(8);
  });

  it('an unknown family or link type is a note', () => {
    expect(noteGroups(dissect(concat(Uint8Array.of(99, 0, 0, 0), echo), 0))).toContain('link.family');
    expect(noteGroups(dissect(echo, 147))).toContain('link.unknown');
  });

  it('short link headers are notes', () => {
    for (const lt of [1, 113, 276, 0, 108]) expect(noteGroups(dissect(Uint8Array.of(1, 2), lt))).toContain('link.short');
  });
});

function values(t: ReturnType<typeof dissect>, abbrev: string): number[] {
  return texts(t, abbrev).map(Number);
}

describe('DISSECTED_LINKTYPES', () => {
  it('lists exactly the link types that get no link.unknown note', () => {
    const packet = ethernet('02:00:00:00:00:01', '02:00:00:00:00:02', 0x86dd, ipv6({ src: '2001:db8::1', dst: '2001:db8::2', nextHeader: 59, payload: new Uint8Array(0) }));
    for (let linktype = 0; linktype < 300; linktype++) {
      const unknown = noteGroups(dissect(packet, linktype)).includes('link.unknown');
      expect(unknown, `linktype ${linktype}`).toBe(!DISSECTED_LINKTYPES.has(linktype));
    }
  });
});

describe('packet comments (pcapng opt_comment)', () => {
  it('are frame.comment items, in order, UTF-8 kept, and not part of the hex dump', () => {
    const packet = ethernet('02:00:00:00:00:01', '02:00:00:00:00:02', 0x86dd, ipv6({ src: '2001:db8::1', dst: '2001:db8::2', nextHeader: 59, payload: new Uint8Array(0) }));
    const ctx = newCtx();
    dissectFrame(ctx, { ...makeFrame(packet), comments: ['first', 'zweite Anmerkung: Größe'] });
    expect(texts(ctx.tree, 'frame.comment')).toEqual(['first', 'zweite Anmerkung: Größe']);
    expect(hexDump(ctx.tree)).toBe(hexDump(dissect(packet, 1)));
    // Without comments, no item.
    expect(texts(dissect(packet, 1), 'frame.comment')).toEqual([]);
  });
});
