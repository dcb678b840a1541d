/**
 * HAHA messages (haha-spec-00, reused by global-haha-01 section 8) from hand-written
 * bytes with SPEC-NOTES 4's layouts and default numbers: HA HELLO 251 = fb,
 * BIR 252 = fc, BIU 253 = fd, BIA 254 = fe, HA Switch Request 255 = ff,
 * Binding Cache Entry Information option 250 = fa.
 */
import { describe, expect, it } from 'vitest';
import { dissect, dissectorFor, groups, info, mhPacket, value, values } from './helpers.js';

const BCEI = `
  20010db8000100000000000000001000   # Home Address
  20010db8007700000000000000000005   # Care-of Address
  c400 0011 0100                     # Flags A H R, Sequence 17, Lifetime 256`;

describe('HAHA HA HELLO', () => {
  it('decodes sequence, preference, lifetime, interval, prefix length and HA address', () => {
    const t = dissect(mhPacket(`
      3b 03 fb 00 0000        # Header Len 3 (32 bytes)
      0003 000a 0708 0005     # Seq 3, Preference 10, Lifetime 1800, Interval 5
      00 40                   # Reserved, Prefix Length 64
      20010db80001000000000000000000a1`));
    expect(value(t, 'mip6.haha.hello.seq')).toBe(3);
    expect(value(t, 'mip6.haha.hello.pref')).toBe(10);
    expect(value(t, 'mip6.haha.hello.lifetime')).toBe(1800);
    expect(value(t, 'mip6.haha.hello.interval')).toBe(5);
    expect(value(t, 'mip6.haha.hello.plen')).toBe(64);
    expect(value(t, 'mip6.haha.hello.ha_address')).toBe('2001:db8:1::a1');
    expect(info(t)).toBe('HAHA Hello seq 3 from 2001:db8:1::a1/64 pref 10');
    expect(t.notes).toEqual([]);
  });
  it('reports a header too short for the HA address', () => {
    const t = dissect(mhPacket('3b 01 fb 00 0000  0003 000a 0708 0005 00 40'));
    expect(groups(t)).toContain('mip6.length.min');
    expect(value(t, 'mip6.haha.hello.ha_address')).toBeUndefined();
  });
});

describe('Binding Information Update with Binding Cache Entry Information', () => {
  it('decodes the entry and the two MNP options its # of MNPs announces', () => {
    const t = dissect(mhPacket(`
      3b 0b fd 00 0000  0005            # BIU, Header Len 11, Identifier 5
      fa 28 ${BCEI}                      # BCEI at 8
      02 00                             # # of MNPs 2, Reserved
      01 00                             # PadN(2)
      06 12 00 30 20010db800aa00000000000000000000
      01 02 0000                        # PadN(4)
      06 12 00 40 20010db800bb00010000000000000000`));
    expect(value(t, 'mip6.haha.biu.id')).toBe(5);
    expect(value(t, 'mip6.haha.bcei.hoa')).toBe('2001:db8:1::1000');
    expect(value(t, 'mip6.haha.bcei.coa')).toBe('2001:db8:77::5');
    expect(value(t, 'mip6.haha.bcei.r_flag')).toBe(true);
    expect(value(t, 'mip6.haha.bcei.seq')).toBe(17);
    expect(value(t, 'mip6.haha.bcei.num_mnps')).toBe(2);
    expect(value(t, 'mip6.haha.bcei.mnp_count')).toBe(2);
    expect(values(t, 'mip6.nemo.mnp.pfl')).toEqual([48, 64]);
    expect(info(t)).toBe('Binding Information Update id 5, 1 binding');
    expect(t.notes).toEqual([]);
  });
  it('reports # of MNPs that the following options do not match', () => {
    const t = dissect(mhPacket(`
      3b 08 fd 00 0000  0005
      fa 28 ${BCEI}
      02 00
      01 00
      06 12 00 30 20010db800aa00000000000000000000`));
    expect(value(t, 'mip6.haha.bcei.mnp_count')).toBe(1);
    expect(groups(t)).toEqual(['mip6.haha.bcei.mnp']);
  });
  it('decodes the option at number 10 when a profile puts it there (the draft\'s 0x0a)', () => {
    const packet = mhPacket(`
      3b 06 fd 00 0000  0005
      0a 28 ${BCEI}
      00 00
      01 04 00000000          # PadN(6) to 56 bytes`);
    const moved = dissect(packet, dissectorFor({ mhOptions: { bindingCacheEntryInformation: 10 } }));
    expect(value(moved, 'mip6.haha.bcei.hoa')).toBe('2001:db8:1::1000');
    expect(groups(moved)).toEqual([]);
    const byDefault = dissect(packet);
    expect(value(byDefault, 'mip6.haha.bcei.hoa')).toBeUndefined();
    expect(groups(byDefault)).toEqual(['mip6.option.unknown']);
  });
});

describe('Binding Information Request, Acknowledgment and HA Switch Request', () => {
  it('decodes a BIR asking for a home address (IP Address code 4 in HAHA)', () => {
    const t = dissect(mhPacket(`
      3b 03 fc 00 0000  0007
      01 02 0000                        # PadN(4): the option is 8n+4
      22 12 04 80 20010db8000100000000000000001000`));
    expect(value(t, 'mip6.haha.bir.id')).toBe(7);
    expect(value(t, 'mip6.mhipv6ap.meaning')).toBe('Home Address');
    expect(info(t)).toBe('Binding Information Request id 7');
    expect(t.notes).toEqual([]);
  });
  it('warns about code 5, which only hareliability-01 defines', () => {
    const t = dissect(mhPacket(`
      3b 03 fc 00 0000  0007  01 02 0000
      22 12 05 80 20010db8000100000000000000001000`));
    expect(value(t, 'mip6.mhipv6ap.meaning')).toBeUndefined();
    expect(groups(t)).toEqual(['mip6.option.value']);
  });
  it('decodes a BIA with its status', () => {
    const t = dissect(mhPacket('3b 01 fe 00 0000  0005 0000 0000  01 02 0000'));
    expect(value(t, 'mip6.haha.bia.id')).toBe(5);
    expect(value(t, 'mip6.haha.bia.status')).toBe(0);
    expect(info(t)).toBe('Binding Information Ack id 5 status 0 (Success)');
    expect(t.notes).toEqual([]);
  });
  it('reports a BIA too short for its status (Header Len 0)', () => {
    const t = dissect(mhPacket('3b 00 fe 00 0000  0005'));
    expect(groups(t)).toContain('mip6.length.min');
  });
  it('decodes an HA Switch Request with no options, and one naming a home agent (code 3)', () => {
    const bare = dissect(mhPacket('3b 00 ff 00 0000  0000'));
    expect(info(bare)).toBe('HA Switch Request');
    expect(value(bare, 'mip6.haha.hsr.reserved')).toBe(0);
    expect(bare.notes).toEqual([]);
    const t = dissect(mhPacket(`
      3b 03 ff 00 0000  0000  01 02 0000
      22 12 03 80 20010db80001000000000000000000a2`));
    expect(value(t, 'mip6.mhipv6ap.meaning')).toBe('Home Agent Address');
    expect(value(t, 'mip6.mhipv6ap.ipv6_address')).toBe('2001:db8:1::a2');
  });
});
