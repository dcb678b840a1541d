import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { statsMain } from '../../src/cli/stats.js';
import type { Sink } from '../../src/output/sink.js';
import type { StatsReport } from '../../src/output/stats.js';
import { SAMPLES } from '../filter/helpers.js';

function run(sample: string | string[], format: 'text' | 'json'): { code: number; out: string; err: string[] } {
  const lines: string[] = [];
  const err: string[] = [];
  const sink = { line: (s: string) => { lines.push(s); }, flush: () => undefined, closed: false } as unknown as Sink;
  const code = statsMain((Array.isArray(sample) ? sample : [sample]).map((f) => resolve(SAMPLES, f)), { format }, sink, (s) => err.push(s));
  return { code, out: lines.join('\n'), err };
}

const report = (sample: string): StatsReport => JSON.parse(run(sample, 'json').out) as StatsReport;
const dist = (r: StatsReport, prefix: string) => r.distributions.find((d) => d.name.startsWith(prefix))!;

describe('mip6scope stats', () => {
  it('registration-and-switch: registration, refresh, one switch retransmitted after 5 s, move to HA2', () => {
    const r = report('registration-and-switch.pcapng');
    expect(r.packets).toBe(10);
    expect(r.messages.map((m) => [m.protocol, m.type, m.direction, m.packets])).toEqual([
      ['MH', 5, 'MN → HA', 4], ['MH', 6, 'HA → MN', 4], ['MH', 12, 'HA → MN', 2],
    ]);
    const [ha1, ha2] = r.homeAgents;
    expect(ha1).toMatchObject({ address: '2001:db8:1::a1', mnsServed: 1, bindingUpdates: 3, bindingAcks: 3, switchesSent: 2, switchRetransmissions: 1 });
    expect(ha2).toMatchObject({ address: '2001:db8:1::a2', mnsServed: 1, bindingUpdates: 1, switchesSent: 0 });
    expect(r.mobileNodes).toEqual([{
      homeAddress: '2001:db8:1::1000', bindingUpdates: 4, bindings: 3, rejected: 0, deregistrations: 1,
      homeAgent: '2001:db8:1::a2', switchesReceived: 1,
      // Switch first sent at 300.0 s; BA from HA2 at 305.512 s.
      reregistrationTimes: [5.512],
    }]);
    // Every BA 12 ms after its BU; the switch is acknowledged by the de-registration 0.4 s after the retransmission.
    expect(dist(r, 'BU → BA (from the BU')).toMatchObject({ count: 4, min: 0.012, max: 0.012 });
    expect(dist(r, 'HA Switch retransmission interval')).toMatchObject({ count: 1, min: 5 });
    expect(dist(r, 'HA Switch → acknowledging BU (from the last')).toMatchObject({ count: 1, min: 0.4 });
    expect(dist(r, 'HA Switch → acknowledging BU (from the first')).toMatchObject({ count: 1, min: 5.4 });
    expect(dist(r, 'HA Switch transmissions')).toMatchObject({ count: 1, max: 2 });
    expect(r.espSas).toHaveLength(4);
    expect(r.espSas.find((s) => s.spi === 0x10010001)).toMatchObject({ source: '2001:db8:1::a1', packets: 5, opened: 5, gaps: 0, replays: 0, lastSequence: 5 });
    expect(r.unanswered).toEqual({ bindingUpdates: 0, homeAgentSwitches: 0, interHaRequests: 0 });
  });

  it('hard-switch-failover: 50 MNs move from HA1 to HA2, three slow ones after backoff', () => {
    const r = report('hard-switch-failover.pcapng');
    const byAddr = Object.fromEntries(r.homeAgents.map((h) => [h.address, h]));
    expect(byAddr['2001:db8:1::a1']).toMatchObject({ mnsServed: 50, switchesSent: 0 });
    // 50 switches plus 4 retransmissions (two for one MN, one each for two others).
    expect(byAddr['2001:db8:1::a2']).toMatchObject({ mnsServed: 50, switchesSent: 54, switchRetransmissions: 4 });
    expect(r.homeAgents.every((h) => h.hellosSent > 0)).toBe(true);
    expect(r.mobileNodes).toHaveLength(50);
    expect(r.mobileNodes.every((m) => m.switchesReceived === 1 && m.homeAgent === '2001:db8:1::a2' && m.reregistrationTimes.length === 1)).toBe(true);
    expect(dist(r, 'HA Switch → re-registration')).toMatchObject({ count: 50, min: 0.212 });
    expect(dist(r, 'HA Switch → re-registration').max!).toBeGreaterThan(10);
    expect(r.messages.find((m) => m.type === 250)).toMatchObject({ direction: 'HA → HA', name: 'Home Agent Hello' });
  });

  it('vhar-failover: the VHAR messages and the home agents\' Router Advertisements, as Hellos and state sync', () => {
    const r = report('vhar-failover.pcapng');
    const icmp = r.messages.filter((m) => m.protocol === 'ICMPv6');
    expect(icmp.map((m) => [m.type, m.name, m.direction])).toEqual([
      [134, 'Router Advertisement (home agent)', 'HA → multicast'],
      [161, 'MN Release Request', 'HA → HA'], [162, 'MN Release Reply', 'HA → HA'],
      [163, 'MN Context Update Request', 'HA → HA'], [164, 'MN Context Update Reply', 'HA → HA'],
      [165, 'SP Synch', 'HA → HA'], [166, 'SP Reply', 'HA → HA'], [167, 'SeqNo Synch', 'HA → HA'],
    ]);
    const vharPackets = icmp.filter((m) => m.type !== 134).reduce((n, m) => n + m.packets, 0);
    const linkLocal = r.homeAgents.filter((h) => h.address.startsWith('fe80::'));
    expect(linkLocal.map((h) => h.address)).toEqual(['fe80::a1', 'fe80::a2', 'fe80::a3', 'fe80::a4']);
    expect(linkLocal.reduce((n, h) => n + h.stateSyncSent, 0)).toBe(vharPackets);
    expect(linkLocal.reduce((n, h) => n + h.hellosSent, 0)).toBe(icmp.find((m) => m.type === 134)!.packets);
    // Every Release, Context Update and SP Synch is answered, 10 ms later.
    const requests = icmp.filter((m) => m.type === 161 || m.type === 163 || m.type === 165).reduce((n, m) => n + m.packets, 0);
    expect(dist(r, 'VHAR request → reply')).toMatchObject({ count: requests, min: 0.01, max: 0.01 });
    expect(r.unanswered.interHaRequests).toBe(0);
  });

  it('haha-binding-sync: Binding Information messages count as state sync; each Update is acknowledged', () => {
    const r = report('haha-binding-sync.pcapng');
    const bi = r.messages.filter((m) => m.type >= 252 && m.type <= 254).reduce((n, m) => n + m.packets, 0);
    expect(r.homeAgents.reduce((n, h) => n + h.stateSyncSent, 0)).toBe(bi);
    expect(r.homeAgents.every((h) => h.hellosSent === 14)).toBe(true);
    expect(dist(r, 'Binding Information Update → Acknowledgment')).toMatchObject({ count: 3 });
  });

  it('state-sync and manual-switchover: request → reply times of State Synchronization and HA Control', () => {
    const sync = report('state-sync.pcapng');
    // Two solicited exchanges; the unsolicited Replies (Identifier 0) answer nothing.
    expect(dist(sync, 'State Synchronization Request → Reply')).toMatchObject({ count: 2, min: 0.01, max: 0.01 });
    const ctrl = report('manual-switchover.pcapng');
    expect(dist(ctrl, 'HA Control Request → Reply')).toMatchObject({ count: 2 });
    expect(ctrl.homeAgents.every((h) => h.stateSyncSent === 0)).toBe(true);
  });

  it('bad-unanswered: the State Synchronization Request never answered', () => {
    expect(report('bad-unanswered.pcapng').unanswered).toEqual({ bindingUpdates: 1, homeAgentSwitches: 0, interHaRequests: 1 });
  });

  it('bad-esp: counts the replayed packet', () => {
    const r = report('bad-esp.pcapng');
    expect(r.espSas.reduce((n, s) => n + s.replays, 0)).toBe(1);
  });

  it('prints tables', () => {
    const { code, out } = run('registration-and-switch.pcapng', 'text');
    expect(code).toBe(0);
    expect(out).toMatch(/│ MH +│ 12 +│ Home Agent Switch\s+│ HA → MN\s+│ 2/);
    expect(out).toContain('2001:db8:1::1000');
    expect(out).not.toContain('\x1b[');
  });

  it('exits 2 for a file it cannot read', () => {
    const { code, err } = run('no-such-file.pcapng', 'text');
    expect(code).toBe(2);
    expect(err.join('\n')).toContain('no-such-file');
  });

  it('with a file it cannot read among others: the tables of the rest, and exit 2', () => {
    const both = run(['refresh.pcapng', 'no-such-file.pcapng'], 'json');
    expect(both.code).toBe(2);
    expect(both.err.join('\n')).toContain('no-such-file');
    expect(JSON.parse(both.out)).toEqual(report('refresh.pcapng'));
  });
});
