import { describe, expect, it } from 'vitest';
import { parseAddressMatch } from '../../src/esp/load.js';
import { SaTable, addressMatches, checkSaKeys, saIcvLength, type SecurityAssociation } from '../../src/esp/sa.js';

const v6 = (s: string) => {
  const m = parseAddressMatch(s);
  if (!m.ok || !m.value) throw new Error(s);
  return m.value.bytes;
};
const match = (s: string) => {
  const m = parseAddressMatch(s);
  if (!m.ok) throw new Error(m.message);
  return m.value;
};

function sa(spi: number, src: string, dst: string, over: Partial<SecurityAssociation> = {}): SecurityAssociation {
  return {
    spi, src: match(src), dst: match(dst), enc: 'null', encKey: Buffer.alloc(0), auth: 'hmac-sha1-96', authKey: Buffer.alloc(20),
    esn: false, replayWindow: 32, origin: { file: 't', line: spi }, ...over,
  };
}

const HOA = v6('2001:db8:1::100');
const COA = v6('2001:db8:99::5');
const HA = v6('2001:db8:1::1');

describe('addressMatches', () => {
  it('matches exact addresses, prefixes with odd lengths, and wildcards', () => {
    expect(addressMatches(match('2001:db8:1::/48'), HOA)).toBe(true);
    expect(addressMatches(match('2001:db8:1::/48'), COA)).toBe(false);
    expect(addressMatches(match('10.0.0.0/9'), v6('10.127.1.1'))).toBe(true);
    expect(addressMatches(match('10.0.0.0/9'), v6('10.128.1.1'))).toBe(false);
    expect(addressMatches(match('10.1.*.*'), v6('10.1.200.3'))).toBe(true);
    expect(addressMatches(match('10.1.*.*'), v6('10.2.0.3'))).toBe(false);
    expect(addressMatches(null, HOA)).toBe(true);
    // An IPv4 SA never matches an IPv6 packet and the reverse.
    expect(addressMatches(match('0.0.0.0/1'), HOA)).toBe(false);
    expect(addressMatches(match('2001:db8:1::100'), v6('10.1.1.1'))).toBe(false);
  });
});

describe('SaTable', () => {
  it('finds an SA by the home-address pair when the outer source is the care-of address', () => {
    const t = new SaTable();
    const s = sa(0x2001, '2001:db8:1::100', '2001:db8:1::1');
    t.add(s);
    expect(t.lookup(0x2001, COA, HA)).toBeNull();
    expect(t.lookup(0x2001, COA, HA, HOA, null)).toBe(s);
    expect(t.lookup(0x2001, HA, COA, null, HOA)).toBeNull(); // reverse direction is another SA
    expect(t.lookup(0x2002, HOA, HA)).toBeNull();
  });

  it('prefers the most specific SA among those sharing an SPI', () => {
    const t = new SaTable();
    const any = sa(0x3000, '*', '*');
    const net = sa(0x3000, '2001:db8:1::/48', '*');
    const host = sa(0x3000, '2001:db8:1::100', '2001:db8:1::1');
    t.add(any);
    t.add(net);
    t.add(host);
    expect(t.lookup(0x3000, HOA, HA)).toBe(host);
    expect(t.lookup(0x3000, v6('2001:db8:1::7'), HA)).toBe(net);
    expect(t.lookup(0x3000, COA, HA)).toBe(any);
  });

  it('looks up by SPI alone only for a unique wildcard SA', () => {
    const t = new SaTable();
    const none = new Uint8Array(0);
    const w = sa(0x4000, '*', '*');
    t.add(w);
    t.add(sa(0x4001, '2001:db8:1::100', '*'));
    expect(t.lookup(0x4000, none, none)).toBe(w);
    expect(t.lookup(0x4001, none, none)).toBeNull();
    t.add(sa(0x4000, '*', '*', { auth: 'hmac-md5-96' }));
    expect(t.lookup(0x4000, none, none)).toBeNull();
  });

  it('lists ICV lengths, most common first', () => {
    const t = new SaTable();
    t.add(sa(0x5000, '*', '*', { auth: 'hmac-sha256-128', authKey: Buffer.alloc(32) }));
    t.add(sa(0x5001, '*', '*'));
    t.add(sa(0x5002, '*', '*', { auth: 'hmac-md5-96', authKey: Buffer.alloc(16) }));
    t.add(sa(0x5003, '*', '*', { enc: 'aes-gcm-8', encKey: Buffer.alloc(20), auth: 'null', authKey: Buffer.alloc(0) }));
    expect(t.icvLengths()).toEqual([12, 16, 8]);
    expect(t.size).toBe(4);
  });
});

describe('checkSaKeys', () => {
  it('catches key sizes and impossible combinations', () => {
    const base = { enc: 'aes-cbc' as const, encKey: Buffer.alloc(16), auth: 'hmac-sha1-96' as const, authKey: Buffer.alloc(20) };
    expect(checkSaKeys(base)).toBeNull();
    expect(checkSaKeys({ ...base, encKey: Buffer.alloc(20) })).toMatch(/16\/24\/32 bytes/);
    expect(checkSaKeys({ ...base, enc: 'aes-ctr' })).toMatch(/nonce/);
    expect(checkSaKeys({ ...base, enc: 'aes-gcm-16', encKey: Buffer.alloc(20) })).toMatch(/must be NULL/);
    expect(checkSaKeys({ enc: 'null', encKey: Buffer.alloc(0), auth: 'null', authKey: Buffer.alloc(0) })).toMatch(/protects nothing/);
    expect(saIcvLength({ enc: 'aes-gcm-12', auth: 'null' })).toBe(12);
    expect(saIcvLength({ enc: 'aes-cbc', auth: 'hmac-sha512-256' })).toBe(32);
  });
});
