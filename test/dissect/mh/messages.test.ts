/**
 * Each Mobility Header message from hand-written bytes (RFC 6275 6.1, RFC 5846 5,
 * RFC 5847 3.3, RFC 5096): the fields, the Info line, and the notes for malformed ones.
 * Every MH here sits behind overIpv6() (2001:db8::1 → 2001:db8::2); withChecksum()
 * fills in the checksum so only the deliberately bad cases carry a checksum note.
 */
import { describe, expect, it } from 'vitest';
import { dissect, groups, hex, info, overIpv6, value, values, withChecksum } from './helpers.js';

const mh = (text: string): Uint8Array => overIpv6(withChecksum(hex(text)));

describe('Binding Refresh Request (RFC 6275 6.1.2)', () => {
  it('decodes an 8-byte BRR', () => {
    const t = dissect(mh(`
      3b 00 00 00  0000       # proto 59, Header Len 0, type 0, reserved, checksum
      0000                    # Reserved`));
    expect(value(t, 'mip6.mhtype')).toBe(0);
    expect(value(t, 'mip6.binding_refresh_request')).toBe('0000');
    expect(value(t, 'mip6.csum.status')).toBe('good');
    expect(info(t)).toBe('Binding Refresh Request');
    expect(t.notes).toEqual([]);
  });
  it('warns on non-zero reserved bits', () => {
    const t = dissect(mh('3b 00 00 00 0000 0100'));
    expect(groups(t)).toEqual(['mip6.reserved']);
  });
  it('reports a bad checksum', () => {
    const good = mh('3b 00 00 00 0000 0000');
    good[40 + 5]! ^= 0x01;
    const t = dissect(good);
    expect(value(t, 'mip6.csum.status')).toBe('bad');
    expect(groups(t)).toContain('mip6.checksum');
  });
});

describe('Home/Care-of Test Init (RFC 6275 6.1.3, 6.1.4)', () => {
  it('decodes the HoTI cookie', () => {
    const t = dissect(mh(`
      3b 01 01 00 0000
      0000                    # Reserved
      0102030405060708        # Home Init Cookie`));
    expect(value(t, 'mip6.hoti.cookie')).toBe('72623859790382856');
    expect(info(t)).toBe('Home Test Init cookie 0102030405060708');
    expect(t.notes).toEqual([]);
  });
  it('decodes the CoTI cookie', () => {
    const t = dissect(mh('3b 01 02 00 0000  0000 090a0b0c0d0e0f10'));
    expect(value(t, 'mip6.coti.cookie')).toBe(BigInt('0x090a0b0c0d0e0f10').toString());
    expect(info(t)).toBe('Care-of Test Init cookie 090a0b0c0d0e0f10');
  });
  it('reports Header Len 0 as below the minimum 1 (RFC 6275 9.2)', () => {
    const t = dissect(mh('3b 00 01 00 0000 0000'));
    expect(groups(t)).toContain('mip6.length.min');
    expect(value(t, 'mip6.hoti.cookie')).toBeUndefined();
  });
});

describe('Home/Care-of Test (RFC 6275 6.1.5, 6.1.6)', () => {
  it('decodes nonce index, cookie and keygen token of a HoT', () => {
    const t = dissect(mh(`
      3b 02 03 00 0000
      090a                    # Home Nonce Index
      0b0c0d0e0f1004d2        # Home Init Cookie
      1112131415161718        # Home Keygen Token`));
    expect(value(t, 'mip6.hot.nindex')).toBe(0x090a);
    expect(value(t, 'mip6.hot.cookie')).toBe(BigInt('0x0b0c0d0e0f1004d2').toString());
    expect(value(t, 'mip6.hot.token')).toBe(BigInt('0x1112131415161718').toString());
    expect(info(t)).toBe('Home Test nonce index 2314 cookie 0b0c0d0e0f1004d2');
  });
  it('decodes a CoT into the mip6.cot fields', () => {
    const t = dissect(mh('3b 02 04 00 0000  090a 0b0c0d0e0f10162e 191a1b1c1d1e1f20'));
    expect(value(t, 'mip6.cot.nindex')).toBe(0x090a);
    expect(value(t, 'mip6.cot.token')).toBe(BigInt('0x191a1b1c1d1e1f20').toString());
    expect(value(t, 'mip6.hot.token')).toBeUndefined();
  });
  it('reports a HoT whose Header Len (1) is below the minimum 2 and too short for its fields', () => {
    const t = dissect(mh('3b 01 03 00 0000  090a 0b0c0d0e0f1004d2'));
    expect(groups(t)).toEqual(expect.arrayContaining(['mip6.length.min', 'mip6.length']));
    expect(value(t, 'mip6.hot.nindex')).toBeUndefined();
  });
});

describe('Binding Error (RFC 6275 6.1.9)', () => {
  it('decodes status and home address, with the status named in Info', () => {
    const t = dissect(mh(`
      3b 02 07 00 0000
      02 00                   # Status 2, Reserved
      20010db8000000000000000000000001  # Home Address`));
    expect(value(t, 'mip6.be.status')).toBe(2);
    expect(value(t, 'mip6.be.haddr')).toBe('2001:db8::1');
    expect(info(t)).toBe('Binding Error status 2 (Unrecognized MH Type value) home 2001:db8::1');
    expect(t.notes).toEqual([]);
  });
  it('warns on an undefined status and a non-zero reserved byte', () => {
    const t = dissect(mh('3b 02 07 00 0000  09 01 20010db8000000000000000000000001'));
    expect(groups(t).sort()).toEqual(['mip6.reserved', 'mip6.value']);
    expect(info(t)).toBe('Binding Error status 9 (unknown status) home 2001:db8::1');
  });
});

describe('Heartbeat (RFC 5847 3.3)', () => {
  it('decodes flags and the 32-bit sequence number', () => {
    const t = dissect(mh(`
      3b 01 0d 00 0000
      0001                    # Reserved, U=0, R=1
      8000004d                # Sequence Number
      01 02 0000              # PadN`));
    expect(value(t, 'mip6.hb.r_flag')).toBe(true);
    expect(value(t, 'mip6.hb.u_flag')).toBe(false);
    expect(value(t, 'mip6.hb.seqnr')).toBe(0x8000004d);
    expect(info(t)).toBe('Heartbeat Response seq 2147483725');
    expect(t.notes).toEqual([]);
  });
  it('names an unsolicited response and flags U in a request', () => {
    expect(info(dissect(mh('3b 01 0d 00 0000 0003 00000001 01020000')))).toBe('Unsolicited Heartbeat Response seq 1');
    const t = dissect(mh('3b 01 0d 00 0000 0002 00000001 01020000'));
    expect(info(t)).toBe('Heartbeat Request seq 1');
    expect(groups(t)).toEqual(['mip6.hb.flags']);
  });
});

describe('Binding Revocation (RFC 5846 5)', () => {
  it('decodes an indication with its trigger and P/G flags', () => {
    const t = dissect(mh(`
      3b 01 10 00 0000
      01 01                   # B.R. Type 1 (indication), R. Trigger 1 (administrative)
      0009                    # Sequence #
      a000                    # P=1 V=0 G=1, Reserved 0
      01 02 0000              # PadN`));
    expect(value(t, 'mip6.bri_br.type')).toBe(1);
    expect(value(t, 'mip6.bri_r.trigger')).toBe(1);
    expect(value(t, 'mip6.bri_seqnr')).toBe(9);
    expect([value(t, 'mip6.bri_ip'), value(t, 'mip6.bri_iv'), value(t, 'mip6.bri_ig')]).toEqual([true, false, true]);
    expect(value(t, 'mip6.bri_status')).toBeUndefined();
    expect(info(t)).toBe('Binding Revocation Indication seq 9 trigger 1 (Administrative Reason)');
    expect(t.notes).toEqual([]);
  });
  it('decodes an acknowledgement with its status', () => {
    const t = dissect(mh('3b 01 10 00 0000  02 80 0009 4001  01020000'));
    expect(value(t, 'mip6.bri_status')).toBe(128);
    expect(value(t, 'mip6.bri_av')).toBe(true);
    expect(value(t, 'mip6.bri_r.trigger')).toBeUndefined();
    expect(info(t)).toBe('Binding Revocation Acknowledgement seq 9 status 128 (Binding Does NOT Exist)');
    expect(groups(t)).toEqual(['mip6.reserved']);
  });
  it('shows an unassigned B.R. Type raw and says so', () => {
    const t = dissect(mh('3b 01 10 00 0000  07 01 0009 0000 01020000'));
    expect(groups(t)).toEqual(['mip6.br.type']);
    expect(value(t, 'mip6.data')).toBe('01000900000102 0000'.replace(' ', ''));
    expect(value(t, 'mip6.bri_seqnr')).toBeUndefined();
  });
});

describe('types shown raw', () => {
  it('registers Experimental (RFC 5096) with its name and all its data raw', () => {
    const t = dissect(mh('3b 01 0b 00 0000  deadbeef 0102 0304 0506'));
    expect(value(t, 'mip6.data')).toBe('deadbeef010203040506');
    expect(info(t)).toBe('Experimental Mobility Header, 10 bytes of message data');
    expect(groups(t)).not.toContain('mip6.type.unknown');
    expect(values(t, 'mip6.opt')).toEqual([]);
  });
  it('shows a Fast Binding Update raw, not as an unknown type', () => {
    const t = dissect(mh('3b 01 08 00 0000  03e8 8000 0004 01020000'));
    expect(info(t)).toBe('Fast Binding Update, 10 bytes of message data');
    expect(t.notes).toEqual([]);
  });
  it('still calls an unassigned type unknown', () => {
    const t = dissect(mh('3b 00 63 00 0000 0000'));
    expect(groups(t)).toEqual(['mip6.type.unknown']);
  });
});
