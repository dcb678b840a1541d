/** Small builders of crafted exchanges (registrations, Hellos, HA Switches) shared by the rule tests. */
import { bindingAck, bindingRefreshAdvice, bindingUpdate, homeAgentHello, homeAgentSwitch, type MhMessage, type MobilityHeaderParams } from '../../src/craft/index.js';
import { haAddress, type Lab } from '../../src/samples/lab.js';
import type { Packet } from './helpers.js';

export const reg = (seq: number, lifetimeUnits = 150): MhMessage => bindingUpdate({ sequence: seq, flags: { A: true, H: true, K: true }, lifetimeUnits });
export const ack = (seq: number, lifetimeUnits = 150, status = 0): MobilityHeaderParams => bindingAck({ status, flags: { K: true }, sequence: seq, lifetimeUnits });
export const hasTo = (targets: number[], opts: { refresh?: number; rekey?: boolean } = {}): MobilityHeaderParams => ({
  ...homeAgentSwitch({ homeAgents: targets.map(haAddress), rekey: opts.rekey }),
  options: opts.refresh === undefined ? [] : [bindingRefreshAdvice(opts.refresh)],
});
export const hello = (seq: number, o: { active?: boolean; group?: number; pref?: number; r?: boolean; lifetime?: number; interval?: number } = {}): MhMessage =>
  homeAgentHello({ sequence: seq, preference: o.pref ?? 20, lifetime: o.lifetime ?? 3, helloInterval: o.interval ?? 1, groupId: o.group ?? 7, active: o.active, replyRequested: o.r });

/** Register MN `mn` at HA `ha` at time t (BU + BA). */
export function registered(lab: Lab, t: number, mn: number, ha: number, seq: number): Packet[] {
  return [{ t, data: lab.mnToHa(mn, ha, reg(seq)) }, { t: t + 0.01, data: lab.haToMn(ha, mn, ack(seq)) }];
}

/** Periodic Hellos from `ha` to `peer` every second over [from, until]. */
export function hellos(lab: Lab, ha: number, peer: number, from: number, until: number, o: { active?: (t: number) => boolean; pref?: number; seq0?: number } = {}): Packet[] {
  const out: Packet[] = [];
  let seq = o.seq0 ?? 1;
  for (let t = from; t <= until + 1e-9; t += 1) out.push({ t: t + ha * 0.003, data: lab.haToHa(ha, peer, hello(seq++, { active: o.active?.(t), pref: o.pref })) });
  return out;
}
