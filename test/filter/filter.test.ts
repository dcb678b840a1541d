import { describe, expect, it } from 'vitest';
import { bindingAck, homeAgentSwitch, ipv6, mobility, routingType2 } from '../../src/craft/index.js';
import { createDissector } from '../../src/dissect/index.js';
import { compileFilter, FilterError } from '../../src/filter/index.js';
import { dissectBytes, matching } from './helpers.js';

// registration-and-switch.pcapng, frame by frame (see samples/README.md):
//  1 BU 100 MN→HA1   2 BA 100   3 BU 101 (refresh)   4 BA 101
//  5 HA Switch HA1→MN listing HA2, refresh advice 15 (60 s)   6 the same, retransmitted
//  7 BU 102 lifetime 0 to HA1 (de-registration)   8 BA 102   9 BU 103 to HA2   10 BA 103 from HA2
const RS = 'registration-and-switch.pcapng';
const ALL = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

describe('display filters on registration-and-switch', () => {
  it.each([
    ['mip6.mhtype == 12', [5, 6]],
    ['mip6.mhtype eq 0xc', [5, 6]],
    ['mip6.mhtype == "Home Agent Switch"', [5, 6]],
    ['mip6.mhtype == 5', [1, 3, 7, 9]],
    ['mip6.has', [5, 6]],
    ['esp', ALL],
    ['mip6 && !mip6.bu.seqnr', [2, 4, 5, 6, 8, 10]],
    ['mip6.bu.lifetime == 0', [7]],
    ['mip6.bu.seqnr > 0x64', [3, 7, 9]],
    ['mip6.bu.seqnr >= 101 and mip6.bu.seqnr le 102', [3, 7]],
    ['mip6.bu.seqnr in {100 102..103}', [1, 7, 9]],
    ['mip6.ba.seqnr in {101, 103}', [4, 10]],
    ['mip6.bu.a_flag == 1', [1, 3, 7, 9]],
    ['mip6.bu.a_flag == true', [1, 3, 7, 9]],
    ['mip6.bu.m_flag == false', [1, 3, 7, 9]],
    ['mip6.bra.interval == 15', [5, 6]],
    ['ipv6.addr == 2001:db8:1::a2', [9, 10]],
    ['ipv6.addr == 2001:db8:77::/48', ALL],
    ['ipv6.addr == 2001:db8:1::/64 and ipv6.dst == 2001:db8:77::/48', [2, 4, 5, 6, 8, 10]],
    ['ipv6.addr != 2001:db8:1::a1', [9, 10]],
    ['ipv6.addr ~= 2001:db8:1::a1', ALL],
    ['ipv6.addr === 2001:db8:1::a1', []],
    ['ipv6.src == 2001:db8:1::a1 && mip6.mhtype == 6', [2, 4, 8]],
    ['mip6.has.address == 2001:db8:1::a2', [5, 6]],
    // A protocol's bytes, as Wireshark searches them: HA2's address is in the switches' list, HA1's header fields are not.
    ['mip6 contains 20:01:0d:b8:00:01:00:00:00:00:00:00:00:00:00:a2', [5, 6]],
    ['frame contains 20:01:0d:b8:00:01:00:00:00:00:00:00:00:00:00:a2', [5, 6, 9, 10]],
    ['mip6 contains 20:01:0d:b8:00:77', []],
    ['ipv6.home_address in {2001:db8:1::1000 2001:db8:1::2000}', ALL],
    ['esp.icv contains ba:4c:8b', [1]],
    ['esp.icv contains "zz"', []],
    ['esp.sequence == 1 || (esp.sequence == 5 and not mip6.bu)', [1, 2, 8, 9, 10]],
    ['esp.icv.status == unchecked', ALL],
    ['esp.icv.status == "bad"', []],
    ['mip6.csum.status != good', []],
    // As in Wireshark (and tshark 4.0): a packet without the field does not pass "!=" ...
    ['mip6.bu.seqnr != 100', [3, 7, 9]],
    // ... but passes the negation of "==".
    ['!(mip6.bu.seqnr == 100)', [2, 3, 4, 5, 6, 7, 8, 9, 10]],
    ['mip6.bu.seqnr !== 100', [3, 7, 9]],
    ['mip6.bu.seqnr xor mip6.ba.seqnr', [1, 2, 3, 4, 7, 8, 9, 10]],
    // Wireshark 4's "not in": the negation of "in", so packets without the field pass too.
    ['mip6.bu.seqnr not in {100 102..103}', [2, 3, 4, 5, 6, 8, 10]],
    ['mip6.mhtype not in {5, "Binding Acknowledgement"}', [5, 6]],
    ['ipv6.addr not in {2001:db8:1::a1}', [9, 10]],
    ['mip6 and not mip6.mhtype not in {12}', [5, 6]],
  ])('%s', (filter, frames) => {
    expect(matching(RS, filter)).toEqual(frames);
  });

  it('matches crafted packets by value name and address bytes', () => {
    const ha = '2001:db8:1::a1';
    const ba = ipv6({
      src: ha, dst: '2001:db8:77::5', extensions: [routingType2('2001:db8:1::1005')],
      payload: mobility(bindingAck({ status: 129, sequence: 7, lifetimeUnits: 0 })),
    });
    const ctx = createDissector();
    const tree = dissectBytes(ba, ctx);
    const yes = (f: string) => expect(compileFilter(f).match(tree), f).toBe(true);
    const no = (f: string) => expect(compileFilter(f).match(tree), f).toBe(false);
    yes('mip6.ba.status == "Administratively prohibited"');
    yes('mip6.ba.status == "administratively PROHIBITED"');
    yes('mip6.ba.status == 129 && mip6.ba.status >= 128');
    no('mip6.ba.status == "Binding Update accepted"');
    yes('ipv6.home_address == 2001:db8:1::1005');
    yes('ipv6.dst == 2001:db8:77::/120');
    no('ipv6.dst == 2001:db8:77::100/120');
    yes('ipv6.dst == 2001:db8:77::4/127');
    no('ipv6.dst == 2001:db8:77::6/127');

    const has = ipv6({
      src: ha, dst: '2001:db8:77::5', extensions: [routingType2('2001:db8:1::1005')],
      payload: mobility(homeAgentSwitch({ homeAgents: ['2001:db8:1::a2', '2001:db8:1::a3'], rekey: true })),
    });
    const t2 = dissectBytes(has, ctx);
    const m = (f: string) => compileFilter(f).match(t2);
    expect(m('mip6.has.address == 2001:db8:1::a3')).toBe(true);
    expect(m('mip6.has.address != 2001:db8:1::a3')).toBe(false);
    expect(m('mip6.has.address ~= 2001:db8:1::a3')).toBe(true);
    expect(m('mip6.has.address === 2001:db8:1::/64')).toBe(true);
    expect(m('mip6.has.address === 2001:db8:1::a2')).toBe(false);
    expect(m('mip6.has.i_flag')).toBe(true);
    expect(m('mip6.has.i_flag == 1 && mip6.has.num_addrs == 2')).toBe(true);
    expect(m('mip6.ba')).toBe(false);
    // Absent field: no comparison holds, != and === included; the negation of == does.
    expect(m('mip6.bu.seqnr != 5')).toBe(false);
    expect(m('mip6.bu.seqnr === 5')).toBe(false);
    expect(m('!(mip6.bu.seqnr == 5)')).toBe(true);
  });
});

function errorOf(text: string): FilterError {
  createDissector();
  try {
    compileFilter(text);
  } catch (e) {
    expect(e).toBeInstanceOf(FilterError);
    return e as FilterError;
  }
  throw new Error(`"${text}" compiled`);
}

describe('bad filters', () => {
  it('names the unknown field and the ones that come close', () => {
    const e = errorOf('esp && mip6.mhtyp == 5');
    expect(e.position).toBe(7);
    expect(e.message).toContain('mip6.mhtyp');
    expect(e.suggestions[0]).toBe('mip6.mhtype');
    expect(e.hint.split('\n  ')).toEqual(['esp && mip6.mhtyp == 5', '       ^~~~~~~~~~', 'did you mean: mip6.mhtype?']);
  });

  it('takes the names every object inherits for field names, not operators', () => {
    for (const name of ['constructor', 'toString', '__proto__', 'valueOf']) {
      const e = errorOf(`${name} == 1`);
      expect(e.position).toBe(0);
      expect(e.message).toContain(`"${name}" is not a field name`);
    }
  });

  it('tests a protocol by its presence or its bytes, not by a value', () => {
    for (const f of ['frame == 1', 'mip6 > 2', 'esp in {1 2}']) {
      expect(errorOf(f).message, f).toMatch(/is a protocol: test its presence with the name alone \("\w+"\), or its bytes with contains/);
    }
  });

  it('suggests completions of a name typed only in part', () => {
    const e = errorOf('mip6.bu.seq == 1');
    expect(e.suggestions).toContain('mip6.bu.seqnr');
  });

  it('suggests the field a name typed in the wrong case means', () => {
    const e = errorOf('MIP6.MHTYPE == 12');
    expect(e.position).toBe(0);
    expect(e.suggestions[0]).toBe('mip6.mhtype');
    expect(errorOf('Ipv6.Addr == ::1').suggestions[0]).toBe('ipv6.addr');
  });

  it('suggests value names close to a misspelt one', () => {
    const e = errorOf('mip6.ba.status == "Administratively prohibted"');
    expect(e.position).toBe(18);
    expect(e.suggestions).toContain('Administratively prohibited');
  });

  it.each([
    ['mip6.mhtype == 5 and', 20, /ends/],
    ['mip6.mhtype = 5', 12, /==/],
    ['(mip6', 5, /\)/],
    ['mip6)', 4, /matching/],
    ['mip6 mip6', 5, /and.*or|operator/],
    ['ipv6.addr == 2001:db8::g', 13, /IPv6 address/],
    ['ipv6.addr == 2001:db8::/129', 13, /prefix length/],
    ['ipv6.addr > 2001:db8::/32', 10, /prefix/],
    ['mip6 == 3', 5, /protocol/],
    ['mip6.mhtype contains 5', 12, /contains/],
    ['mip6.bu.seqnr == true', 17, /not a flag/],
    ['mip6.bu.seqnr == abc', 17, /not a number/],
    ['mip6.bu.seqnr in {5..1}', 18, /empty/],
    ['mip6.bu.seqnr in {}', 17, /empty/],
    ['mip6.bu.seqnr in {1 2', 17, /not closed/],
    ['mip6.has == 1', 0, /group/],
    ['esp.icv == "abc', 11, /not closed/],
    ['esp.icv contains "ab\\', 17, /not closed/],
    ['mip6.mhtype not {5}', 16, /"in" after "not"/],
    ['mip6 not mip6', 9, /and not/],
    ['mip6.mhtype not in 5', 19, /"\{" after "in"/],
    ['not in {5}', 4, /field name/],
    ['esp.icv == zz', 11, /byte string/],
    ['ipv6.src == mip6.bu.seqnr', 12, /ipv6.src \(an IPv6 address\) and mip6.bu.seqnr \(a number\) do not compare/],
    ['ipv6.src contains ipv6.dst', 9, /takes a value, not another field/],
    ['', 0, /empty/],
    ['esp # 1', 4, /unexpected character/],
  ])('%s → column %i', (text, position, message) => {
    const e = errorOf(text);
    expect(e.position).toBe(position);
    expect(e.message).toMatch(message);
  });
});

// bad-no-backoff.pcapng's own packet comments: 1 "MN 2001:db8:1::1003 home registration BU seq 10 to HA1",
// 2 "HA1 BA accepts seq 10", 3 "Home Agent Switch", 4-8 "BROKEN: retransmitted after 1 s, no backoff", 9-10 none, 11-12 HA2's.
describe('packet comments and matches', () => {
  const NB = 'bad-no-backoff.pcapng';
  it.each([
    ['frame.comment', [1, 2, 3, 4, 5, 6, 7, 8, 11, 12]],
    ['frame.comment contains "BROKEN"', [4, 5, 6, 7, 8]],
    ['frame.comment matches "^ha[12] ba accepts"', [2, 12]],
    ['frame.comment ~ "seq 1[02]"', [1, 2, 11, 12]],
    ['frame.comment matches r"seq \\d+ to HA2$"', [11]],
    ['frame.comment matches "seq \\\\d+ to HA2$"', [11]],
    // Case-insensitive, as in Wireshark: "Home Agent Switch" (3) matches "home" too.
    ['!(frame.comment matches "home")', [2, 4, 5, 6, 7, 8, 9, 10, 12]],
    // A protocol's bytes, one character a byte: MH type 12 is the Home Agent Switch.
    ['mip6 matches "^..\\x0c"', [3, 4, 5, 6, 7, 8]],
  ])('%s', (filter, frames) => {
    expect(matching(NB, filter)).toEqual(frames);
  });

  it('refuses what matches cannot take, with the reason', () => {
    expect(errorOf('mip6.mhtype matches "x"').message).toContain('"matches" works on text and bytes; mip6.mhtype is a number');
    expect(errorOf('frame.comment matches HAS').message).toContain('matches takes a regular expression in double quotes');
    expect(errorOf('frame.comment matches "("').message).toContain('not a regular expression');
    const escape = errorOf('frame.comment matches "\\d"');
    expect(escape.message).toContain('unknown escape "\\d" in a string');
    expect(escape.position).toBe(23);
  });
});

describe('slices and functions', () => {
  const HS = 'hard-switch-failover.pcapng';
  it.each([
    // A slice of an address is its bytes: the same packets as the prefix or address it spells.
    ['ipv6.src[0:8] == 20:01:0d:b8:00:01:00:00', 'ipv6.src == 2001:db8:1::/64'],
    ['ipv6.src[:4] == 20:01:0d:b8', 'ipv6.src == 2001:db8::/32'],
    ['ipv6.src[-2:] == 00:a2', 'ipv6.src == 2001:db8:1::a2'],
    ['ipv6.src[14-15] == 00:a2', 'ipv6.src == 2001:db8:1::a2'],
    ['ipv6.src[14:2] == 00:a2', 'ipv6.src == 2001:db8:1::a2'],
    ['ipv6.src[15] == a2', 'ipv6.src == 2001:db8:1::a2'],
    ['ipv6.src[-1] == a2', 'ipv6.src == 2001:db8:1::a2'],
    ['ipv6.src[-1] != a2', 'ipv6.src != 2001:db8:1::a2'],
    ['ipv6.addr[15] == a2', 'ipv6.addr == 2001:db8:1::a2'],
    ['ipv6.src[8:] contains 00:a2', 'ipv6.src == 2001:db8:1::a2'],
    ['eth.src[0:3] == 02:00:5e', 'eth'],
    ['count(mip6.has.address) == 1', 'mip6.has.num_addrs == 1'],
    ['count(ipv6.addr) >= 2', 'ipv6'],
    ['count(mip6.bu.seqnr) == 0', 'frame.number == 0'],
    ['len(mip6.has.address) == 16', 'mip6.has.address'],
    ['len(frame.comment) > 40', 'frame.comment matches "^.{41}"'],
    ['lower(frame.comment) contains "ha2 ba"', 'frame.comment matches "ha2 ba"'],
    ['upper(frame.comment) matches "^HA2"', 'frame.comment matches "^ha2"'],
    ['lower(frame.comment) == "ha2 ba accepts seq 2001"', 'frame.comment matches "^HA2 BA accepts seq 2001$"'],
  ])('%s is %s', (filter, same) => {
    const got = matching(HS, filter);
    expect(got).toEqual(matching(HS, same));
    // Not vacuous: each picks some packets and leaves others (but the never-true count() == 0).
    if (!filter.startsWith('count(mip6.bu.seqnr)')) expect(got.length).toBeGreaterThan(0);
  });

  it('a slice past an occurrence\'s end does not match it', () => {
    expect(matching(HS, 'ipv6.src[15:2] == a2:00')).toEqual([]);
    expect(matching(HS, 'ipv6.src[16]')).toEqual([]);
    expect(matching(HS, 'ipv6.src[15]').length).toBeGreaterThan(0);
  });

  it('refuses what it cannot take, pointing at it', () => {
    const cases: [string, RegExp, number][] = [
      ['foo(ipv6.src) == 1', /"foo" is not a function: the functions are len, count, lower, upper/, 0],
      ['len(ipv6.src)', /compare len\(ipv6.src\) with a value/, 0],
      ['ipv6.src[a:b] == 00', /"\[a:b\]" is not a byte range/, 8],
      ['ipv6.src[0:0] == 00', /is empty: a range of 0 bytes/, 8],
      ['ipv6.src[3-1] == 00', /put the first byte before the last/, 8],
      ['ipv6.src[0:2 == 00', /expected "\]" here/, 13],
      ['mip6.bu.seqnr[0] == 00', /mip6.bu.seqnr is a number: only fields with bytes .* can be sliced/, 13],
      ['lower(mip6.bu.seqnr) == "a"', /lower\(\) changes the case of text; mip6.bu.seqnr is a number/, 0],
      ['count(ipv6.addr) contains 1', /compares text and bytes; a count or length is a number/, 17],
      ['len(ipv6.src[0:2]) == 2', /len\(\) takes a whole field, not a slice of it/, 12],
      ['count(ipv6.addr) == two', /"two" is not a whole number/, 20],
    ];
    for (const [f, msg, at] of cases) {
      const e = errorOf(f);
      expect(e.message, f).toMatch(msg);
      expect(e.position, f).toBe(at);
    }
  });
});

describe('arithmetic', () => {
  // registration-and-switch: BUs 100, 101, 102, 103 (frames 1, 3, 7, 9), lifetimes 150 units but for 102 (0).
  it('+ - * / % and unary minus over numbers, with Wireshark\'s precedence and {} to group', () => {
    expect(matching(RS, 'mip6.bu.seqnr + 2 * 3 == 106')).toEqual([1]);
    expect(matching(RS, '{mip6.bu.seqnr + 2} * 3 == 306')).toEqual([1]);
    expect(matching(RS, 'mip6.bu.seqnr - 50 - 50 == 0')).toEqual([1]);
    expect(matching(RS, 'mip6.bu.seqnr / 50 == 2')).toEqual([1, 3, 7, 9]);
    expect(matching(RS, 'mip6.bu.seqnr % 100 >= 2')).toEqual([7, 9]);
    expect(matching(RS, '-mip6.bu.seqnr < -102')).toEqual([9]);
    expect(matching(RS, '- mip6.bu.seqnr == -101')).toEqual([3]);
    expect(matching(RS, 'mip6.bu.seqnr == 0x64 + 0b1')).toEqual([3]);
    expect(matching(RS, 'mip6.bu.lifetime * mip6.bu.seqnr == 15150')).toEqual([3]);
    // A division by zero gives no value: nothing compares with it.
    expect(matching(RS, 'mip6.bu.seqnr / {mip6.bu.lifetime - 150} >= 0')).toEqual([7]);
    expect(matching(RS, 'mip6.bu.seqnr % mip6.bu.lifetime == 102')).toEqual([]);
  });

  it('a repeated field takes part with every occurrence; the operators keep their meaning over the values', () => {
    // The BU's Destination Options hold PadN (1) and the Home Address option (201).
    expect(matching(RS, 'ipv6.opt.type * 2 == 402')).toEqual([1, 3, 7, 9]);
    expect(matching(RS, 'ipv6.opt.type + ipv6.opt.type == 202')).toEqual([1, 3, 7, 9]);
    expect(matching(RS, 'ipv6.opt.type + 0 != 1')).toEqual([]);
    expect(matching(RS, 'ipv6.opt.type + 0 != 2')).toEqual([1, 3, 7, 9]);
    expect(matching(RS, 'ipv6.opt.type + 0 === 1')).toEqual([]);
    expect(matching(RS, 'ipv6.opt.type + 0 ~= 1')).toEqual([1, 3, 7, 9]);
    // Alone, arithmetic holds where it has a value.
    expect(matching(RS, 'mip6.ba.seqnr * 0')).toEqual([2, 4, 8, 10]);
  });

  it('refuses what it cannot compute, pointing at it', () => {
    const cases: [string, RegExp, number][] = [
      ['1 + 1 == 2', /the left side of a comparison must have a field in it/, 0],
      ['ipv6.src + 1 == 1', /ipv6.src is an IPv6 address: only numbers take part in arithmetic/, 0],
      ['mip6.bu.seqnr + 1 in {101 102}', /compared with ==, !=, <, >, <=, >=, not tested with "in"/, 18],
      ['mip6.bu.seqnr + nosuch == 1', /"nosuch" is neither a field name nor a number/, 16],
      ['{mip6.bu.seqnr + 1 == 2', /expected "}" here/, 19],
      ['mip6.bu.seqnr * 2 contains 2', /works on bytes and text; arithmetic gives numbers/, 18],
      ['lower(frame.comment) + 1 == 1', /lower\(\) gives text, which takes no part in arithmetic/, 0],
      // An operator is named as typed ("==", not its name "eq").
      ['mip6.bu.seqnr + == 1', /expected a field or a number, found "=="/, 16],
      ['mip6.bu.seqnr == && 1', /expected a value after "==", found "&&"/, 17],
    ];
    for (const [f, msg, at] of cases) {
      const e = errorOf(f);
      expect(e.message, f).toMatch(msg);
      expect(e.position, f).toBe(at);
    }
  });
});
