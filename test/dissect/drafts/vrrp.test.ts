/**
 * VRRPv3 advertisements over IPv6 (RFC 5798 5.1) and the Hello fields
 * hareliability-01 7.10 reads from them, from hand-written bytes.
 */
import { describe, expect, it } from 'vitest';
import { ADDR, dissect, groups, hex, info, ip6, PROTO, value, values } from './helpers.js';

const ADVERT = `
  31                    # version 3, type 1 (Advertisement)
  07                    # Virtual Rtr ID 7
  14                    # Priority 20
  01                    # Count IPvX Addr 1
  0064                  # reserved 0, Max Adver Int 100 cs
  0000                  # checksum (filled in)
  20010db80001000000000000000000a0`;

const vrrp = (text: string, hop = 255, fix = true): Uint8Array => ip6(ADDR.ll1, ADDR.vrrpGroup, PROTO.vrrp, hex(text), hop, fix);

describe('VRRPv3 over IPv6', () => {
  it('decodes the advertisement and maps it to the Hello fields (hareliability-01 7.10)', () => {
    const t = dissect(vrrp(ADVERT));
    expect(value(t, 'vrrp.version')).toBe(3);
    expect(value(t, 'vrrp.type')).toBe(1);
    expect(value(t, 'vrrp.virt_rtr_id')).toBe(7);
    expect(value(t, 'vrrp.prio')).toBe(20);
    expect(value(t, 'vrrp.addr_count')).toBe(1);
    expect(value(t, 'vrrp.max_adver_int')).toBe(100);
    expect(value(t, 'vrrp.checksum.status')).toBe('good');
    expect(values(t, 'vrrp.ipv6_addr')).toEqual(['2001:db8:1::a0']);
    expect(value(t, 'vrrp.harel.group')).toBe(7);
    expect(value(t, 'vrrp.harel.preference')).toBe(20);
    expect(value(t, 'vrrp.harel.interval')).toBe(100);
    expect(value(t, 'vrrp.harel.ha_address')).toBe('2001:db8:1::a0');
    expect(info(t)).toBe('VRRPv3 Advertisement VRID 7 prio 20 interval 100 cs (HA group 7 pref 20)');
    expect(t.notes).toEqual([]);
  });
  it('reports a bad checksum and a hop limit other than 255', () => {
    const bytes = vrrp(ADVERT, 64);
    bytes[40 + 7]! ^= 1;
    const t = dissect(bytes);
    expect(value(t, 'vrrp.checksum.status')).toBe('bad');
    expect(groups(t).sort()).toEqual(['vrrp.checksum', 'vrrp.hop_limit']);
  });
  it('notes more than one address (7.10: exactly 1 when VRRP replaces the Hello) and shows both', () => {
    const t = dissect(vrrp(`31 07 14 02 0064 0000
      20010db80001000000000000000000a0 20010db80001000000000000000000a1`));
    expect(values(t, 'vrrp.ipv6_addr')).toEqual(['2001:db8:1::a0', '2001:db8:1::a1']);
    expect(groups(t)).toEqual(['vrrp.harel.count']);
  });
  it('reports a count the packet cannot hold and keeps the odd bytes', () => {
    const t = dissect(vrrp('31 07 14 02 0064 0000 20010db80001000000000000000000a0 abcd'));
    expect(values(t, 'vrrp.ipv6_addr')).toHaveLength(1);
    expect(value(t, 'vrrp.data')).toBe('abcd');
    expect(groups(t)).toContain('vrrp.length');
  });
  it('shows other versions raw', () => {
    const t = dissect(vrrp('21 07 14 01 0101 0000 c0000201'));
    expect(value(t, 'vrrp.version')).toBe(2);
    expect(value(t, 'vrrp.virt_rtr_id')).toBeUndefined();
    expect(groups(t)).toEqual(['vrrp.version']);
  });
});
