/**
 * HAHA-*: inter home agent protocol (draft-wakikawa-mip6-nemo-haha-spec-00,
 * draft-thubert-mext-global-haha-01): HA HELLO sequence, Binding Information
 * Request/Update/Acknowledgment exchanges, primary-HA conflicts, HA Switch Request.
 */
import { key2, key3, seqGreater } from '../address.js';
import type { Rule } from '../types.js';
import { arrow, secs, seen, type Seen } from './util.js';

export const hahaAck: Rule = {
  meta: {
    id: 'HAHA-ACK', severity: 'error', spec: 'haha-spec-00 4.1.4, 5.2',
    summary: 'Binding Information Update without its Acknowledgment',
    description: 'Every Binding Information Update is acknowledged by a Binding Information Acknowledgment with the same Identifier, '
      + 'else retransmitted (haha-spec-00). Reported when none came within two INITIAL_BINDACK_TIMEOUTs, or by the end of the capture.',
    example: 'HA1 pushes a binding to HA2 and HA2 never acknowledges it.',
  },
  create(context) {
    interface Update { at: Seen; identifier: number; acked: boolean; last: number; from: number; to: number }
    const updates = context.flows<Update>();
    const wait = 2 * context.constants.INITIAL_BINDACK_TIMEOUT;
    return {
      message: {
        bindingInformationUpdate(f) {
          if (f.identifier < 0) return;
          const k = key3(f.src, f.dst, f.identifier);
          if (updates.get(k)) return;
          // Facts are reused for the next packet: whatever the timer reports is copied out of f now.
          const u: Update = { at: seen(f), identifier: f.identifier, acked: false, last: f.time, from: f.src, to: f.dst };
          updates.set(k, u);
          context.setTimer(f.time + wait + context.tolerance(wait), (now, atEnd) => {
            if (updates.get(k) === u) updates.delete(k);
            if (u.acked || (atEnd && context.early(now - u.at.time, wait / 2))) return;
            context.report(u.at, `Binding Information Update ${u.identifier} was not acknowledged`, { flow: arrow(context, u.from, u.to) });
          });
        },
        bindingInformationAck(f) {
          const u = f.identifier >= 0 ? updates.get(key3(f.dst, f.src, f.identifier)) : undefined;
          if (u) u.acked = true;
        },
      },
    };
  },
};

export const hahaIdentifier: Rule = {
  meta: {
    id: 'HAHA-IDENTIFIER', severity: 'error', spec: 'haha-spec-00 4.1.2-4.1.4, 5.2',
    summary: 'request identifier 0, solicited update not copying it, acknowledgment matching no update',
    description: 'A Binding Information Request carries a non-zero Identifier; the Update that answers it copies it; each Acknowledgment '
      + 'carries the Identifier of an Update it acknowledges (haha-spec-00).',
    example: 'A Binding Information Acknowledgment with Identifier 9 when no Update 9 was sent.',
  },
  create(context) {
    interface Pending { last: number }
    const requests = context.flows<Pending & { id: number }>();
    const updates = context.flows<Pending>();
    return {
      message: {
        bindingInformationRequest(f) {
          if (f.identifier === 0) context.report(f, 'Binding Information Request with Identifier 0', { flow: arrow(context, f.src, f.dst) });
          if (f.identifier >= 0) requests.set(key2(f.src, f.dst), { id: f.identifier, last: f.time });
        },
        bindingInformationUpdate(f) {
          if (f.identifier < 0) return;
          updates.set(key3(f.src, f.dst, f.identifier), { last: f.time });
          const r = requests.get(key2(f.dst, f.src));
          if (!r) return;
          requests.delete(key2(f.dst, f.src));
          // An update to a peer with a request pending answers that request (haha-spec-00 5.2).
          if (r.id !== f.identifier && f.time - r.last < 2 * context.constants.INITIAL_BINDACK_TIMEOUT) {
            context.report(f, `Binding Information Update ${f.identifier} answers Request ${r.id} without copying its Identifier`, { flow: arrow(context, f.src, f.dst) });
          }
        },
        bindingInformationAck(f) {
          if (f.identifier < 0) return;
          if (!updates.get(key3(f.dst, f.src, f.identifier))) context.report(f, `Binding Information Acknowledgment ${f.identifier} matches no Update from ${context.name(f.dst)}`, { flow: arrow(context, f.src, f.dst) });
        },
      },
    };
  },
};

export const hahaOptions: Rule = {
  meta: {
    id: 'HAHA-OPTIONS', severity: 'error', spec: 'haha-spec-00 4.1.2, 4.1.3, 5.1',
    summary: 'request without home address or MNP option, update without a binding entry',
    description: 'A Binding Information Request names the binding by an IP Address option (Home Address) or a Mobile Network Prefix option; '
      + 'a Binding Information Update carries Binding Cache Entry Information options (haha-spec-00).',
    example: 'A Binding Information Update with no options.',
  },
  create(context) {
    const o = context.profile.mhOptions;
    return {
      message: {
        bindingInformationRequest(f) {
          if (!f.hasOption(o.ipAddress) && !f.hasOption(o.mobileNetworkPrefix)) context.report(f, 'Binding Information Request without a Home Address (IP Address option) or Mobile Network Prefix option', { flow: arrow(context, f.src, f.dst) });
        },
        bindingInformationUpdate(f) {
          if (!f.hasOption(o.bindingCacheEntryInformation)) context.report(f, 'Binding Information Update without a Binding Cache Entry Information option', { flow: arrow(context, f.src, f.dst) });
        },
      },
    };
  },
};

export const hahaHelloSequence: Rule = {
  meta: {
    id: 'HAHA-HELLO-SEQUENCE', severity: 'error', spec: 'haha-spec-00 4.1.1, 5.4',
    summary: 'stale or repeated HAHA HELLO',
    description: 'HA HELLO messages carry a Sequence Number that the receiver checks for freshness (haha-spec-00 4.1.1, 5.4); HELLOs are unicast '
      + 'to each peer, so the numbers are followed per sender and receiver (a sender may keep one counter for all peers or one per peer). '
      + 'A repeated or older number than the last one that receiver got is stale. A sender silent for longer than its HA Lifetime starts afresh.',
    example: 'Two HA HELLOs from HA1 to HA2 with sequence 5.',
  },
  create(context) {
    interface Sender { seq: number; lastTime: number; lifetime: number; last: number }
    const senders = context.flows<Sender>();
    return {
      message: {
        hahaHello(f) {
          if (f.seq < 0) return;
          // What each receiver got from each sender (haha-spec-00 5.4: the receiver checks freshness).
          const k = key2(f.src, f.dst);
          const s = senders.get(k);
          const lifetime = f.lifetime > 0 ? f.lifetime : 15;
          if (!s) { senders.set(k, { seq: f.seq, lastTime: f.time, lifetime, last: f.time }); return; }
          const restarted = f.time - s.lastTime > s.lifetime + context.tolerance(s.lifetime);
          if (!restarted && !seqGreater(f.seq, s.seq)) {
            context.report(f, `HA HELLO sequence ${f.seq} ${f.seq === s.seq ? 'repeated' : `older than ${s.seq}`}`, { flow: arrow(context, f.src, f.dst) });
          } else s.seq = f.seq;
          s.lastTime = f.time;
          s.lifetime = lifetime;
          s.last = f.time;
        },
      },
    };
  },
};

export const hahaBindingConflict: Rule = {
  meta: {
    id: 'HAHA-BINDING-CONFLICT', severity: 'error', spec: 'global-haha-01 4, 6',
    summary: 'two HAs claiming the same home address as primary at once (global HAHA)',
    description: 'In a distributed home network exactly one home agent is primary for a home address at a time (global-haha-01). '
      + 'Judged only where HAHA HELLOs show such a deployment: a home agent accepting a home registration while another HAHA peer holds an '
      + 'unexpired binding for the same home address.',
    example: 'HA1 and HA2 both accept home registrations for 2001:db8:1::1000 within its lifetime.',
  },
  create(context) {
    // HAHA peers by their HELLOs, forgotten after the idle timeout without one (before their address ids can be
    // recycled for other addresses, which would otherwise pass for peers).
    const peers = context.flows<{ last: number }>();
    const isPeer = (ha: number): boolean => peers.get(ha) !== undefined;
    return {
      message: {
        hahaHello(f) {
          const p = peers.get(f.src);
          if (p) p.last = f.time;
          else peers.set(f.src, { last: f.time });
        },
        bindingAck(f) {
          if (peers.size === 0 || f.home === 0 || f.status < 0 || f.status >= 128 || f.lifetime <= 0 || !isPeer(f.src)) return;
          const b = context.bindings.get(f.home);
          if (b && b.ha !== f.src && b.expires > f.time && isPeer(b.ha)) {
            context.report(f, `${context.name(f.src)} accepted ${context.name(f.home)} while ${context.name(b.ha)} holds its binding for ${secs(b.expires - f.time)} more`, { flow: arrow(context, f.src, f.home) });
          }
        },
      },
    };
  },
};

export const hahaSwitchRequest: Rule = {
  meta: {
    id: 'HAHA-SWITCH-REQUEST', severity: 'error', spec: 'haha-spec-00 5.3, 6.1',
    summary: 'MN not moving to the HA an HA Switch Request names',
    description: 'After an HA Switch Request the mobile node registers with the home agent it names (haha-spec-00). Reported when the mobile '
      + 'node registers elsewhere, or not at all within MAX_HA_SWITCH_TIMEOUT.',
    example: 'An HA Switch Request to a mobile node that keeps refreshing with its old HA.',
  },
  create(context) {
    interface Req { at: Seen; from: number; moved: boolean; last: number }
    const reqs = context.flows<Req>();
    const wait = context.constants.MAX_HA_SWITCH_TIMEOUT;
    return {
      message: {
        haSwitchRequest(f) {
          const home = f.home !== 0 ? f.home : f.dst;
          const r: Req = { at: seen(f), from: context.bindings.currentHa(home, f.time), moved: false, last: f.time };
          reqs.set(home, r);
          const flow = arrow(context, f.src, home);
          context.setTimer(f.time + wait + context.tolerance(wait), (now, atEnd) => {
            if (reqs.get(home) !== r) return;
            reqs.delete(home);
            if (r.moved || (atEnd && context.early(now - r.at.time, context.constants.INITIAL_HA_SWITCH_TIMEOUT))) return;
            context.report(r.at, `${context.name(home)} did not move to another home agent after the HA Switch Request`, { flow });
          });
        },
        bindingUpdate(f) {
          if (f.home === 0 || f.lifetime <= 0) return;
          const r = reqs.get(f.home);
          if (r && f.dst !== r.from) r.moved = true;
        },
      },
    };
  },
};

export const HAHA_RULES: readonly Rule[] = [hahaAck, hahaIdentifier, hahaOptions, hahaHelloSequence, hahaBindingConflict, hahaSwitchRequest];
