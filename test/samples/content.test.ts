/**
 * Each sample holds what its description (and samples/README.md) says it shows,
 * read back from the capture with our dissector: message types, who sends them
 * to whom, the flags that matter. Every Mobility Header of every capture but
 * bad-unprotected is inside ESP, as RFC 3776, RFC 5142 and the drafts require.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { getDefaultProfile } from '../../src/profile/profile.js';
import { SCENARIOS } from '../../src/samples/scenarios.js';
import { dissectFields, samplePath, type Value } from './lab-sa.js';

const MH = getDefaultProfile().mhTypes;
const FIELDS = [
  'ipv6.src', 'ipv6.dst', 'ipv6.home_address', 'esp.spi', 'udp.dstport', 'mip6.mhtype', 'icmpv6.type',
  'mip6.bu.seqnr', 'mip6.bu.lifetime', 'mip6.has.i_flag', 'mip6.has.address', 'mip6.bra.interval',
  'mip6.harel.hello.a_flag', 'mip6.harel.hello.r_flag', 'mip6.harel.sync.type', 'mip6.harel.sync.id', 'mip6.harel.ctrl.type',
  'mip6.harel.bci.hoa', 'mip6.harel.aaa.type', 'mip6.nemo.mnp.mnp',
  'mip6.haha.bir.id', 'mip6.haha.biu.id', 'mip6.haha.bia.id', 'mip6.haha.bcei.hoa',
  'icmpv6.nd.ra.flag.h', 'icmpv6.nd.ra.flag.vhar_active', 'icmpv6.nd.ra.flag.vhar_backup', 'icmpv6.vhar.identifier',
];

interface F { src: string; dst: string; home?: string; esp: boolean; udp?: number; mh?: number; icmp?: number; get: (f: string) => Value | undefined; all: (f: string) => Value[] }

const cache = new Map<string, F[]>();
function frames(name: string): F[] {
  let got = cache.get(name);
  if (!got) {
    got = dissectFields(samplePath(`${name}.pcapng`), FIELDS).map((r) => ({
      src: r['ipv6.src']![0] as string,
      dst: r['ipv6.dst']![0] as string,
      home: r['ipv6.home_address']![0] as string | undefined,
      esp: r['esp.spi']!.length > 0,
      udp: r['udp.dstport']![0] as number | undefined,
      mh: r['mip6.mhtype']![0] as number | undefined,
      icmp: r['icmpv6.type']![0] as number | undefined,
      get: (f: string) => r[f]![0],
      all: (f: string) => r[f]!,
    }));
    cache.set(name, got);
  }
  return got;
}

const count = (name: string, pick: (f: F) => boolean): number => frames(name).filter(pick).length;
const distinct = (name: string, pick: (f: F) => boolean, key: (f: F) => unknown): number => new Set(frames(name).filter(pick).map(key)).size;
const HA = (n: number): string => `2001:db8:1::a${n}`;
const bu = (f: F): boolean => f.mh === MH.bindingUpdate;
const ba = (f: F): boolean => f.mh === MH.bindingAck;
const has = (f: F): boolean => f.mh === MH.homeAgentSwitch;
const hello = (f: F): boolean => f.mh === MH.homeAgentHello;

describe('every capture holds what it says it shows', () => {
  it('every Mobility Header is inside ESP, except in bad-unprotected', () => {
    for (const s of SCENARIOS.map((m) => m()).filter((x) => x.name !== 'bad-unprotected')) {
      expect(count(s.name, (f) => f.mh !== undefined && !f.esp), s.name).toBe(0);
    }
  });

  it('every capture has a section comment saying what it shows, and an interface comment', () => {
    for (const s of SCENARIOS.map((m) => m())) {
      const c = pcapngComments(samplePath(`${s.name}.pcapng`));
      expect(c.section, s.name).toBe(s.description);
      expect(c.interfaces.length, s.name).toBe(1);
      expect(c.interfaces[0]!.length, s.name).toBeGreaterThan(20);
    }
  });

  it('registration-and-switch and refresh: MN registration and refreshes as the Binding Refresh Advice asks', () => {
    expect(count('registration-and-switch', (f) => bu(f) && f.dst === HA(1) && (f.get('mip6.bu.lifetime') as number) > 0)).toBe(2);
    expect(count('registration-and-switch', (f) => has(f) && f.get('mip6.bra.interval') === 15)).toBe(2);
    expect(frames('refresh').filter(bu).map((f) => f.get('mip6.bu.seqnr'))).toEqual([500, 501, 502, 503]);
    expect(count('refresh', (f) => ba(f) && f.get('mip6.bra.interval') === 50)).toBe(4);
  });

  it('maintenance-switch: RFC 5142 switch with Binding Refresh Advice, backoff, acknowledgement by de-registration, move to HA2', () => {
    expect(count('maintenance-switch', (f) => has(f) && f.get('mip6.bra.interval') === 15 && f.all('mip6.has.address').join() === HA(2))).toBe(5);
    expect(count('maintenance-switch', (f) => bu(f) && f.dst === HA(1) && f.get('mip6.bu.lifetime') === 0)).toBe(1);
    expect(count('maintenance-switch', (f) => bu(f) && f.dst === HA(2))).toBe(1);
  });

  it('hard-switch-failover: three HAs, 50 MNs registered at HA1, switched by HA2 and re-registered there', () => {
    expect(distinct('hard-switch-failover', hello, (f) => f.src)).toBe(3);
    expect(distinct('hard-switch-failover', (f) => bu(f) && f.dst === HA(1), (f) => f.home)).toBe(50);
    expect(distinct('hard-switch-failover', (f) => has(f) && f.src === HA(2), (f) => f.home)).toBe(50);
    expect(distinct('hard-switch-failover', (f) => bu(f) && f.dst === HA(2), (f) => f.home)).toBe(50);
    expect(count('hard-switch-failover', (f) => hello(f) && f.src === HA(2) && f.get('mip6.harel.hello.a_flag') === true)).toBeGreaterThan(0);
  });

  it('virtual-switch-failover: a shared HA address, Hellos from the HAs\' own addresses with A moving to HA2, the address moving by NA', () => {
    expect(count('virtual-switch-failover', (f) => bu(f) && f.dst === '2001:db8:1::a0')).toBe(6);
    for (const n of [1, 2]) expect(count('virtual-switch-failover', (f) => hello(f) && f.src === HA(n) && f.get('mip6.harel.hello.a_flag') === true), `HA${n} active`).toBeGreaterThan(0);
    expect(count('virtual-switch-failover', (f) => f.icmp === 136)).toBe(1);
    expect(count('virtual-switch-failover', (f) => f.mh === MH.stateSynchronization && f.get('mip6.harel.bci.hoa') !== undefined)).toBe(1);
  });

  it('manual-switchover: SwitchBack and SwitchOver Request/Reply, and the A flag moving both ways', () => {
    expect(frames('manual-switchover').filter((f) => f.mh === MH.homeAgentControl).map((f) => f.get('mip6.harel.ctrl.type'))).toEqual([2, 3, 0, 1]);
    for (const n of [1, 2]) {
      const flags = frames('manual-switchover').filter((f) => hello(f) && f.src === HA(n)).map((f) => f.get('mip6.harel.hello.a_flag'));
      expect(new Set(flags), `HA${n}`).toEqual(new Set([true, false]));
    }
  });

  it('state-sync: solicited Request/Reply with matching Identifiers, periodic unsolicited Replies with Identifier 0, BCI and AAA', () => {
    const sync = frames('state-sync').filter((f) => f.mh === MH.stateSynchronization).map((f) => [f.get('mip6.harel.sync.type'), f.get('mip6.harel.sync.id')]);
    expect(sync).toEqual([[0, 0x0101], [1, 0x0101], [0, 0x0102], [1, 0x0102], [1, 0], [1, 0], [1, 0]]);
    expect(count('state-sync', (f) => f.get('mip6.harel.aaa.type') !== undefined)).toBe(1);
    expect(count('state-sync', (f) => f.get('mip6.nemo.mnp.mnp') !== undefined)).toBe(2);
  });

  it('haha-binding-sync: HELLOs among three HAs, BIU/BIA with matching Identifiers, a BIR flooded to both other primary HAs', () => {
    expect(distinct('haha-binding-sync', (f) => f.mh === MH.hahaHello, (f) => f.src)).toBe(3);
    const bir = frames('haha-binding-sync').filter((f) => f.mh === MH.bindingInformationRequest);
    expect(bir.map((f) => f.dst).sort()).toEqual([HA(1), HA(2)]);
    expect(new Set(bir.map((f) => f.src))).toEqual(new Set([HA(3)]));
    const ids = (t: number, f: string) => frames('haha-binding-sync').filter((x) => x.mh === t).map((x) => x.get(f)).sort();
    expect(ids(MH.bindingInformationAck, 'mip6.haha.bia.id')).toEqual(ids(MH.bindingInformationUpdate, 'mip6.haha.biu.id'));
    expect(ids(MH.bindingInformationUpdate, 'mip6.haha.biu.id')).toContain(bir[0]!.get('mip6.haha.bir.id'));
    expect(count('haha-binding-sync', (f) => f.get('mip6.haha.bcei.hoa') !== undefined)).toBe(3);
  });

  it('vhar-failover: registration with MCUR to two backups, release, SA sync, RAs with A/B, failover to a backup that recruits a new one', () => {
    const v = frames('vhar-failover');
    const vhar = (type: number, from: number, to: number): number => v.filter((f) => f.icmp === type && f.src === `fe80::a${from}` && f.dst === `fe80::a${to}`).length;
    expect(count('vhar-failover', (f) => bu(f) && f.dst === '2001:db8:1::a0')).toBe(3);
    expect(count('vhar-failover', (f) => ba(f) && f.src === '2001:db8:1::a0')).toBe(3);
    for (const b of [2, 3]) { expect(vhar(163, 1, b), `MCUR to HA${b}`).toBe(2); expect(vhar(164, b, 1)).toBe(2); expect(vhar(165, 1, b)).toBe(2); expect(vhar(166, b, 1)).toBe(2); }
    expect([vhar(161, 1, 3), vhar(162, 3, 1)]).toEqual([1, 1]);
    // HA2, now Active, makes HA4 a Backup (context and SAs), and later updates both Backups after the MN's refresh.
    expect([vhar(163, 2, 4), vhar(164, 4, 2), vhar(165, 2, 4), vhar(166, 4, 2)]).toEqual([2, 2, 1, 1]);
    expect([vhar(163, 2, 3), vhar(164, 3, 2)]).toEqual([1, 1]);
    expect(count('vhar-failover', (f) => f.icmp === 167)).toBe(12);
    expect(count('vhar-failover', (f) => f.icmp === 133 && f.dst === 'fe80::a1')).toBe(3);
    expect(count('vhar-failover', (f) => f.icmp === 136)).toBe(1);
    const active = new Set(v.filter((f) => f.icmp === 134 && f.get('icmpv6.nd.ra.flag.vhar_active') === true).map((f) => f.src));
    const backup = new Set(v.filter((f) => f.icmp === 134 && f.get('icmpv6.nd.ra.flag.vhar_backup') === true).map((f) => f.src));
    expect(active).toEqual(new Set(['fe80::a1', 'fe80::a2']));
    expect(backup).toEqual(new Set(['fe80::a2', 'fe80::a3', 'fe80::a4']));
  });

  it('bad-haha: BIR/BIU/BIA Identifiers as described (0 twice, one not copied), a BIR naming nothing, one HELLO Sequence repeated', () => {
    const ids = (t: number, f: string) => frames('bad-haha').filter((x) => x.mh === t).map((x) => x.get(f));
    expect(ids(MH.bindingInformationRequest, 'mip6.haha.bir.id')).toEqual([0, 0, 0x51c4, 0x7e02]);
    expect(ids(MH.bindingInformationUpdate, 'mip6.haha.biu.id')).toEqual([0x3a21, 0x3a22, 0x3a22, 0, 0x51c5]);
    expect(ids(MH.bindingInformationAck, 'mip6.haha.bia.id')).toEqual([0x3a21, 0, 0x51c5]);
    expect(count('bad-haha', (f) => f.mh === MH.bindingInformationUpdate && f.get('mip6.haha.bcei.hoa') === undefined)).toBe(0);
    expect(distinct('bad-haha', (f) => f.mh === MH.hahaHello, (f) => f.src)).toBe(3);
  });

  it('bad-vhar: one Backup only, A and B in one RA from HA2, one SeqNo Synch alone, an unanswered MN Release, a VHAR request between global addresses', () => {
    const v = frames('bad-vhar');
    const ra = v.filter((f) => f.icmp === 134);
    expect(new Set(ra.filter((f) => f.get('icmpv6.nd.ra.flag.vhar_active') === true).map((f) => f.src))).toEqual(new Set(['fe80::a1', 'fe80::a2']));
    expect(new Set(ra.filter((f) => f.get('icmpv6.nd.ra.flag.vhar_backup') === true).map((f) => f.src))).toEqual(new Set(['fe80::a2']));
    expect(ra.filter((f) => f.get('icmpv6.nd.ra.flag.vhar_active') === true && f.get('icmpv6.nd.ra.flag.vhar_backup') === true).map((f) => f.src)).toEqual(['fe80::a2']);
    expect(v.filter((f) => f.icmp === 167).length).toBe(3);
    expect([v.filter((f) => f.icmp === 161).length, v.filter((f) => f.icmp === 162).length]).toEqual([2, 0]);
    expect(v.filter((f) => (f.icmp === 163 || f.icmp === 164) && !f.src.startsWith('fe80:')).map((f) => f.src)).toEqual([HA(1), HA(2)]);
  });

  it('i-flag-rekey: the recovered HA asks for Hellos, sends Home Agent Switch with I, the MNs run IKEv2 with it and stay with HA1', () => {
    expect(count('i-flag-rekey', (f) => hello(f) && f.src === HA(2) && f.get('mip6.harel.hello.r_flag') === true)).toBe(1);
    expect(count('i-flag-rekey', (f) => has(f) && f.src === HA(2) && f.get('mip6.has.i_flag') === true)).toBe(3);
    expect(distinct('i-flag-rekey', (f) => f.udp === 500 && f.dst === HA(2), (f) => f.src)).toBe(3);
    const last = frames('i-flag-rekey').filter(bu).pop()!;
    expect(last.dst).toBe(HA(1));
  });
});

/** The section comment and the interface comments of a pcapng file (one section). */
function pcapngComments(path: string): { section: string | undefined; interfaces: string[] } {
  const b = readFileSync(path);
  const le = b.readUInt32LE(8) === 0x1a2b3c4d;
  const u16 = (o: number): number => (le ? b.readUInt16LE(o) : b.readUInt16BE(o));
  const u32 = (o: number): number => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
  const comment = (start: number, end: number): string | undefined => {
    for (let o = start; o + 4 <= end;) {
      const code = u16(o);
      const len = u16(o + 2);
      if (code === 0) break;
      if (code === 1) return b.toString('utf8', o + 4, o + 4 + len);
      o += 4 + Math.ceil(len / 4) * 4;
    }
    return undefined;
  };
  let section: string | undefined;
  const interfaces: string[] = [];
  for (let o = 0; o + 12 <= b.length;) {
    const type = u32(o);
    const len = u32(o + 4);
    if (type === 0x0a0d0d0a) section = comment(o + 24, o + len - 4);
    if (type === 1) interfaces.push(comment(o + 16, o + len - 4) ?? '');
    o += len;
  }
  return { section, interfaces };
}
