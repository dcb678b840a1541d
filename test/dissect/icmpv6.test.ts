/**
 * ICMPv6: checksum under the pseudo-header (RFC 4443 2.3), the Mobile IPv6
 * messages (RFC 6275 6.5-6.8), Router Advertisement flags with H (RFC 6275 7.1)
 * and VHAR A/B (SPEC-NOTES 5), ND options (RFC 4861 4.6, RFC 6275 7.3-7.4),
 * Parameter Problem with its invoking packet, and agreement with tshark on the
 * shipped samples.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  bindingUpdate, concat, dhaadReply, dhaadRequest, homeAgentInformationOption, icmpv6, ipv6, mobilePrefixAdvertisement,
  mobilePrefixSolicitation, mobility, parameterProblem, prefixInformationOption, routerAdvertisement, sourceLinkLayerAddressOption, u16, u32,
} from '../../src/craft/index.js';
import { registerIcmpv6Type } from '../../src/dissect/context.js';
import { createDissector } from '../../src/dissect/index.js';
import { buildProfile } from '../../src/profile/profile.js';
import { hasTshark, NO_TSHARK } from '../craft/external-tools.js';
import { dissect, eachFrame, info, newCtx, noteGroups, SAMPLES, text, texts, value, values } from './helpers.js';
import type { Tree } from '../../src/dissect/tree.js';

const LL1 = 'fe80::1';
const ALL_NODES = 'ff02::1';
const MN = '2001:db8:99::1000';
const HA = '2001:db8:1::a1';

const onLink = (p: Parameters<typeof icmpv6>[0], src = LL1, dst = ALL_NODES) => ipv6({ src, dst, hopLimit: 255, payload: icmpv6(p) });

describe('ICMPv6 header', () => {
  it('checksum good, and bad when one byte of the pseudo-header or the message changes', () => {
    const pkt = onLink(dhaadRequest(1), MN, HA);
    expect(text(dissect(pkt), 'icmpv6.checksum.status')).toBe('good');
    const badAddr = Uint8Array.from(pkt);
    badAddr[39] ^= 1;
    const t = dissect(badAddr);
    expect(text(t, 'icmpv6.checksum.status')).toBe('bad');
    expect(noteGroups(t)).toContain('icmpv6.checksum');
    const wrong = ipv6({ src: MN, dst: HA, payload: icmpv6({ ...dhaadRequest(1), checksum: 0x1234 }) });
    expect(text(dissect(wrong), 'icmpv6.checksum.status')).toBe('bad');
    expect(value(dissect(wrong), 'icmpv6.checksum')).toBe(0x1234);
  });

  it('echo request and reply', () => {
    const t = dissect(onLink({ type: 128, body: concat(u16(0x77), u16(9), Uint8Array.of(1, 2)) }, MN, HA));
    expect(value(t, 'icmpv6.echo.identifier')).toBe(0x77);
    expect(value(t, 'icmpv6.echo.sequence_number')).toBe(9);
    expect(text(t, 'icmpv6.data')).toBe('0102');
    expect(info(t)).toBe('Echo (ping) request id=0x0077, seq=9');
    expect(info(dissect(onLink({ type: 129, body: concat(u16(1), u16(2)) }, HA, MN)))).toBe('Echo (ping) reply id=0x0001, seq=2');
  });

  it('a message shorter than its header is a note, not an exception', () => {
    const pkt = ipv6({ src: MN, dst: HA, payload: Uint8Array.of(128, 0), nextHeader: 58 });
    expect(noteGroups(dissect(pkt))).toContain('icmpv6.short');
    const shortEcho = onLink({ type: 128, body: u16(1) }, MN, HA);
    expect(noteGroups(dissect(shortEcho))).toContain('icmpv6.short');
  });
});

describe('Mobile IPv6 messages (RFC 6275 6.5-6.8)', () => {
  it('DHAAD Request and Reply', () => {
    let t = dissect(onLink(dhaadRequest(7), MN, '2001:db8:1::fdff:ffff:ffff:fffe'));
    expect(value(t, 'icmpv6.type')).toBe(144);
    expect(value(t, 'icmpv6.mip6.identifier')).toBe(7);
    expect(info(t)).toBe('DHAAD Request id 7');
    t = dissect(onLink(dhaadReply(7, [HA, '2001:db8:1::a2']), HA, MN));
    expect(texts(t, 'icmpv6.mip6.home_agent_address')).toEqual([HA, '2001:db8:1::a2']);
    expect(info(t)).toBe('DHAAD Reply id 7: 2 home agents');
    t = dissect(onLink(dhaadReply(8, []), HA, MN));
    expect(noteGroups(t)).toContain('icmpv6.dhaad.empty');
    t = dissect(onLink({ ...dhaadReply(9, [HA]), body: concat(dhaadReply(9, [HA]).body, Uint8Array.of(1, 2, 3)) }, HA, MN));
    expect(noteGroups(t)).toContain('icmpv6.dhaad.length');
  });

  it('Mobile Prefix Solicitation and Advertisement with M/O flags and prefixes', () => {
    let t = dissect(onLink(mobilePrefixSolicitation(11), MN, HA));
    expect(value(t, 'icmpv6.mip6.identifier')).toBe(11);
    expect(info(t)).toBe('Mobile Prefix Solicitation id 11');
    const pio = (p: string) => prefixInformationOption({ prefix: p, prefixLength: 64, onLink: true, autonomous: true, routerAddress: true, validLifetime: 3600, preferredLifetime: 1800 });
    t = dissect(onLink(mobilePrefixAdvertisement(11, { managed: true }, [pio('2001:db8:1::'), pio('2001:db8:2::')]), HA, MN));
    expect(value(t, 'icmpv6.mip6.flag.m')).toBe(1);
    expect(value(t, 'icmpv6.mip6.flag.o')).toBe(0);
    expect(texts(t, 'icmpv6.opt.prefix')).toEqual(['2001:db8:1::', '2001:db8:2::']);
    expect(values(t, 'icmpv6.opt.prefix.flag.r')).toEqual([1, 1]);
    expect(values(t, 'icmpv6.opt.prefix.valid_lifetime')).toEqual([3600, 3600]);
    expect(info(t)).toBe('Mobile Prefix Advertisement id 11: 2 prefixes');
    t = dissect(onLink(mobilePrefixAdvertisement(12, { other: true }, []), HA, MN));
    expect(value(t, 'icmpv6.mip6.flag.o')).toBe(1);
    expect(noteGroups(t)).toContain('icmpv6.mpa.prefix');
  });
});

describe('Router Advertisement', () => {
  const advInterval = concat(Uint8Array.of(7, 1, 0, 0), u32(3000));
  const ra = (flags: Parameters<typeof routerAdvertisement>[0]['flags'], options: Uint8Array[] = []) =>
    onLink(routerAdvertisement({ flags, routerLifetime: 1800, options }));

  it('H flag, Home Agent Information, Source Link-Layer Address, Advertisement Interval', () => {
    const t = dissect(ra({ M: true, H: true }, [sourceLinkLayerAddressOption('02:00:5e:10:00:a1'), homeAgentInformationOption(30, 1800), advInterval]));
    expect(value(t, 'icmpv6.nd.ra.flag.m')).toBe(1);
    expect(value(t, 'icmpv6.nd.ra.flag.o')).toBe(0);
    expect(value(t, 'icmpv6.nd.ra.flag.h')).toBe(1);
    expect(value(t, 'icmpv6.nd.ra.router_lifetime')).toBe(1800);
    expect(text(t, 'icmpv6.opt.src_linkaddr')).toBe('02:00:5e:10:00:a1');
    expect(value(t, 'icmpv6.opt.home_agent_preference')).toBe(30);
    expect(value(t, 'icmpv6.opt.home_agent_lifetime')).toBe(1800);
    expect(value(t, 'icmpv6.opt.advertisement_interval')).toBe(3000);
    expect(info(t)).toBe('Router Advertisement M H from fe80::1');
    expect(t.notes).toEqual([]);
  });

  it('VHAR A/B decoded only with H set, under the VHAR profile (SPEC-NOTES 5)', () => {
    let t = dissect(ra({ H: true, A: true }));
    expect(value(t, 'icmpv6.nd.ra.flag.vhar_active')).toBe(1);
    expect(value(t, 'icmpv6.nd.ra.flag.vhar_backup')).toBe(0);
    expect(t.has(def('icmpv6.nd.ra.flag.prf'))).toBe(false);
    expect(info(t)).toBe('Router Advertisement H A from fe80::1');
    t = dissect(ra({ H: true, B: true }));
    expect(value(t, 'icmpv6.nd.ra.flag.vhar_backup')).toBe(1);
    // Without H the same bits are the RFC 4191 preference.
    t = dissect(ra({ A: true }));
    expect(t.has(def('icmpv6.nd.ra.flag.vhar_active'))).toBe(false);
    expect(value(t, 'icmpv6.nd.ra.flag.prf')).toBe(2);
    // With VHAR off, even with H.
    const off = createDissector(buildProfile({ vhar: false }));
    t = dissect(ra({ H: true, A: true, B: true }), 229, off);
    expect(t.has(def('icmpv6.nd.ra.flag.vhar_active'))).toBe(false);
    expect(value(t, 'icmpv6.nd.ra.flag.prf')).toBe(3);
  });

  it('Home Agent Information without H, with lifetime 0, or a wrong length is noted (RFC 6275 7.4)', () => {
    expect(noteGroups(dissect(ra({}, [homeAgentInformationOption(1, 10)])))).toContain('icmpv6.hai.h_flag');
    expect(noteGroups(dissect(ra({ H: true }, [homeAgentInformationOption(1, 0)])))).toContain('icmpv6.hai.lifetime');
    const long = concat(Uint8Array.of(8, 2), new Uint8Array(14));
    expect(noteGroups(dissect(ra({ H: true }, [long])))).toContain('icmpv6.opt.length');
  });

  it('a zero-length option stops the walk (RFC 4861 4.6)', () => {
    const t = dissect(ra({ H: true }, [Uint8Array.of(1, 0, 0, 0, 0, 0, 0, 0), homeAgentInformationOption(5, 5)]));
    expect(noteGroups(t)).toContain('icmpv6.opt.length');
    expect(t.has(def('icmpv6.opt.home_agent_preference'))).toBe(false);
  });
});

describe('errors and other types', () => {
  it('Parameter Problem: pointer and the invoking packet dissected as IPv6, columns kept', () => {
    const invoking = ipv6({ src: MN, dst: HA, payload: mobility(bindingUpdate({ sequence: 1, lifetimeUnits: 1 })) });
    const t = dissect(onLink(parameterProblem(1, 40, invoking), HA, MN));
    expect(value(t, 'icmpv6.pointer')).toBe(40);
    expect(texts(t, 'ipv6.src')).toEqual([HA, MN]);
    expect(value(t, 'mip6.mhtype')).toBe(5);
    expect(t.protocol).toBe('ICMPv6');
    expect(text(t, 'ipv6.src')).toBe(HA);
    expect(itemAddr(t, t.srcItem)).toBe(HA);
    expect(info(t)).toBe('Parameter Problem (Unrecognized Next Header type encountered) pointer 40');
  });

  it('registered types are dispatched; unknown ones are raw data', () => {
    let called = 0;
    registerIcmpv6Type(251, (ctx, buf, off, end, parent) => { called = end - off; ctx.tree.add(parent, def('icmpv6.data'), buf, off + 4, end - off - 4); });
    const t = dissect(onLink({ type: 251, body: Uint8Array.of(1, 2, 3, 4) }));
    expect(called).toBe(8);
    expect(text(t, 'icmpv6.data')).toBe('01020304');
    const u = dissect(onLink({ type: 252, body: Uint8Array.of(9) }));
    expect(text(u, 'icmpv6.data')).toBe('09');
    expect(info(u)).toBe('ICMPv6 type 252');
  });
});

describe.skipIf(!hasTshark)(`agreement with tshark on the samples${hasTshark ? '' : ` (skipped: ${NO_TSHARK})`}`, () => {
  const FIELDS = [
    'icmpv6.type', 'icmpv6.code', 'icmpv6.checksum', 'icmpv6.checksum.status', 'icmpv6.nd.ra.flag', 'icmpv6.nd.ra.router_lifetime',
    'icmpv6.opt.src_linkaddr', 'icmpv6.opt.home_agent_preference', 'icmpv6.opt.home_agent_lifetime', 'icmpv6.mip6.identifier',
    'esp.spi', 'esp.sequence', 'esp.pad_len', 'esp.protocol', 'esp.icv',
  ];
  const samples = readdirSync(SAMPLES).filter((f) => f.endsWith('.pcapng'));

  /** Our value the way tshark prints it: Choice fields (checksum status) as their number. */
  function ours(t: Tree, f: string): string {
    return (def(f).type === FT.Choice ? values(t, f).map(String) : texts(t, f)).join(',');
  }
  /**
   * Where we knowingly differ. bad-options frame 5 is a Binding Update cut to
   * Header Len 0 inside ESP NULL: its MH parses with exactly the payload length,
   * so our heuristic (SPEC-NOTES 6) opens it and flags the short message;
   * Wireshark's heuristic leaves it closed.
   */
  const OPENED_ONLY_BY_US: Record<string, number[]> = { 'bad-options.pcapng': [5] };
  const ESP_TRAILER = ['esp.pad_len', 'esp.protocol', 'esp.icv'];
  /** tshark prints some integers in hex; compare numbers as numbers. */
  function norm(s: string): string {
    return s.split(',').map((x) => (/^0x[0-9a-f]+$/i.test(x) ? String(Number(x)) : x)).join(',');
  }

  it.each(samples)('%s', (name) => {
    const path = resolve(SAMPLES, name);
    const out = execFileSync('tshark', ['-r', path, '-o', 'esp.enable_null_encryption_decode_heuristic:TRUE', '-T', 'fields', '-E', 'separator=|', ...FIELDS.flatMap((f) => ['-e', f])],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const theirs = out.trimEnd().split('\n').map((l) => l.split('|').map(norm));
    const mine: string[][] = [];
    eachFrame(path, newCtx(), (t) => mine.push(FIELDS.map((f) => norm(ours(t, f)))));
    expect(mine.length).toBe(theirs.length);
    mine.forEach((row, i) => {
      const want = Object.fromEntries(FIELDS.map((f, j) => [f, theirs[i]![j] ?? '']));
      const got = Object.fromEntries(FIELDS.map((f, j) => [f, row[j]!]));
      if (OPENED_ONLY_BY_US[name]?.includes(i + 1)) {
        for (const f of ESP_TRAILER) { expect(want[f]).toBe(''); expect(got[f]).not.toBe(''); got[f] = ''; }
      }
      expect(got, `${name} frame ${i + 1}`).toEqual(want);
    });
  });
});

import { fieldByAbbrev, FT } from '../../src/dissect/fields.js';
import { ipv6ToString } from '../../src/dissect/format.js';
function def(abbrev: string) {
  return fieldByAbbrev(abbrev)!;
}
function itemAddr(t: Tree, i: number): string {
  return ipv6ToString(t.bufferOf(i), t.start[i]!);
}
