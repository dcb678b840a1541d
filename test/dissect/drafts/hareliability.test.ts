/**
 * draft-ietf-mip6-hareliability-01 messages and options from hand-written bytes,
 * laid out from the figures as SPEC-NOTES 4 gives them, with the default numbers
 * (State Synchronization 248 = f8, HA Control 249 = f9, Hello 250 = fa; options
 * Binding Cache Information 248 = f8, AAA Information 249 = f9).
 */
import { describe, expect, it } from 'vitest';
import { dissect, groups, info, mhPacket, value, values } from './helpers.js';

describe('State Synchronization (hareliability-01 6.1.1)', () => {
  it('decodes a Request with an IP Address option for the Home Address (code 5)', () => {
    const t = dissect(mhPacket(`
      3b 03 f8 00 0000        # proto 59, Header Len 3 (32 bytes), type 248
      00 00 0009              # Type 0 Request, Reserved, Identifier 9
      01 00                   # PadN(2): the IP Address option is 8n+4
      22 12 05 80             # IP Address option: code 5, prefix length 128
      20010db80001000000000000000010 00`));
    expect(value(t, 'mip6.harel.sync.type')).toBe(0);
    expect(value(t, 'mip6.harel.sync.id')).toBe(9);
    expect(value(t, 'mip6.mhipv6ap.opt_code')).toBe(5);
    expect(value(t, 'mip6.mhipv6ap.meaning')).toBe('Home Address');
    expect(value(t, 'mip6.mhipv6ap.ipv6_address')).toBe('2001:db8:1::1000');
    expect(value(t, 'mip6.csum.status')).toBe('good');
    expect(info(t)).toBe('State Sync Request id 9');
    expect(t.notes).toEqual([]);
  });

  it('names code 4 Home Agent Address, and reports a Request without its mandatory option', () => {
    const t = dissect(mhPacket(`
      3b 03 f8 00 0000  00 00 0009  01 00
      22 12 04 80 20010db80001000000000000000000a1`));
    expect(value(t, 'mip6.mhipv6ap.meaning')).toBe('Home Agent Address');
    expect(groups(t)).toEqual(['mip6.harel.sync.options']);
  });

  it('warns about an IP Address Option-Code this draft does not define (3 is HAHA\'s)', () => {
    const t = dissect(mhPacket(`
      3b 03 f8 00 0000  00 00 0009  01 00
      22 12 03 80 20010db80001000000000000000000a1`));
    expect(value(t, 'mip6.mhipv6ap.meaning')).toBeUndefined();
    expect(groups(t)).toContain('mip6.option.value');
  });

  it('decodes a Reply with a Binding Cache Information option and two MNP options after it (R set)', () => {
    const t = dissect(mhPacket(`
      3b 0b f8 00 0000        # Header Len 11 (96 bytes)
      01 00 0009              # Type 1 Reply, Identifier 9
      f8 28                   # Binding Cache Information at offset 10 (8n+2), length 40
      c400                    # Flags A H R
      0010 0100 0000          # Sequence 16, Lifetime 256 (x4 s), Reserved
      20010db8000100000000000000001000   # Home Address
      20010db8007700000000000000000005   # Care-of Address
      06 12 00 30 20010db800aa00000000000000000000   # MNP at 52 (8n+4): 2001:db8:aa::/48
      01 02 0000              # PadN(4)
      06 12 00 40 20010db800bb00010000000000000000   # MNP at 76: 2001:db8:bb:1::/64`));
    expect(value(t, 'mip6.harel.bci.flags')).toBe(0xc400);
    expect(value(t, 'mip6.harel.bci.r_flag')).toBe(true);
    expect(value(t, 'mip6.harel.bci.h_flag')).toBe(true);
    expect(value(t, 'mip6.harel.bci.k_flag')).toBe(false);
    expect(value(t, 'mip6.harel.bci.seq')).toBe(16);
    expect(value(t, 'mip6.harel.bci.lifetime')).toBe(256);
    expect(value(t, 'mip6.harel.bci.hoa')).toBe('2001:db8:1::1000');
    expect(value(t, 'mip6.harel.bci.coa')).toBe('2001:db8:77::5');
    expect(value(t, 'mip6.harel.bci.mnp_count')).toBe(2);
    expect(values(t, 'mip6.nemo.mnp.mnp')).toEqual(['2001:db8:aa::', '2001:db8:bb:1::']);
    expect(info(t)).toBe('State Sync Reply id 9');
    expect(t.notes).toEqual([]);
  });

  it('reports R set with no MNP option following', () => {
    const t = dissect(mhPacket(`
      3b 06 f8 00 0000  01 00 0001
      f8 28 0400 0001 0010 0000
      20010db8000100000000000000001000 20010db8007700000000000000000005
      01 02 0000`));
    expect(value(t, 'mip6.harel.bci.mnp_count')).toBe(0);
    expect(groups(t)).toEqual(['mip6.harel.bci.mnp']);
  });

  it('calls an unsolicited Reply (Identifier 0) what it is', () => {
    const t = dissect(mhPacket(`
      3b 06 f8 00 0000  01 00 0000
      f8 28 4000 0001 0010 0000
      20010db8000100000000000000001000 20010db8007700000000000000000005
      01 02 0000`));
    expect(info(t)).toBe('State Sync Reply id 0 (unsolicited)');
    expect(t.notes).toEqual([]);
  });

  it('decodes AAA Information with RADIUS-style attributes', () => {
    const t = dissect(mhPacket(`
      3b 02 f8 00 0000  01 00 0003
      f9 0b                   # AAA Information, 11 bytes
      01 07 616c696365        # attribute 1, length 7, "alice"
      2c 04 6162              # attribute 44, length 4, "ab"
      00                      # Pad1`));
    expect(values(t, 'mip6.harel.aaa.type')).toEqual([1, 44]);
    expect(values(t, 'mip6.harel.aaa.value')).toEqual(['616c696365', '6162']);
    expect(value(t, 'mip6.harel.aaa.raw')).toBeUndefined();
    expect(t.notes).toEqual([]);
  });

  it('shows AAA AVPs raw when they parse neither as RADIUS nor as Diameter', () => {
    const t = dissect(mhPacket(`
      3b 01 f8 00 0000  01 00 0003
      f9 03 01 09 61          # attribute length 9 runs past the 3 bytes
      00`));
    expect(value(t, 'mip6.harel.aaa.raw')).toBe('010961');
    expect(value(t, 'mip6.harel.aaa.type')).toBeUndefined();
    expect(groups(t)).toEqual(['mip6.harel.aaa.format']);
  });

  it('decodes Diameter-style AVPs', () => {
    const t = dissect(mhPacket(`
      3b 02 f8 00 0000  01 00 0003
      f9 0c                   # AAA Information, 12 bytes
      00000001 40 00000c 626f6221   # AVP code 1, M flag, length 12, "bob!"
      0000`));
    expect(value(t, 'mip6.harel.aaa.code')).toBe(1);
    expect(value(t, 'mip6.harel.aaa.data')).toBe('626f6221');
  });

  it('reports Header Len 0 (below the figure\'s 10 bytes plus a mandatory option)', () => {
    const t = dissect(mhPacket('3b 00 f8 00 0000 00 00'));
    expect(groups(t)).toContain('mip6.length.min');
    expect(value(t, 'mip6.harel.sync.id')).toBeUndefined();
  });

  it('refuses a Binding Cache Information option outside State Synchronization', () => {
    const t = dissect(mhPacket(`
      3b 06 fd 00 0000  0005   # Binding Information Update id 5
      00 00                     # Pad1 Pad1 (BCI at 10 is 8n+2)
      f8 28 0000 0001 0010 0000
      20010db8000100000000000000001000 20010db8007700000000000000000005
      01 02 0000`));
    expect(groups(t)).toContain('mip6.option.context');
  });
});

describe('Home Agent Control (hareliability-01 6.1.2)', () => {
  it('decodes a SwitchBack Reply with Header Len 0, as its 8-byte figure gives, without a note', () => {
    const t = dissect(mhPacket('3b 00 f9 00 0000  03 00'));
    expect(value(t, 'mip6.harel.ctrl.type')).toBe(3);
    expect(value(t, 'mip6.harel.ctrl.status')).toBe(0);
    expect(info(t)).toBe('HA Control SwitchBack Reply status 0 (Success)');
    expect(t.notes).toEqual([]);
  });
  it('names the refusal status of a SwitchOver Reply', () => {
    const t = dissect(mhPacket('3b 00 f9 00 0000  01 82'));
    expect(info(t)).toBe('HA Control SwitchOver Reply status 130 (Not active home agent)');
  });
  it('shows a Request without a status', () => {
    const t = dissect(mhPacket('3b 00 f9 00 0000  00 00'));
    expect(info(t)).toBe('HA Control SwitchOver Request');
    expect(t.notes).toEqual([]);
  });
  it('notes a status in a Request and an undefined status in a Reply', () => {
    expect(groups(dissect(mhPacket('3b 00 f9 00 0000  02 80')))).toEqual(['mip6.harel.ctrl.status']);
    expect(groups(dissect(mhPacket('3b 00 f9 00 0000  03 07')))).toEqual(['mip6.harel.ctrl.status']);
    expect(groups(dissect(mhPacket('3b 00 f9 00 0000  04 00')))).toEqual(['mip6.harel.ctrl.type']);
  });
});

describe('Home Agent Hello (hareliability-01 6.1.3)', () => {
  const hello = `
    3b 01 fa 00 0000        # Header Len 1: the figure's 16 bytes (the prose's 2 is wrong)
    002a                    # Sequence 42
    0014                    # Preference 20
    0708                    # Lifetime 1800 s
    0001                    # Hello Interval 1
    07                      # Group ID 7
    80                      # A set, R clear`;
  it('decodes every field and says so in the Info line', () => {
    const t = dissect(mhPacket(hello));
    expect(value(t, 'mip6.harel.hello.seq')).toBe(42);
    expect(value(t, 'mip6.harel.hello.pref')).toBe(20);
    expect(value(t, 'mip6.harel.hello.lifetime')).toBe(1800);
    expect(value(t, 'mip6.harel.hello.interval')).toBe(1);
    expect(value(t, 'mip6.harel.hello.group')).toBe(7);
    expect(value(t, 'mip6.harel.hello.a_flag')).toBe(true);
    expect(value(t, 'mip6.harel.hello.r_flag')).toBe(false);
    expect(value(t, 'mip6.harel.hello.reserved')).toBe(0);
    expect(info(t)).toBe('HA Hello seq 42 group 7 ACTIVE pref 20');
    expect(t.notes).toEqual([]);
  });
  it('shows a standby asking for a reply, and warns on reserved bits', () => {
    const t = dissect(mhPacket('3b 01 fa 00 0000  0001 000a 0000 0001 03 41'));
    expect(info(t)).toBe('HA Hello seq 1 group 3 STANDBY pref 10, reply requested, lifetime 0');
    expect(value(t, 'mip6.harel.hello.reserved')).toBe(1);
    expect(groups(t)).toEqual(['mip6.reserved']);
  });
  it('reports Header Len 0 and leaves the fields out', () => {
    const t = dissect(mhPacket('3b 00 fa 00 0000  002a'));
    expect(groups(t)).toContain('mip6.length.min');
    expect(value(t, 'mip6.harel.hello.seq')).toBeUndefined();
  });
});
