import { createDecipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  alternateCareOfAddress, bindingAck, bindingRefreshAdvice, bindingRefreshRequest, bindingUpdate, concat,
  espEncrypted, espIcv, espNull, espPadding, ethernet, fragmentIpv6, fromHex, homeAddressOption,
  homeAgentHello, homeAgentSwitch, icmpv6Message, internetChecksum, ipv6, ipv6Address, layoutOptions,
  mobility, mobilityHeader, nonceIndices, pseudoHeaderBytes, routingType2, toHex, vharSeqNoSynch,
  dhaadRequest, espNullAround, stateSynchronization, bindingCacheInformation, ipAddressOption, PROTO,
  HARELIABILITY_IP_CODE, vendorSpecific,
} from '../../src/craft/index.js';

const HOA = '2001:db8:1::1000';
const HA1 = '2001:db8:1::a1';
const COA = '2001:db8:77:1::1000';

/** True when the upper-layer message sums to 0xffff with its pseudo-header, i.e. its checksum is right. */
function checksumValid(src: string, dst: string, proto: number, message: Uint8Array): boolean {
  return internetChecksum(
    pseudoHeaderBytes({ src: ipv6Address(src), dst: ipv6Address(dst) }, message.length, proto), message,
  ) === 0;
}

describe('internetChecksum', () => {
  it('matches the RFC 1071 worked example', () => {
    // RFC 1071 section 3: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2, checksum is its complement.
    expect(internetChecksum(fromHex('0001 f203 f4f5 f6f7'))).toBe(~0xddf2 & 0xffff);
  });
  it('pads an odd length with a zero byte', () => {
    expect(internetChecksum(fromHex('ab'))).toBe(internetChecksum(fromHex('ab00')));
  });
});

describe('option layout', () => {
  it('puts an 8n+6 option behind a PadN and pads the end with Pad1 or PadN', () => {
    const area = layoutOptions([alternateCareOfAddress(COA)], 12);
    // 12 -> PadN(0 data) to 14, option 18 bytes to 32: no tail padding.
    expect(toHex(area.subarray(0, 4))).toBe('01000310');
    expect(area.length).toBe(20);
    // A 2n option at 12 needs nothing and then 4 bytes of tail padding.
    expect(toHex(layoutOptions([bindingRefreshAdvice(15)], 12))).toBe('0202000f');
    expect(toHex(layoutOptions([nonceIndices(1, 2)], 10))).toBe('040400010002' + '');
    // One byte short of a boundary takes Pad1.
    expect(toHex(layoutOptions([], 15))).toBe('00');
  });
});

describe('Mobility Header messages against the RFC figures', () => {
  const pseudo = { src: ipv6Address(HOA), dst: ipv6Address(HA1) };

  it('Binding Refresh Request is 8 bytes with Header Len 0', () => {
    const mh = mobilityHeader({ ...bindingRefreshRequest(), checksum: 0 });
    expect(toHex(mh)).toBe('3b00000000000000');
  });

  it('Binding Update: sequence, A|H|K flags, lifetime, Header Len 1', () => {
    const mh = mobilityHeader({ ...bindingUpdate({ sequence: 0x1234, flags: { A: true, H: true, K: true }, lifetimeUnits: 150 }), checksum: 0 });
    expect(toHex(mh)).toBe(
      '3b01' + '0500' + '0000' + // proto, len, type, reserved, checksum
      '1234' + 'd000' + '0096' + // sequence, flags, lifetime
      '01020000', // PadN to 16 bytes
    );
  });

  it('Binding Acknowledgement with a Binding Refresh Advice of 15 units', () => {
    const mh = mobilityHeader({
      ...bindingAck({ status: 0, sequence: 7, lifetimeUnits: 150 }), options: [bindingRefreshAdvice(15)], checksum: 0,
    });
    expect(toHex(mh)).toBe('3b010600' + '0000' + '0000' + '0007' + '0096' + '0202000f');
  });

  it('Home Agent Switch with one address, I flag and Binding Refresh Advice', () => {
    const mh = mobilityHeader({
      ...homeAgentSwitch({ homeAgents: ['2001:db8:1::a2'], rekey: true }), options: [bindingRefreshAdvice(15)], checksum: 0,
    });
    expect(toHex(mh)).toBe(
      '3b030c00' + '0000' + '01' + '80' + '20010db8000100000000000000000' + '0a2' + '0202000f' + '01020000',
    );
  });

  it('Home Agent Hello is 16 bytes, so Header Len 1 (the figure wins over the prose)', () => {
    const mh = mobilityHeader({
      ...homeAgentHello({ sequence: 1, preference: 20, lifetime: 3, helloInterval: 1, groupId: 7, active: true }), checksum: 0,
    });
    expect(toHex(mh)).toBe('3b01fa00' + '0000' + '0001' + '0014' + '0003' + '0001' + '07' + '80');
  });

  it('State Synchronization Reply with BCI and IP Address options keeps each option aligned', () => {
    const mh = mobilityHeader({
      ...stateSynchronization('reply', 9),
      options: [
        ipAddressOption(HARELIABILITY_IP_CODE.homeAddress, HOA),
        bindingCacheInformation({ flags: 0xc000, sequence: 3, lifetimeUnits: 150, homeAddress: HOA, careOfAddress: COA }),
        vendorSpecific(32473, 1, fromHex('abcd')),
      ],
    }, pseudo);
    expect(mh.length % 8).toBe(0);
    // Options start at 10; IP Address (8n+4) needs 2 bytes of PadN first.
    expect(mh[10]).toBe(1);
    expect(mh[12]).toBe(34);
    // BCI at 8n+2.
    const bci = mh.indexOf(248, 30);
    expect(bci % 8).toBe(2);
    expect(mh[bci + 1]).toBe(40);
    expect(mh[1]).toBe(mh.length / 8 - 1);
  });

  it('computes a checksum that verifies, and writes an adjusted or fixed one on request', () => {
    const params = { ...bindingUpdate({ sequence: 1, flags: { A: true, H: true }, lifetimeUnits: 10 }) };
    const good = mobilityHeader(params, pseudo);
    expect(checksumValid(HOA, HA1, PROTO.mobility, good)).toBe(true);
    const off = mobilityHeader({ ...params, checksumAdjust: 1 }, pseudo);
    expect(((off[4]! << 8) | off[5]!) - ((good[4]! << 8) | good[5]!)).toBe(1);
    expect(checksumValid(HOA, HA1, PROTO.mobility, off)).toBe(false);
    expect(toHex(mobilityHeader({ ...params, checksum: 0xbeef }).subarray(4, 6))).toBe('beef');
    expect(() => mobilityHeader(params)).toThrow(/pseudo-header/);
  });
});

describe('IPv6 with Mobile IPv6 extension headers', () => {
  it('Home Address option is padded so the option sits at 8n+6', () => {
    const dest = homeAddressOption(HOA).encode(PROTO.mobility);
    expect(toHex(dest)).toBe('8702' + '01020000' + 'c910' + toHex(ipv6Address(HOA)));
  });

  it('type 2 routing header carries the home address with segments left 1', () => {
    expect(toHex(routingType2(HOA).encode(PROTO.mobility))).toBe('87020201' + '00000000' + toHex(ipv6Address(HOA)));
  });

  it('the MH checksum uses the home address and the routing header destination, not the outer addresses', () => {
    const bu = ipv6({ src: COA, dst: HA1, extensions: [homeAddressOption(HOA)], payload: mobility(bindingUpdate({ sequence: 5, lifetimeUnits: 1 })) });
    const mh = bu.subarray(40 + 24);
    expect(checksumValid(HOA, HA1, PROTO.mobility, mh)).toBe(true);
    expect(checksumValid(COA, HA1, PROTO.mobility, mh)).toBe(false);

    const ba = ipv6({ src: HA1, dst: COA, extensions: [routingType2(HOA)], payload: mobility(bindingAck({ status: 0, sequence: 5, lifetimeUnits: 1 })) });
    expect(checksumValid(HA1, HOA, PROTO.mobility, ba.subarray(64))).toBe(true);
  });

  it('sets payload length, next header chain and hop limit', () => {
    const p = ipv6({ src: COA, dst: HA1, hopLimit: 9, extensions: [homeAddressOption(HOA)], payload: mobility(bindingRefreshRequest()) });
    expect(p[0]! >> 4).toBe(6);
    expect((p[4]! << 8) | p[5]!).toBe(p.length - 40);
    expect(p[6]).toBe(PROTO.destinationOptions);
    expect(p[7]).toBe(9);
    expect(p[40]).toBe(PROTO.mobility);
  });

  it('ethernet puts destination first', () => {
    const f = ethernet('02:00:00:00:00:01', '02:00:00:00:00:02', 0x86dd, fromHex('ff'));
    expect(toHex(f)).toBe('020000000002' + '020000000001' + '86dd' + 'ff');
  });

  it('fragments reassemble to the original and each fits the MTU', () => {
    const payload = Uint8Array.from({ length: 3000 }, (_, i) => i & 0xff);
    const packet = ipv6({ src: HA1, dst: COA, extensions: [routingType2(HOA)], payload, nextHeader: PROTO.noNextHeader });
    const fragments = fragmentIpv6(packet, 1280, 0xabcd);
    expect(fragments.length).toBe(3);
    const pieces: Uint8Array[] = [];
    fragments.forEach((f, i) => {
      expect(f.length).toBeLessThanOrEqual(1280);
      expect(f[40]).toBe(PROTO.fragment); // routing header now names the fragment header
      const frag = f.subarray(64, 72);
      expect(frag[0]).toBe(PROTO.noNextHeader);
      const offsetAndMore = (frag[2]! << 8) | frag[3]!;
      expect(offsetAndMore & 1).toBe(i < fragments.length - 1 ? 1 : 0);
      expect((offsetAndMore & ~7) >>> 0).toBe(pieces.reduce((n, p) => n + p.length, 0));
      expect((f[4]! << 8) | f[5]!).toBe(f.length - 40);
      pieces.push(f.subarray(72));
    });
    expect(toHex(concat(...pieces))).toBe(toHex(payload));
    expect(fragmentIpv6(packet, 4000)).toEqual([packet]);
  });
});

describe('ESP', () => {
  it('pads with 1, 2, 3 ... to a 4-byte boundary', () => {
    expect(Array.from(espPadding(24))).toEqual([1, 2]);
    expect(Array.from(espPadding(25))).toEqual([1]);
    expect(Array.from(espPadding(26))).toEqual([]);
    expect(Array.from(espPadding(27))).toEqual([1, 2, 3]);
    expect(espPadding(10, 16).length).toBe(4);
  });

  it('HMAC-SHA1-96 matches RFC 2202 test case 1', () => {
    const key = new Uint8Array(20).fill(0x0b);
    expect(toHex(espIcv('sha1', key, new TextEncoder().encode('Hi There'), 12))).toBe('b617318655057264e28bc0b6');
  });

  it('HMAC-SHA-256-128 matches RFC 4231 test case 1', () => {
    const key = new Uint8Array(20).fill(0x0b);
    expect(toHex(espIcv('sha256', key, new TextEncoder().encode('Hi There'), 16))).toBe('b0344c61d8db38535ca8afceaf0bf12b');
  });

  it('NULL: header, clear payload, trailer, ICV over SPI..next header', () => {
    const key = new Uint8Array(20).fill(1);
    const esp = espNull({ spi: 0x1001, seq: 3, payload: fromHex('3b00000000000000'), nextHeader: 135, icvLength: 12, authKey: key });
    expect(toHex(esp.subarray(0, 8))).toBe('0000100100000003');
    expect(toHex(esp.subarray(8, 20))).toBe('3b00000000000000' + '0102' + '02' + '87');
    expect(esp.length).toBe(20 + 12);
    expect(toHex(esp.subarray(20))).toBe(toHex(espIcv('sha1', key, esp.subarray(0, 20), 12)));
    const esp16 = espNull({ spi: 1, seq: 1, payload: fromHex('00'), nextHeader: 59, icvLength: 16 });
    expect(esp16.length).toBe(8 + 4 + 16);
  });

  it('an MH inside ESP keeps the checksum of the home-address pseudo-header', () => {
    const packet = ipv6({
      src: COA, dst: HA1, extensions: [homeAddressOption(HOA)],
      payload: espNullAround(mobility(bindingUpdate({ sequence: 9, flags: { A: true, H: true }, lifetimeUnits: 100 })), { spi: 0x200, seq: 1 }),
    });
    expect(packet[40]).toBe(PROTO.esp);
    const mh = packet.subarray(64 + 8, 64 + 8 + 16);
    expect(checksumValid(HOA, HA1, PROTO.mobility, mh)).toBe(true);
  });

  it('AES-CBC: decrypts back to payload, padding and next header', () => {
    const encKey = fromHex('00112233445566778899aabbccddeeff');
    const authKey = new Uint8Array(20).fill(7);
    const iv = fromHex('0f0e0d0c0b0a09080706050403020100');
    const payload = fromHex('3b01050000000001c0000096');
    const esp = espEncrypted({ spi: 0x1006, seq: 1, payload, nextHeader: 135, encKey, authKey, iv });
    const cipherText = esp.subarray(24, esp.length - 12);
    expect(cipherText.length % 16).toBe(0);
    const d = createDecipheriv('aes-128-cbc', encKey, iv);
    d.setAutoPadding(false);
    const plain = Buffer.concat([d.update(cipherText), d.final()]);
    expect(toHex(plain.subarray(0, payload.length))).toBe(toHex(payload));
    expect(plain[plain.length - 1]).toBe(135);
    expect(plain[plain.length - 2]).toBe(2);
    expect(toHex(esp.subarray(esp.length - 12))).toBe(toHex(espIcv('sha1', authKey, esp.subarray(0, esp.length - 12), 12)));
  });
});

describe('ICMPv6', () => {
  it('DHAAD request has a verifying checksum and the identifier at offset 4', () => {
    const m = icmpv6Message(dhaadRequest(0x42), { src: ipv6Address(COA), dst: ipv6Address('2001:db8:1::fdff:ffff:ffff:fffe') });
    expect(toHex(m)).toMatch(/^9000....00420000$/);
    expect(checksumValid(COA, '2001:db8:1::fdff:ffff:ffff:fffe', PROTO.icmpv6, m)).toBe(true);
  });
  it('VHAR SeqNo Synch is 24 bytes', () => {
    const m = icmpv6Message({ ...vharSeqNoSynch(0x1001, 5n, 64n), checksum: 0 });
    expect(toHex(m)).toBe('a7000000' + '00001001' + '0000000000000005' + '0000000000000040');
  });
});
