/**
 * Home Agent Switch (RFC 5142 3, MH type 12) with the hareliability-01 8.3 I flag:
 * fields, Info, the count/length disagreements, and where tshark goes wrong.
 */
import { describe, expect, it } from 'vitest';
import { bindingRefreshAdvice, homeAgentSwitch, ipv6, mobility } from '../../../src/craft/index.js';
import { fieldByAbbrev } from '../../../src/dissect/fields.js';
import { dissect, groups, hex, info, overIpv6, tempDir, tsharkAvailable, tsharkRows, value, values, withChecksum } from './helpers.js';

const mh = (text: string): Uint8Array => overIpv6(withChecksum(hex(text)));
const HA2 = '20010db80001000000000000000000a2';
const HA3 = '20010db80001000000000000000000a3';

describe('Home Agent Switch', () => {
  it('one address and a Binding Refresh Advice', () => {
    const t = dissect(mh(`
      3b 03 0c 00 0000
      01 00                   # # of Addresses 1, Reserved (I clear)
      ${HA2}                  # 2001:db8:1::a2
      02 02 000f              # Binding Refresh Advice: 15 units = 60 s (at 24, 2n)
      01 02 0000              # PadN`));
    expect(value(t, 'mip6.has.num_addrs')).toBe(1);
    expect(value(t, 'mip6.has.i_flag')).toBe(false);
    expect(values(t, 'mip6.has.address')).toEqual(['2001:db8:1::a2']);
    expect(value(t, 'mip6.bra.interval')).toBe(15);
    expect(info(t)).toBe('Home Agent Switch: 1 address 2001:db8:1::a2, refresh 60 s');
    expect(t.notes).toEqual([]);
  });
  it('two addresses with the I (re-key) flag', () => {
    const t = dissect(mh(`3b 05 0c 00 0000  02 80 ${HA2} ${HA3}  02 02 000f 01 02 0000`));
    expect(value(t, 'mip6.has.i_flag')).toBe(true);
    expect(value(t, 'mip6.has.reserved')).toBe(0);
    expect(info(t)).toBe('Home Agent Switch: 2 addresses 2001:db8:1::a2, 2001:db8:1::a3, re-key (I), refresh 60 s');
    expect(t.notes).toEqual([]);
  });
  it('no addresses and no options: Header Len 0 (RFC 5142 3)', () => {
    const t = dissect(mh('3b 00 0c 00 0000  00 00'));
    expect(info(t)).toBe('Home Agent Switch: 0 addresses');
    expect(t.notes).toEqual([]);
  });
  it('warns on reserved bits other than I', () => {
    const t = dissect(mh(`3b 02 0c 00 0000  01 81 ${HA2}`));
    expect(value(t, 'mip6.has.i_flag')).toBe(true);
    expect(value(t, 'mip6.has.reserved')).toBe(1);
    expect(groups(t)).toEqual(['mip6.reserved']);
  });
  it('only the Binding Refresh Advice (and vendor options) are allowed', () => {
    const t = dissect(mh(`3b 03 0c 00 0000  01 00 ${HA2}  04 04 0001 0002 01 00`));
    expect(groups(t)).toEqual(['mip6.option.context']);
  });
  it('a count running past Header Len is noted, and what is there is shown', () => {
    const t = dissect(mh(`
      3b 03 0c 00 0000
      02 00                   # claims 2 addresses
      ${HA2}                  # but only one fits in Header Len 3 (32 bytes)
      02 02 000f 01 02 0000`));
    expect(groups(t)).toEqual(['mip6.has.count']);
    expect(t.notes[0]!.text).toBe('# of Addresses 2 needs 40 bytes, the header has 32 (room for 1 address)');
    expect(values(t, 'mip6.has.address')).toEqual(['2001:db8:1::a2']);
    expect(value(t, 'mip6.data')).toBe('0202000f01020000');
    expect(values(t, 'mip6.bra.interval')).toEqual([]);
  });
  it('options start after the counted addresses when the count is short', () => {
    // # of Addresses 1 with two addresses' worth of bytes: the second "address" is where
    // the options begin, so it is walked as options (and its garbage noted), never skipped.
    const t = dissect(mh(`3b 05 0c 00 0000  01 00 ${HA2} ${HA3}  02 02 000f 01 02 0000`));
    expect(values(t, 'mip6.has.address')).toEqual(['2001:db8:1::a2']);
    const opt = t.first(fieldByAbbrev('mip6.opt')!);
    expect(t.start[opt]! - 40).toBe(24);
    expect(groups(t)).toContain('mip6.option.unknown');
  });
  it('a header too short for # of Addresses and Reserved', () => {
    const t = dissect(overIpv6(hex('3b 00 0c 00 0000')));
    expect(groups(t)).toContain('mip6.length');
  });
});

describe.skipIf(!tsharkAvailable)('Home Agent Switch against tshark (skipped when tshark is not on PATH)', () => {
  const dir = tempDir();
  it('tshark reads the options from inside the address list; we decode the Binding Refresh Advice', () => {
    const frames = [1, 2].map((n) => ipv6({
      src: '2001:db8:1::a1', dst: '2001:db8:77:1::1000',
      payload: mobility({
        ...homeAgentSwitch({ homeAgents: ['2001:db8:1::a2', '2001:db8:1::a3'].slice(0, n) }),
        options: [bindingRefreshAdvice(15)],
      }),
    }));
    const rows = tsharkRows(dir, 'has.pcap', frames, ['mip6.has.num_addrs', 'mip6.has.address', 'mip6.bra.interval', 'mip6.mobility_opt']);
    for (let i = 0; i < frames.length; i++) {
      const t = dissect(frames[i]!);
      // Both agree on the count and the addresses.
      expect(rows[i]![0]).toBe(String(value(t, 'mip6.has.num_addrs')));
      expect(rows[i]![1]).toBe(values(t, 'mip6.has.address').join(','));
      // tshark 4.0 starts the options 6 bytes before the end of the address list (it
      // leaves out the 6-byte common header), so it shows five Pad1, then an "option"
      // of type 0xa2/0xa3 (the address's last byte) and a bogus Care-of Test Init, and
      // never the Binding Refresh Advice that follows the addresses.
      expect(rows[i]![2]).toBe('');
      expect(rows[i]![3]!.split(',')).not.toContain('2');
      expect(value(t, 'mip6.bra.interval')).toBe(15);
      expect(t.notes).toEqual([]);
    }
  });
});
