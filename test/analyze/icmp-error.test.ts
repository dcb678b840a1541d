/**
 * An ICMPv6 error carries as much of the packet that caused it as fits (RFC 4443
 * 2.4). That copy is the other side's packet, already analyzed when it was
 * captured: its Mobility Header, ESP and home address are not this packet's.
 * Read as this packet's, the copy of a Binding Update looked like a second BU from
 * the HA to the MN, its ESP sequence number like a replay, and stats counted it twice.
 */
import { describe, expect, it } from 'vitest';
import { AddressTable } from '../../src/analyze/address.js';
import { FactExtractor } from '../../src/analyze/facts.js';
import { resolveFields } from '../../src/analyze/fields.js';
import { getDefaultProfile } from '../../src/profile/profile.js';
import { ethernet, ETHERTYPE_IPV6, icmpv6, ipv6 } from '../../src/craft/index.js';
import { createDissector, dissectFrame } from '../../src/dissect/index.js';
import { StatsCollector } from '../../src/output/stats.js';
import { haAddress, haMac, Lab, mnCareOf, ROUTER_MAC } from '../../src/samples/lab.js';
import { byRule, frameOf, lint, serious, show, type Packet } from './helpers.js';
import { reg, registered } from './lab-packets.js';

const lab = new Lab();

/** HA `ha` answers the frame `invoking` (Ethernet) with Parameter Problem code `code` to MN `mn`'s care-of address. */
function parameterProblem(ha: number, mn: number, invoking: Uint8Array, code = 0, pointer = 40): Uint8Array {
  const packet = invoking.subarray(14);
  const body = new Uint8Array(4 + packet.length);
  new DataView(body.buffer).setUint32(0, pointer);
  body.set(packet, 4);
  return ethernet(haMac(ha), ROUTER_MAC, ETHERTYPE_IPV6, ipv6({ src: haAddress(ha), dst: mnCareOf(mn), payload: icmpv6({ type: 4, code, body }) }));
}

describe('ICMPv6 errors quoting a Mobility Header message', () => {
  const bu = lab.mnToHa(1, 1, reg(5));
  const traffic: Packet[] = [...registered(lab, 0, 1, 1, 5), { t: 0.02, data: parameterProblem(1, 1, bu) }];

  it('are ICMPv6 packets of their own addresses, not the quoted message', () => {
    const ctx = createDissector();
    const addresses = new AddressTable();
    const extractor = new FactExtractor(resolveFields(), getDefaultProfile().mhTypes, addresses);
    const f = frameOf({ t: 0, data: parameterProblem(1, 1, bu) }, 1);
    dissectFrame(ctx, f);
    const facts = extractor.extract(ctx, f, 'x', 0);
    // ... but the facts are the error's.
    expect(facts.kind).toBe('icmpv6');
    expect(facts.subtype).toBe(4);
    expect(facts.mhItem).toBe(-1);
    expect(facts.espItem).toBe(-1);
    expect(facts.home).toBe(0);
    expect(addresses.name(facts.src)).toBe(haAddress(1));
    expect(addresses.name(facts.dst)).toBe(mnCareOf(1));
    // The quoted BU is still in the tree (read and -V show it).
    expect(f.data.length).toBeGreaterThan(bu.length);
  });

  it('a registration answered once more by an ICMPv6 error quoting its BU: no replay, no second BU', () => {
    const findings = lint(traffic);
    expect(serious(findings), show(findings)).toEqual([]);
    expect(byRule(findings, 'ESP-REPLAY')).toEqual([]);
  });

  it('stats count the BU once, and its ESP packets once', () => {
    const report = (packets: readonly Packet[]) => {
      const ctx = createDissector();
      const stats = new StatsCollector(getDefaultProfile().mhTypes);
      packets.forEach((p, i) => {
        const f = frameOf(p, i + 1);
        dissectFrame(ctx, f);
        stats.add(ctx.tree, f.tsSec + f.tsNsec / 1e9);
      });
      return stats.report();
    };
    const without = report(traffic.slice(0, 2));
    const withError = report(traffic);
    expect(withError.packets).toBe(3);
    expect(withError.mobilityPackets).toBe(without.mobilityPackets);
    expect(withError.messages).toEqual(without.messages);
    expect(withError.espSas).toEqual(without.espSas);
    expect(withError.mobileNodes).toEqual(without.mobileNodes);
  });
});
