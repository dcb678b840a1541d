/**
 * The same messages built here and by Scapy's independent implementation
 * (scapy.layers.inet6) must be byte for byte equal, checksum included.
 */
import { describe, expect, it } from 'vitest';
import {
  alternateCareOfAddress, bindingAck, bindingError, bindingRefreshAdvice, bindingRefreshRequest, bindingUpdate,
  careOfTest, careOfTestInit, dhaadReply, dhaadRequest, homeAddressOption, homeAgentInformationOption, homeTest,
  homeTestInit, icmpv6, ipv6, mobility, mobileNetworkPrefix, mobileNodeIdentifier, mobilePrefixAdvertisement,
  mobilePrefixSolicitation, nonceIndices, prefixInformationOption, routerAdvertisement, routingType2, toHex,
} from '../../src/craft/index.js';
import { hasScapy, NO_SCAPY, runScapy } from './external-tools.js';

const HOA = '2001:db8:1::1000';
const HA1 = '2001:db8:1::a1';
const COA = '2001:db8:77:1::1000';
const CN = '2001:db8:99::5';
const COOKIE = 0x0102030405060708n;
const TOKEN = 0x1112131415161718n;

const SCRIPT = String.raw`
import json
from scapy.layers.inet6 import *
HOA, HA1, COA, CN = '${HOA}', '${HA1}', '${COA}', '${CN}'
C = bytes.fromhex('0102030405060708'); T = bytes.fromhex('1112131415161718')
def mn_to_ha(): return IPv6(src=COA, dst=HA1)/IPv6ExtHdrDestOpt(options=[HAO(hoa=HOA)])
def ha_to_mn(): return IPv6(src=HA1, dst=COA)/IPv6ExtHdrRouting(type=2, segleft=1, addresses=[HOA])
out = {
  'bu': mn_to_ha()/MIP6MH_BU(seq=0x1234, flags=0b1101001, mhtime=150, options=[MIP6OptAltCoA(acoa=COA)]),
  'bu_nemo': mn_to_ha()/MIP6MH_BU(seq=7, flags='AHR', mhtime=100, options=[MIP6OptMobNetPrefix(plen=48, prefix='2001:db8:55::')]),
  'bu_cn': IPv6(src=COA, dst=CN)/IPv6ExtHdrDestOpt(options=[HAO(hoa=HOA)])/MIP6MH_BU(seq=3, flags=0, mhtime=10, options=[MIP6OptNonceIndices(olen=4, hni=1, coni=2)]),
  'ba': ha_to_mn()/MIP6MH_BA(status=0, flags=0, seq=0x1234, mhtime=150, options=[MIP6OptBRAdvice(rinter=15)]),
  'ba_reject': ha_to_mn()/MIP6MH_BA(status=129, flags='K', seq=9, mhtime=0),
  'brr': ha_to_mn()/MIP6MH_BRR(),
  'hoti': IPv6(src=HOA, dst=CN)/MIP6MH_HoTI(cookie=C),
  'coti': IPv6(src=COA, dst=CN)/MIP6MH_CoTI(cookie=C),
  'hot': IPv6(src=CN, dst=HOA)/MIP6MH_HoT(index=5, cookie=C, token=T),
  'cot': IPv6(src=CN, dst=COA)/MIP6MH_CoT(index=6, cookie=C, token=T),
  'be': IPv6(src=CN, dst=COA)/MIP6MH_BE(status=1, ha=HOA),
  'mnid': mn_to_ha()/MIP6MH_BU(seq=2, flags='AH', mhtime=5, options=[MIP6OptMNID(subtype=1, id=b'mn1000@example.net')]),
  'haad_req': IPv6(src=COA, dst='2001:db8:1::fdff:ffff:ffff:fffe')/ICMPv6HAADRequest(id=0x42, R=0),
  'haad_rep': IPv6(src=HA1, dst=COA)/ICMPv6HAADReply(id=0x42, R=0, addresses=[HA1, '2001:db8:1::a2']),
  'mps': IPv6(src=HOA, dst=HA1)/ICMPv6MPSol(id=0x77),
  'mpa': IPv6(src=HA1, dst=HOA)/ICMPv6MPAdv(id=0x77, flags=0)/ICMPv6NDOptPrefixInfo(prefixlen=64, L=0, A=1, validlifetime=86400, preferredlifetime=14400, prefix='2001:db8:1::'),
  'ra': IPv6(src='fe80::a1', dst='ff02::1', hlim=255)/ICMPv6ND_RA(chlim=64, H=1, prf=0, routerlifetime=1800)/ICMPv6NDOptPrefixInfo(prefixlen=64, L=1, A=1, R=1, validlifetime=86400, preferredlifetime=14400, prefix=HA1)/ICMPv6NDOptHAInfo(pref=20, lifetime=1800),
}
print(json.dumps({k: bytes(v).hex() for k, v in out.items()}))
`;

const mnToHa = [homeAddressOption(HOA)];
const haToMn = [routingType2(HOA)];

const ours: Record<string, Uint8Array> = {
  bu: ipv6({ src: COA, dst: HA1, extensions: mnToHa, payload: mobility({
    ...bindingUpdate({ sequence: 0x1234, flags: { A: true, H: true, K: true, P: true }, lifetimeUnits: 150 }),
    options: [alternateCareOfAddress(COA)],
  }) }),
  bu_nemo: ipv6({ src: COA, dst: HA1, extensions: mnToHa, payload: mobility({
    ...bindingUpdate({ sequence: 7, flags: { A: true, H: true, R: true }, lifetimeUnits: 100 }),
    options: [mobileNetworkPrefix('2001:db8:55::', 48)],
  }) }),
  bu_cn: ipv6({ src: COA, dst: CN, extensions: mnToHa, payload: mobility({
    ...bindingUpdate({ sequence: 3, lifetimeUnits: 10 }), options: [nonceIndices(1, 2)],
  }) }),
  ba: ipv6({ src: HA1, dst: COA, extensions: haToMn, payload: mobility({
    ...bindingAck({ status: 0, sequence: 0x1234, lifetimeUnits: 150 }), options: [bindingRefreshAdvice(15)],
  }) }),
  ba_reject: ipv6({ src: HA1, dst: COA, extensions: haToMn, payload: mobility(
    bindingAck({ status: 129, flags: { K: true }, sequence: 9, lifetimeUnits: 0 })) }),
  brr: ipv6({ src: HA1, dst: COA, extensions: haToMn, payload: mobility(bindingRefreshRequest()) }),
  hoti: ipv6({ src: HOA, dst: CN, payload: mobility(homeTestInit(COOKIE)) }),
  coti: ipv6({ src: COA, dst: CN, payload: mobility(careOfTestInit(COOKIE)) }),
  hot: ipv6({ src: CN, dst: HOA, payload: mobility(homeTest(5, COOKIE, TOKEN)) }),
  cot: ipv6({ src: CN, dst: COA, payload: mobility(careOfTest(6, COOKIE, TOKEN)) }),
  be: ipv6({ src: CN, dst: COA, payload: mobility(bindingError(1, HOA)) }),
  mnid: ipv6({ src: COA, dst: HA1, extensions: mnToHa, payload: mobility({
    ...bindingUpdate({ sequence: 2, flags: { A: true, H: true }, lifetimeUnits: 5 }),
    options: [mobileNodeIdentifier('mn1000@example.net')],
  }) }),
  haad_req: ipv6({ src: COA, dst: '2001:db8:1::fdff:ffff:ffff:fffe', payload: icmpv6(dhaadRequest(0x42)) }),
  haad_rep: ipv6({ src: HA1, dst: COA, payload: icmpv6(dhaadReply(0x42, [HA1, '2001:db8:1::a2'])) }),
  mps: ipv6({ src: HOA, dst: HA1, payload: icmpv6(mobilePrefixSolicitation(0x77)) }),
  mpa: ipv6({ src: HA1, dst: HOA, payload: icmpv6(mobilePrefixAdvertisement(0x77, {}, [
    prefixInformationOption({ prefix: '2001:db8:1::', prefixLength: 64, autonomous: true, validLifetime: 86400, preferredLifetime: 14400 }),
  ])) }),
  ra: ipv6({ src: 'fe80::a1', dst: 'ff02::1', hopLimit: 255, payload: icmpv6(routerAdvertisement({
    curHopLimit: 64, flags: { H: true }, routerLifetime: 1800, options: [
      prefixInformationOption({ prefix: HA1, prefixLength: 64, onLink: true, autonomous: true, routerAddress: true, validLifetime: 86400, preferredLifetime: 14400 }),
      homeAgentInformationOption(20, 1800),
    ],
  })) }),
};

describe.skipIf(!hasScapy)(`craft vs Scapy${hasScapy ? '' : ` (skipped: ${NO_SCAPY})`}`, () => {
  const theirs = hasScapy ? runScapy<Record<string, string>>(SCRIPT) : {};
  for (const name of Object.keys(ours)) {
    it(`${name} equals Scapy's bytes`, () => {
      expect(theirs[name]).toBeDefined();
      expect(toHex(ours[name]!)).toBe(theirs[name]);
    });
  }
});
