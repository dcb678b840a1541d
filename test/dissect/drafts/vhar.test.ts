/**
 * VHAR ICMPv6 messages 161-167 (vhar-02 section 6, record layouts of SPEC-NOTES 5)
 * and RFC 8335's Extended Echo Reply on type 161, from hand-written bytes. Packets
 * go fe80::a1 → fe80::a2 unless a test says otherwise; checksums are filled in.
 */
import { describe, expect, it } from 'vitest';
import { ADDR, dissect, dissectorFor, groups, icmpPacket, info, value, values } from './helpers.js';

const RELEASE_REQUEST = `
  a1 00 0000                        # type 161, code 0, checksum
  0007 0000                         # Identifier 7, Reserved
  20010db8000100000000000000001000  # Home Address`;

const BINDING_RECORD = (hoaLast: string) => `
  20010db80001000000000000000010${hoaLast}   # Home Address
  20010db8007700000000000000000005           # Care-of Address
  0e10                                       # Lifetime 3600
  80                                         # flag set
  0021                                       # Sequence 33
  0002                                       # Usage 2
`;

const SA_RECORD = `
  89                                # outgoing, protocol 1 (MH), interface 1
  c0                                # ESP, tunnel
  00001001                          # SPI
  fe8000000000000000000000000000a1  # source
  fe8000000000000000000000000000a2  # destination
  0000000000000010                  # sequence number counter 16
  0000000000000020                  # anti-replay window 32
`;

describe('type 161: MN Release Request or Extended Echo Reply (SPEC-NOTES 5)', () => {
  it('is an MN Release Request when 24 bytes long between link-local addresses', () => {
    const t = dissect(icmpPacket(RELEASE_REQUEST));
    expect(value(t, 'icmpv6.vhar.message')).toBe('MN Release Request');
    expect(value(t, 'icmpv6.vhar.identifier')).toBe(7);
    expect(value(t, 'icmpv6.vhar.home_address')).toBe('2001:db8:1::1000');
    expect(value(t, 'icmpv6.checksum.status')).toBe('good');
    expect(info(t)).toBe('MN Release Request id 7 home 2001:db8:1::1000');
    expect(t.notes).toEqual([]);
  });
  it('is an Extended Echo Reply when the addresses are global, even at 24 bytes', () => {
    const t = dissect(icmpPacket(RELEASE_REQUEST, ADDR.ha1, ADDR.ha2));
    expect(value(t, 'icmpv6.vhar.message')).toBeUndefined();
    expect(value(t, 'icmpv6.echo.identifier')).toBe(7);
    expect(value(t, 'icmpv6.data')).toBe('20010db8000100000000000000001000');
  });
  it('decodes an 8-byte Extended Echo Reply (RFC 8335 3) between link-local addresses', () => {
    const t = dissect(icmpPacket(`
      a1 00 0000
      0001                  # Identifier
      05                    # Sequence Number
      44                    # State 2 (Reachable), Res 0, A set, 4 and 6 clear`));
    expect(value(t, 'icmpv6.echo.identifier')).toBe(1);
    expect(value(t, 'icmpv6.ext.echo.seq')).toBe(5);
    expect(value(t, 'icmpv6.ext.echo.rsp.state')).toBe(2);
    expect(value(t, 'icmpv6.ext.echo.rsp.active')).toBe(true);
    expect(value(t, 'icmpv6.ext.echo.rsp.ipv6')).toBe(false);
    expect(info(t)).toBe('Extended Echo Reply id=0x0001, seq=5, No Error, state Reachable');
    expect(t.notes).toEqual([]);
  });
  it('flags a State in an error reply', () => {
    const t = dissect(icmpPacket('a1 02 0000 0001 05 40'));
    expect(value(t, 'icmpv6.ext.echo.rsp.code')).toBe('No Such Interface');
    expect(groups(t)).toEqual(['icmpv6.ext_echo.state']);
  });
  it('is always an Extended Echo Reply with VHAR off', () => {
    const t = dissect(icmpPacket(RELEASE_REQUEST), dissectorFor({ vhar: false }));
    expect(value(t, 'icmpv6.vhar.message')).toBeUndefined();
    expect(value(t, 'icmpv6.ext.echo.seq')).toBe(0);
  });
});

describe('VHAR 162-167 (vhar-02 6.3-6.8)', () => {
  it('decodes the replies: Identifier and Reserved', () => {
    for (const [type, name] of [['a2', 'MN Release Reply'], ['a4', 'MN Context Update Reply'], ['a6', 'SP Reply']] as const) {
      const t = dissect(icmpPacket(`${type} 00 0000  0009 0000`));
      expect(value(t, 'icmpv6.vhar.message')).toBe(name);
      expect(value(t, 'icmpv6.vhar.identifier')).toBe(9);
      expect(info(t)).toBe(`${name} id 9`);
      expect(t.notes).toEqual([]);
    }
  });
  it('decodes an MN Context Update Request with two 39-byte binding records', () => {
    const t = dissect(icmpPacket(`a3 00 0000  0003 0000 ${BINDING_RECORD('00')} ${BINDING_RECORD('01')}`));
    expect(values(t, 'icmpv6.vhar.binding.hoa')).toEqual(['2001:db8:1::1000', '2001:db8:1::1001']);
    expect(values(t, 'icmpv6.vhar.binding.coa')).toEqual(['2001:db8:77::5', '2001:db8:77::5']);
    expect(values(t, 'icmpv6.vhar.binding.lifetime')).toEqual([3600, 3600]);
    expect(values(t, 'icmpv6.vhar.binding.flag')).toEqual([true, true]);
    expect(values(t, 'icmpv6.vhar.binding.seq')).toEqual([33, 33]);
    expect(values(t, 'icmpv6.vhar.binding.usage')).toEqual([2, 2]);
    expect(info(t)).toBe('MN Context Update Request id 3, 2 bindings');
    expect(t.notes).toEqual([]);
  });
  it('shows the bytes after the last whole binding record raw', () => {
    const t = dissect(icmpPacket(`a3 00 0000  0003 0000 ${BINDING_RECORD('00')}
      ffeeddccbb            # 5 bytes: not a record`));
    expect(values(t, 'icmpv6.vhar.binding.hoa')).toHaveLength(1);
    expect(value(t, 'icmpv6.vhar.leftover')).toBe('ffeeddccbb');
    expect(groups(t)).toEqual(['icmpv6.vhar.record']);
  });
  it('decodes an SP Synch with one 54-byte SA record', () => {
    const t = dissect(icmpPacket(`a5 00 0000  0004 0001 ${SA_RECORD}`));
    expect(value(t, 'icmpv6.vhar.num_sas')).toBe(1);
    expect(value(t, 'icmpv6.vhar.sa.outgoing')).toBe(true);
    expect(value(t, 'icmpv6.vhar.sa.protocol')).toBe(1);
    expect(value(t, 'icmpv6.vhar.sa.interface')).toBe(1);
    expect(value(t, 'icmpv6.vhar.sa.esp')).toBe(true);
    expect(value(t, 'icmpv6.vhar.sa.tunnel')).toBe(true);
    expect(value(t, 'icmpv6.vhar.sa.spi')).toBe(0x1001);
    expect(value(t, 'icmpv6.vhar.sa.src')).toBe('fe80::a1');
    expect(value(t, 'icmpv6.vhar.sa.dst')).toBe('fe80::a2');
    expect(value(t, 'icmpv6.vhar.sa.seq')).toBe('16');
    expect(value(t, 'icmpv6.vhar.sa.window')).toBe('32');
    expect(info(t)).toBe('SP Synch id 4, 1 SA');
    expect(t.notes).toEqual([]);
  });
  it('reports a Number of SAs the records do not match, and keeps the leftover bytes', () => {
    const t = dissect(icmpPacket(`a5 00 0000  0004 0002 ${SA_RECORD} 00112233445566778899`));
    expect(value(t, 'icmpv6.vhar.leftover')).toBe('00112233445566778899');
    expect(groups(t).sort()).toEqual(['icmpv6.vhar.count', 'icmpv6.vhar.record']);
  });
  it('decodes a SeqNo Synch', () => {
    const t = dissect(icmpPacket(`
      a7 00 0000
      00001001              # SPI
      00000001000000ff      # Sequence Number (beyond 2^32)
      0000000000000040      # Anti-replay Window`));
    expect(value(t, 'icmpv6.vhar.spi')).toBe(0x1001);
    expect(value(t, 'icmpv6.vhar.sequence')).toBe('4294967551');
    expect(value(t, 'icmpv6.vhar.window')).toBe('64');
    expect(info(t)).toBe('SeqNo Synch SPI 0x00001001');
  });
  it('reports a truncated message and global addresses', () => {
    const t = dissect(icmpPacket('a7 00 0000 00001001', ADDR.ha1, ADDR.ha2));
    expect(groups(t).sort()).toEqual(['icmpv6.short', 'icmpv6.vhar.scope']);
    expect(value(t, 'icmpv6.data')).toBe('00001001');
  });
  it('leaves 162-167 raw when the profile turns VHAR off', () => {
    const t = dissect(icmpPacket('a2 00 0000 0009 0000'), dissectorFor({ vhar: false }));
    expect(value(t, 'icmpv6.vhar.identifier')).toBeUndefined();
    expect(value(t, 'icmpv6.data')).toBe('00090000');
  });
});
