/**
 * IPv6 and its extension headers as Mobile IPv6 uses them: the Home Address
 * option and the type 2 routing header change the checksum pseudo-header
 * (RFC 6275 6.1.1, 6.3, 6.4), fragments are reassembled (RFC 8200 4.5),
 * tunnels nest (RFC 2473) and AH is stepped over (RFC 4302).
 */
import { describe, expect, it } from 'vitest';
import {
  authenticationHeader, bindingUpdate, concat, fragmentIpv6, homeAddressOption, ipv6, mobility, padNOption, routingType2,
} from '../../src/craft/index.js';
import { dissect, newCtx, noteGroups, text, texts, value, values } from './helpers.js';

const HOA = '2001:db8:1::1000';
const COA = '2001:db8:99::1000';
const HA = '2001:db8:1::a1';
const bu = mobility({ ...bindingUpdate({ sequence: 7, flags: { A: true, H: true }, lifetimeUnits: 150 }) });

describe('IPv6 extension headers', () => {
  it('Home Address option: the checksum is good only with the home address in the pseudo-header', () => {
    const pkt = ipv6({ src: COA, dst: HA, extensions: [homeAddressOption(HOA)], payload: bu });
    const t = dissect(pkt);
    expect(text(t, 'ipv6.home_address')).toBe(HOA);
    expect(text(t, 'ipv6.opt.mipv6.hoa')).toBe(HOA);
    expect(text(t, 'mip6.csum.status')).toBe('good');
    expect(value(t, 'mip6.mhtype')).toBe(5);
    // The same bytes read with the care-of address as source must be bad: change only the HoA.
    const hoaAt = 40 + 8; // Destination Options header, PadN(4), option type+len
    const wrong = Uint8Array.from(pkt);
    wrong[hoaAt + 15] ^= 1;
    expect(text(dissect(wrong), 'mip6.csum.status')).toBe('bad');
    // And a checksum computed over the outer source is wrong when a HAO is present.
    const overCoa = ipv6({ src: COA, dst: HA, payload: bu });
    const mh = overCoa.subarray(40);
    const mixed = concat(pkt.subarray(0, pkt.length - mh.length), mh);
    expect(text(dissect(mixed), 'mip6.csum.status')).toBe('bad');
  });

  it('type 2 routing header: the home address is the final destination', () => {
    const pkt = ipv6({ src: HA, dst: COA, extensions: [routingType2(HOA)], payload: bu });
    const t = dissect(pkt);
    expect(text(t, 'ipv6.routing.mipv6.home_address')).toBe(HOA);
    expect(value(t, 'ipv6.routing.type')).toBe(2);
    expect(value(t, 'ipv6.routing.segleft')).toBe(1);
    expect(text(t, 'mip6.csum.status')).toBe('good');
    const wrong = Uint8Array.from(pkt);
    wrong[40 + 8 + 15] ^= 1;
    expect(text(dissect(wrong), 'mip6.csum.status')).toBe('bad');
  });

  it('a type 2 routing header with a bad length is noted', () => {
    const pkt = ipv6({ src: HA, dst: COA, extensions: [routingType2(HOA)], payload: bu });
    pkt[40 + 3] = 3; // Segments Left 3
    expect(noteGroups(dissect(pkt))).toContain('ipv6.routing.type2');
  });

  function bigBu() {
    // Enough PadN to need fragmenting at an MTU of 1280.
    return mobility({ ...bindingUpdate({ sequence: 9, lifetimeUnits: 10 }), options: [padNOption(200), padNOption(200), padNOption(200), padNOption(200), padNOption(200), padNOption(200), padNOption(200)] });
  }

  it('reassembles a fragmented Mobility Header, in order and out of order', () => {
    const whole = ipv6({ src: COA, dst: HA, extensions: [homeAddressOption(HOA)], payload: bigBu() });
    expect(text(dissect(whole), 'mip6.csum.status')).toBe('good');
    const frags = fragmentIpv6(whole, 600, 0x1234);
    expect(frags.length).toBeGreaterThan(2);
    for (const order of [frags, [...frags].reverse(), [frags[1]!, frags[0]!, ...frags.slice(2)]]) {
      const ctx = newCtx();
      order.forEach((f, i) => {
        const t = dissect(f, 229, ctx, i + 1);
        expect(values(t, 'ipv6.fraghdr.ident')).toEqual([0x1234]);
        if (i < order.length - 1) {
          expect(t.has(ctxField('mip6'))).toBe(false);
        } else {
          // The Destination Options header is fragmentable (RFC 8200 4.5), so it is reassembled too.
          expect(value(t, 'ipv6.reassembled.length')).toBe(whole.length - 40);
          expect(text(t, 'ipv6.home_address')).toBe(HOA);
          expect(text(t, 'mip6.csum.status')).toBe('good');
          expect(value(t, 'ipv6.fragment.count')).toBe(frags.length);
          expect(value(t, 'mip6.mhtype')).toBe(5);
          expect(value(t, 'mip6.bu.seqnr')).toBe(9);
        }
      });
      expect(ctx.fragments.size).toBe(0);
    }
  });

  it('without reassembly, fragments are data', () => {
    const frags = fragmentIpv6(ipv6({ src: COA, dst: HA, payload: bigBu() }), 600, 1);
    const ctx = newCtx({ reassemble: false });
    for (const f of frags) expect(dissect(f, 229, ctx).has(ctxField('mip6'))).toBe(false);
  });

  it('IPv6-in-IPv6 tunnel (RFC 2473): both headers, the inner MH judged by the inner addresses', () => {
    const inner = ipv6({ src: HOA, dst: HA, payload: bu });
    const outer = ipv6({ src: COA, dst: HA, payload: inner, nextHeader: 41 });
    const t = dissect(outer);
    expect(texts(t, 'ipv6.src')).toEqual([COA, HOA]);
    expect(text(t, 'mip6.csum.status')).toBe('good');
  });

  it('AH is shown and skipped', () => {
    const pkt = ipv6({ src: COA, dst: HA, extensions: [authenticationHeader(0x2000, 3)], payload: bu });
    const t = dissect(pkt);
    expect(value(t, 'ah.spi')).toBe(0x2000);
    expect(value(t, 'ah.sequence')).toBe(3);
    expect(value(t, 'mip6.mhtype')).toBe(5);
    expect(text(t, 'mip6.csum.status')).toBe('good');
  });

  it('truncated headers become notes', () => {
    const pkt = ipv6({ src: COA, dst: HA, extensions: [homeAddressOption(HOA)], payload: bu });
    expect(noteGroups(dissect(pkt.subarray(0, 30)))).toContain('ipv6.short');
    expect(noteGroups(dissect(pkt.subarray(0, 50)))).toEqual(expect.arrayContaining(['ipv6.plen']));
  });
});

import { fieldByAbbrev } from '../../src/dissect/fields.js';
function ctxField(abbrev: string) {
  return fieldByAbbrev(abbrev)!;
}
