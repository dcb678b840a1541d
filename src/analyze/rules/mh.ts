/**
 * MH-*: the Mobility Header itself (RFC 6275 6.1, 6.2, 9.2). Most of these
 * turn the dissector's expert notes into findings; MH-UNPROTECTED, MH-RATE and
 * MH-UNKNOWN-TYPE follow the packets.
 */
import { key2, key3 } from '../address.js';
import type { Facts } from '../facts.js';
import type { Rule, RuleContext, RuleMeta, Severity } from '../types.js';
import { tracker } from './binding.js';
import { arrow, rateLimit, RecentRates, seen, type Seen } from './util.js';

/** A rule that reports every dissector note of the given groups. */
function noteRule(meta: RuleMeta, groups: readonly string[]): Rule {
  return {
    meta,
    create(context) {
      return {
        mhNotes(f: Facts) {
          const notes = f.notes;
          for (let i = 0; i < notes.length; i++) {
            const n = notes[i]!;
            if (groups.indexOf(n.group) >= 0) context.report(f, n.text, { flow: arrow(context, f.src, f.dst) });
          }
        },
      };
    },
  };
}

export const mhChecksum = noteRule({
  id: 'MH-CHECKSUM', severity: 'error', spec: 'RFC 6275 6.1.1, 9.2',
  summary: 'Mobility Header checksum wrong',
  description: 'The checksum covers the IPv6 pseudo-header (with the home address as source and the final destination) and the whole Mobility Header. '
    + 'A receiver silently discards a message whose checksum does not verify (RFC 6275 9.2), so the sender will have to retransmit.',
  example: 'A Binding Update whose checksum is 0x1234 when the pseudo-header and message sum to 0x1235.',
}, ['mip6.checksum']);

export const mhPayloadProto = noteRule({
  id: 'MH-PAYLOAD-PROTO', severity: 'error', spec: 'RFC 6275 6.1.1, 9.2',
  summary: 'Payload Proto not 59',
  description: 'The Payload Proto field MUST be IPPROTO_NONE (59); a receiver discards the message and sends ICMP Parameter Problem code 0 (RFC 6275 9.2).',
  example: 'A Binding Update with Payload Proto 6.',
}, ['mip6.proto']);

export const mhLength = noteRule({
  id: 'MH-LENGTH', severity: 'error', spec: 'RFC 6275 6.1.1, 9.2',
  summary: 'Header Len below the minimum for the type, past the packet, or fields that overrun',
  description: 'Header Len counts 8-octet units after the first 8. It must be at least the minimum for the MH type (BU and BA 1, HoT/CoT/BE 2), '
    + 'fit in the packet, and leave room for the message\'s fixed fields; otherwise the message is discarded with ICMP Parameter Problem (RFC 6275 9.2).',
  example: 'A Binding Update cut to 8 bytes with Header Len 0.',
}, ['mip6.length', 'mip6.length.min', 'mip6.has.count']);

export const mhOption = noteRule({
  id: 'MH-OPTION', severity: 'error', spec: 'RFC 6275 6.2',
  summary: 'mobility option with a wrong length, overrunning, misaligned, not allowed in its message, or Authorization Data not last',
  description: 'Each mobility option has a fixed length or a minimum, an alignment requirement (xn+y from the start of the Mobility Header, RFC 6275 6.2.1), '
    + 'and is valid only in the messages that define it (Binding Refresh Advice only in BA and Home Agent Switch). '
    + 'Binding Authorization Data must be the last option (RFC 6275 6.2.7).',
  example: 'An Alternate Care-of Address at offset 12 (8n+4 instead of 8n+6); a Binding Refresh Advice inside a Binding Update.',
}, ['mip6.option.align', 'mip6.option.length', 'mip6.option.context', 'mip6.option.order']);

export const mhReserved = noteRule({
  id: 'MH-RESERVED', severity: 'error', spec: 'RFC 6275 6.1',
  summary: 'reserved bits that must be zero are not',
  description: 'Reserved fields MUST be initialized to zero by the sender and MUST be ignored by the receiver (RFC 6275 6.1.1-6.1.9, RFC 5142 4). '
    + 'Non-zero bits are a sender bug, or a newer extension the receiver will ignore.',
  example: 'A Binding Acknowledgement with 0x01 in its reserved flag bits.',
}, ['mip6.reserved']);

/** RFC 6275 9.2: an unknown MH type is answered with Binding Error status 2 (unrecognized MH Type). */
export const mhUnknownType: Rule = {
  meta: {
    id: 'MH-UNKNOWN-TYPE', severity: 'warning', spec: 'RFC 6275 9.2',
    summary: 'unknown MH type; warning when the receiver sends no Binding Error status 2',
    description: 'A node that receives a Mobility Header of a type it does not know MUST answer with a Binding Error, status 2 (RFC 6275 9.2). '
      + 'The message itself is reported as info (it is outside the active profile: pass --mh-type if a draft message uses another number); '
      + 'when the receiver does not answer within INITIAL_BINDACK_TIMEOUT, a warning.',
    example: 'MH type 200 from 2001:db8::1 to 2001:db8::2 and no Binding Error back.',
  },
  create(context) {
    interface Pending { at: Seen; type: number; answered: boolean; last: number }
    const pending = context.flows<Pending>();
    return {
      mhUnknown(f) {
        const k = key2(f.src, f.dst);
        if (pending.get(k)) return;
        const p: Pending = { at: seen(f), type: f.mhType, answered: false, last: f.time };
        pending.set(k, p);
        const flow = arrow(context, f.src, f.dst);
        context.report(f, `Mobility Header type ${f.mhType} is not known to the active profile`, { severity: 'info', flow });
        const wait = context.constants.INITIAL_BINDACK_TIMEOUT;
        context.setTimer(f.time + wait + context.tolerance(wait), (now, atEnd) => {
          pending.delete(k);
          if (p.answered || (atEnd && now - p.at.time < wait)) return;
          context.report(p.at, `no Binding Error status 2 answered MH type ${p.type} (RFC 6275 9.2)`, { flow });
        });
      },
      message: {
        bindingError(f) {
          if (f.status !== 2) return;
          const p = pending.get(key2(f.dst, f.src));
          if (p) p.answered = true;
        },
      },
    };
  },
};

/**
 * Home registration BU/BA (RFC 6275 5.1 with RFC 3776 3.1/RFC 4877), the HA Switch (RFC 5142 5.1, 10)
 * and signalling between home agents (hareliability-01 6, haha-spec-00) MUST be ESP protected.
 */
export const mhUnprotected: Rule = {
  meta: {
    id: 'MH-UNPROTECTED', severity: 'error', spec: 'RFC 6275 5.1; RFC 3776 3; RFC 5142 5.1, 10; hareliability-01 6',
    summary: 'home registration BU/BA, HA Switch or inter-HA signalling outside ESP (multicast Hello exempt)',
    description: 'Binding Updates and Acknowledgements for home registration MUST be protected by ESP in transport mode with a non-null '
      + 'integrity algorithm (RFC 6275 5.1, RFC 3776, RFC 4877). The Home Agent Switch MUST use the HA-to-MN ESP SA (RFC 5142 5.1). '
      + 'State Synchronization, Home Agent Control and unicast Hellos between home agents, and the HAHA messages, are protected the same way; '
      + 'a Hello sent to a multicast group is exempt.',
    example: 'A home registration BU sent in clear from the care-of address.',
  },
  create(context) {
    // Which bindings are home registrations: the registration flows the BU-* rules follow.
    const registrations = tracker(context);
    const interHa = new Set<string>(['stateSynchronization', 'homeAgentControl', 'homeAgentHello', 'hahaHello',
      'bindingInformationRequest', 'bindingInformationUpdate', 'bindingInformationAck', 'haSwitchRequest']);
    const flag = (f: Facts, what: string): void => {
      if (!f.inEsp) context.report(f, `${what} sent outside ESP`, { flow: arrow(context, f.src, f.dst) });
    };
    return {
      mh(f) {
        switch (f.kind) {
          case 'bindingUpdate':
            if (!f.homeFlag) return;
            registrations.observe(f);
            flag(f, 'home registration Binding Update');
            return;
          case 'bindingAck': {
            // Only a BA outside ESP needs to know what it answers; the registration flow sees it either way.
            const ev = registrations.observe(f);
            if (!f.inEsp && f.home !== 0 && ev.found && ev.homeSeen) flag(f, 'Binding Acknowledgement of a home registration');
            return;
          }
          case 'homeAgentSwitch':
            flag(f, 'Home Agent Switch');
            return;
          default:
            if (interHa.has(f.kind) && !(f.kind === 'homeAgentHello' && f.dstMulticast)) flag(f, `${f.kind} between home agents`);
        }
      },
    };
  },
};

/** RFC 6275 11.8: no more than MAX_UPDATE_RATE messages of one type to one destination per second. */
export const mhRate: Rule = {
  meta: {
    id: 'MH-RATE', severity: 'error', spec: 'RFC 6275 11.8',
    summary: 'more than MAX_UPDATE_RATE messages of one type from one node to one destination in a second',
    description: 'A mobile node MUST NOT send Mobility Header messages of a particular type to a particular node more than MAX_UPDATE_RATE '
      + '(3) times a second (RFC 6275 11.8); the analyzer applies the limit to every sender. Reported once per burst.',
    example: 'Five Binding Updates from one home address to its HA within 400 ms.',
  },
  create(context) {
    const { limit, window: W, within } = rateLimit(context.constants.MAX_UPDATE_RATE);
    const window = W - context.tolerance(W);
    // Most flows send one message in a long while: kept only for the window that matters.
    const rates = new RecentRates(limit, W);
    return {
      mh(f) {
        if (f.src === 0 || f.dst === 0) return;
        const from = f.home !== 0 && f.kind === 'bindingUpdate' ? f.home : f.src;
        if (rates.add(from, f.dst, f.mhType, f, window, W)) {
          context.report(f, `more than ${limit} messages of MH type ${f.mhType} within ${within} to one destination (MAX_UPDATE_RATE)`, { flow: arrow(context, from, f.dst) });
        }
      },
    };
  },
};

export const MH_RULES: readonly Rule[] = [mhChecksum, mhPayloadProto, mhLength, mhOption, mhReserved, mhUnknownType, mhUnprotected, mhRate];

export type { RuleContext, Severity };
