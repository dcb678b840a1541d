/**
 * The standard messages (RFC 6275, RFC 3963, RFC 4283, RFC 5094, RFC 5846, RFC 5847)
 * built with the craft library, for the cross-checks against tshark and Scapy.
 */
import {
  alternateCareOfAddress, bindingAck, bindingAuthorizationData, bindingError, bindingRefreshAdvice, bindingRefreshRequest,
  bindingRevocationAck, bindingRevocationIndication, bindingUpdate, careOfTest, careOfTestInit, heartbeat, homeAddressOption,
  homeTest, homeTestInit, ipv6, mobileNetworkPrefix, mobileNodeIdentifier, mobility, nonceIndices, routingType2, vendorSpecific,
} from '../../../src/craft/index.js';

export const HOA = '2001:db8:1::1000';
export const HA1 = '2001:db8:1::a1';
export const COA = '2001:db8:77:1::1000';
export const CN = '2001:db8:99::5';
const COOKIE = 0x0102030405060708n;
const TOKEN = 0x1112131415161718n;
const AUTH = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);

const mnToHa = [homeAddressOption(HOA)];
const haToMn = [routingType2(HOA)];

export const STANDARD: Record<string, Uint8Array> = {
  bu: ipv6({ src: COA, dst: HA1, extensions: mnToHa, payload: mobility({
    ...bindingUpdate({ sequence: 0x1234, flags: { A: true, H: true, K: true, P: true }, lifetimeUnits: 150 }),
    options: [alternateCareOfAddress(COA), nonceIndices(0x04d2, 0x162e), bindingAuthorizationData(AUTH)],
  }) }),
  bu_nemo: ipv6({ src: COA, dst: HA1, extensions: mnToHa, payload: mobility({
    ...bindingUpdate({ sequence: 7, flags: { A: true, H: true, L: true, M: true, R: true, F: true, T: true, B: true }, lifetimeUnits: 100 }),
    options: [mobileNetworkPrefix('2001:db8:55::', 48), mobileNodeIdentifier('mn1000@example.net'), vendorSpecific(4242, 3, Uint8Array.of(9, 8, 7))],
  }) }),
  ba: ipv6({ src: HA1, dst: COA, extensions: haToMn, payload: mobility({
    ...bindingAck({ status: 0, flags: { K: true, R: true }, sequence: 0x1234, lifetimeUnits: 150 }),
    options: [bindingRefreshAdvice(75)],
  }) }),
  ba_reject: ipv6({ src: HA1, dst: COA, extensions: haToMn, payload: mobility({
    ...bindingAck({ status: 135, flags: { P: true, T: true, B: true }, sequence: 9, lifetimeUnits: 0 }),
  }) }),
  brr: ipv6({ src: HA1, dst: COA, extensions: haToMn, payload: mobility(bindingRefreshRequest()) }),
  hoti: ipv6({ src: HOA, dst: CN, payload: mobility(homeTestInit(COOKIE)) }),
  coti: ipv6({ src: COA, dst: CN, payload: mobility(careOfTestInit(COOKIE)) }),
  hot: ipv6({ src: CN, dst: HOA, payload: mobility(homeTest(5, COOKIE, TOKEN)) }),
  cot: ipv6({ src: CN, dst: COA, payload: mobility(careOfTest(6, COOKIE, TOKEN)) }),
  be: ipv6({ src: CN, dst: COA, payload: mobility(bindingError(1, HOA)) }),
  heartbeat: ipv6({ src: HA1, dst: CN, payload: mobility(heartbeat({ sequence: 0x01020304, response: true })) }),
  bri: ipv6({ src: HA1, dst: COA, payload: mobility({
    ...bindingRevocationIndication({ trigger: 1, sequence: 77, flags: { P: true, G: true } }),
    options: [mobileNodeIdentifier('mn1000@example.net')],
  }) }),
  bra: ipv6({ src: COA, dst: HA1, payload: mobility(bindingRevocationAck({ status: 1, sequence: 77, flags: { V: true } })) }),
};
