/**
 * What the craft builders write decodes back to what they were given: an
 * independent check of the builders and the dissectors against each other
 * (the hand-written vectors in the other files check both against the figures).
 */
import { describe, expect, it } from 'vitest';
import {
  aaaInformation, bindingCacheEntryInformation, bindingCacheInformation, bindingInformationAck, bindingInformationRequest,
  bindingInformationUpdate, haSwitchRequest, hahaHello, homeAgentControl, homeAgentHello, icmpv6, ipAddressOption, ipv6,
  mobileNetworkPrefix, mobility, stateSynchronization, vharMnContextUpdateRequest, vharMnReleaseReply, vharMnReleaseRequest,
  vharSeqNoSynch, vharSpSynch, vrrpAdvertisement, HAHA_IP_CODE, HARELIABILITY_IP_CODE,
} from '../../../src/craft/index.js';
import { dissect, info, value, values } from './helpers.js';

const HA1 = '2001:db8:1::a1';
const HA2 = '2001:db8:1::a2';
const LL1 = 'fe80::a1';
const LL2 = 'fe80::a2';
const HOA = '2001:db8:1::1000';
const COA = '2001:db8:77::5';

describe('hareliability-01 builders', () => {
  it('State Synchronization Request with a Home Address option', () => {
    const t = dissect(ipv6({ src: HA1, dst: HA2, payload: mobility({ ...stateSynchronization('request', 513), options: [ipAddressOption(HARELIABILITY_IP_CODE.homeAddress, HOA)] }) }));
    expect(value(t, 'mip6.harel.sync.type')).toBe(0);
    expect(value(t, 'mip6.harel.sync.id')).toBe(513);
    expect(value(t, 'mip6.mhipv6ap.meaning')).toBe('Home Address');
    expect(t.notes).toEqual([]);
  });
  it('State Synchronization Reply with BCI, MNPs and AAA', () => {
    const t = dissect(ipv6({ src: HA1, dst: HA2, payload: mobility({
      ...stateSynchronization('reply', 0),
      options: [
        bindingCacheInformation({ flags: 0xc400, sequence: 77, lifetimeUnits: 900, homeAddress: HOA, careOfAddress: COA }),
        mobileNetworkPrefix('2001:db8:aa::', 48), mobileNetworkPrefix('2001:db8:bb::', 48),
        aaaInformation([{ type: 1, value: 'mn1@example.net' }]),
      ],
    }) }));
    expect(value(t, 'mip6.harel.bci.seq')).toBe(77);
    expect(value(t, 'mip6.harel.bci.lifetime')).toBe(900);
    expect(value(t, 'mip6.harel.bci.hoa')).toBe(HOA);
    expect(value(t, 'mip6.harel.bci.coa')).toBe(COA);
    expect(value(t, 'mip6.harel.bci.mnp_count')).toBe(2);
    expect(value(t, 'mip6.harel.aaa.value')).toBe(Buffer.from('mn1@example.net').toString('hex'));
    expect(t.notes).toEqual([]);
  });
  it('Home Agent Control, every kind', () => {
    for (const [kind, type] of [['switchOverRequest', 0], ['switchOverReply', 1], ['switchBackRequest', 2], ['switchBackReply', 3]] as const) {
      const t = dissect(ipv6({ src: HA1, dst: HA2, payload: mobility(homeAgentControl(kind, type % 2 ? 131 : 0)) }));
      expect(value(t, 'mip6.harel.ctrl.type')).toBe(type);
      expect(value(t, 'mip6.harel.ctrl.status')).toBe(type % 2 ? 131 : 0);
      expect(t.notes).toEqual([]);
    }
  });
  it('Home Agent Hello', () => {
    const t = dissect(ipv6({ src: HA1, dst: HA2, payload: mobility(homeAgentHello({ sequence: 65535, preference: 300, lifetime: 1800, helloInterval: 3, groupId: 255, replyRequested: true })) }));
    expect(values(t, 'mip6.harel.hello.seq')).toEqual([65535]);
    expect(value(t, 'mip6.harel.hello.pref')).toBe(300);
    expect(value(t, 'mip6.harel.hello.group')).toBe(255);
    expect(value(t, 'mip6.harel.hello.a_flag')).toBe(false);
    expect(value(t, 'mip6.harel.hello.r_flag')).toBe(true);
    expect(value(t, 'mip6.hlen')).toBe(1);
    expect(t.notes).toEqual([]);
  });
});

describe('HAHA builders', () => {
  it('HA HELLO', () => {
    const t = dissect(ipv6({ src: HA1, dst: HA2, payload: mobility(hahaHello({ sequence: 9, preference: 5, lifetime: 600, helloInterval: 10, prefixLength: 64, homeAgentAddress: HA1 })) }));
    expect(info(t)).toBe(`HAHA Hello seq 9 from ${HA1}/64 pref 5`);
    expect(value(t, 'mip6.haha.hello.lifetime')).toBe(600);
    expect(t.notes).toEqual([]);
  });
  it('BIR, BIU with an entry and its prefix, BIA, HA Switch Request', () => {
    const bir = dissect(ipv6({ src: HA1, dst: HA2, payload: mobility({ ...bindingInformationRequest(4), options: [ipAddressOption(HAHA_IP_CODE.homeAddress, HOA)] }) }));
    expect(value(bir, 'mip6.haha.bir.id')).toBe(4);
    expect(value(bir, 'mip6.mhipv6ap.meaning')).toBe('Home Address');
    expect(bir.notes).toEqual([]);
    const biu = dissect(ipv6({ src: HA1, dst: HA2, payload: mobility({
      ...bindingInformationUpdate(4),
      options: [bindingCacheEntryInformation({ homeAddress: HOA, careOfAddress: COA, flags: 0xc400, sequence: 3, lifetimeUnits: 60, mobileNetworkPrefixCount: 1 }), mobileNetworkPrefix('2001:db8:aa::', 48)],
    }) }));
    expect(value(biu, 'mip6.haha.bcei.num_mnps')).toBe(1);
    expect(value(biu, 'mip6.haha.bcei.mnp_count')).toBe(1);
    expect(value(biu, 'mip6.haha.bcei.lifetime')).toBe(60);
    expect(biu.notes).toEqual([]);
    const bia = dissect(ipv6({ src: HA2, dst: HA1, payload: mobility(bindingInformationAck(4, 128)) }));
    expect(value(bia, 'mip6.haha.bia.status')).toBe(128);
    const hsr = dissect(ipv6({ src: HA2, dst: HA1, payload: mobility({ ...haSwitchRequest(), options: [ipAddressOption(HAHA_IP_CODE.homeAgentAddress, HA2)] }) }));
    expect(value(hsr, 'mip6.mhipv6ap.meaning')).toBe('Home Agent Address');
    expect(hsr.notes).toEqual([]);
  });
});

describe('VHAR and VRRP builders', () => {
  it('MN Release Request/Reply, Context Update, SP Synch, SeqNo Synch', () => {
    const rr = dissect(ipv6({ src: LL1, dst: LL2, payload: icmpv6(vharMnReleaseRequest(11, HOA)) }));
    expect(value(rr, 'icmpv6.vhar.home_address')).toBe(HOA);
    expect(rr.notes).toEqual([]);
    expect(value(dissect(ipv6({ src: LL2, dst: LL1, payload: icmpv6(vharMnReleaseReply(11)) })), 'icmpv6.vhar.identifier')).toBe(11);
    const cu = dissect(ipv6({ src: LL1, dst: LL2, payload: icmpv6(vharMnContextUpdateRequest(12, [
      { homeAddress: HOA, careOfAddress: COA, lifetime: 100, flag: true, sequence: 5, usage: 1 },
      { homeAddress: '2001:db8:1::1001', careOfAddress: COA, lifetime: 200, sequence: 6, usage: 0 },
    ])) }));
    expect(values(cu, 'icmpv6.vhar.binding.lifetime')).toEqual([100, 200]);
    expect(values(cu, 'icmpv6.vhar.binding.flag')).toEqual([true, false]);
    expect(cu.notes).toEqual([]);
    const sp = dissect(ipv6({ src: LL1, dst: LL2, payload: icmpv6(vharSpSynch(13, [
      { outbound: true, protocol: 2, interfaceId: 3, esp: true, tunnel: false, spi: 0xdeadbeef, src: HA1, dst: HOA, sequenceCounter: 7n, antiReplayWindow: 64 },
    ])) }));
    expect(value(sp, 'icmpv6.vhar.sa.protocol')).toBe(2);
    expect(value(sp, 'icmpv6.vhar.sa.interface')).toBe(3);
    expect(value(sp, 'icmpv6.vhar.sa.tunnel')).toBe(false);
    expect(value(sp, 'icmpv6.vhar.sa.spi')).toBe(0xdeadbeef);
    expect(value(sp, 'icmpv6.vhar.sa.seq')).toBe('7');
    expect(sp.notes).toEqual([]);
    const sq = dissect(ipv6({ src: LL1, dst: LL2, payload: icmpv6(vharSeqNoSynch(0x100, 2n ** 40n, 128)) }));
    expect(value(sq, 'icmpv6.vhar.sequence')).toBe((2n ** 40n).toString());
  });
  it('VRRP advertisement', () => {
    const t = dissect(ipv6({ src: LL1, dst: 'ff02::12', hopLimit: 255, payload: vrrpAdvertisement({ virtualRouterId: 9, priority: 200, maxAdvertIntervalCs: 4095, addresses: [HA1] }) }));
    expect(value(t, 'vrrp.harel.group')).toBe(9);
    expect(value(t, 'vrrp.harel.preference')).toBe(200);
    expect(value(t, 'vrrp.max_adver_int')).toBe(4095);
    expect(value(t, 'vrrp.checksum.status')).toBe('good');
    expect(t.notes).toEqual([]);
  });
});
