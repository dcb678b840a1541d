/**
 * HAS-*: the Home Agent Switch (RFC 5142, hareliability-01 8.3), followed per
 * (sender, mobile node): retransmissions and their backoff, the acknowledging
 * BU, the pace of new switches per sender, and what the mobile node does next.
 */
import { key2 } from '../address.js';
import type { Facts } from '../facts.js';
import type { Rule, RuleContext } from '../types.js';
import { arrow, backoffShortfall, rateLimit, RecentRates, remember, secs, type Seen } from './util.js';

/**
 * One switch series (sender, MN). It is also the Origin of the series' first
 * Home Agent Switch (frame, fileIndex, time), which a finding about the series
 * points at: one object less to read for each BU that checks it.
 */
interface SwitchFlow extends Seen {
  sender: number;
  home: number;
  lastSent: number;
  /** Retransmissions in the current series. */
  retransmissions: number;
  acked: boolean;
  ackedAt: number;
  /** The MN answered Binding Error status 2: it does not support the message (RFC 5142 5.3). */
  unsupported: boolean;
  refreshAdvice: number;
  rekey: boolean;
  listed: number[];
  /** The MN's HA when the switch started (0: unknown), and whether that was the sender. */
  haAtSwitch: number;
  senderWasCurrent: boolean;
  /** The MN has registered somewhere since (HAS-MN-SELECTION judges the first one). */
  selectionJudged: boolean;
  timerArmed: boolean;
  last: number;
}

/** "sender -> home address" of a switch, for a finding (made only then). */
function switchFlowText(context: RuleContext, fl: SwitchFlow): string {
  return arrow(context, fl.sender, fl.home);
}

interface SwitchEvent {
  frame: number;
  fileIndex: number;
  flow: SwitchFlow | null;
  /** HAS: a new series began (a new switch for this MN). */
  started: boolean;
  /** HAS: retransmission number in the series and the wait before it. */
  retransmission: number;
  interval: number;
  /** HAS: sent again after the acknowledging BU. */
  afterAck: boolean;
  /** BU/BE: the flow this packet acknowledged (null: none). */
  acknowledged: SwitchFlow | null;
}

class SwitchTracker {
  readonly flows;
  /** The latest switch per mobile node (for HAS-MN-SELECTION). */
  readonly latest;
  readonly ev: SwitchEvent = { frame: -1, fileIndex: -1, flow: null, started: false, retransmission: 0, interval: 0, afterAck: false, acknowledged: null };
  lastDiscovery = -Infinity;
  onSeries: ((fl: SwitchFlow) => void) | null = null;
  /** Set once a HAS rule feeds the tracker every message (observing): the others only read it. */
  fed = false;
  /**
   * By home address id: whether a switch flow was ever made for that MN. A BU or
   * BA of any other (most of them, on a home link where switches are rare) needs
   * no lookup in the switch tables. An id recycled for another address after its
   * flows expired keeps its mark: a lookup more, never one missed.
   */
  private switched = new Uint8Array(1024);

  constructor(private readonly context: RuleContext) {
    this.flows = context.flows<SwitchFlow>();
    this.latest = context.flows<SwitchFlow>();
  }

  observe(f: Facts): SwitchEvent {
    const ev = this.ev;
    if (ev.frame === f.frame && ev.fileIndex === f.fileIndex) return ev;
    ev.frame = f.frame;
    ev.fileIndex = f.fileIndex;
    ev.flow = ev.acknowledged = null;
    ev.started = ev.afterAck = false;
    ev.retransmission = 0;
    ev.interval = 0;
    if (f.kind === 'homeAgentSwitch' && f.home !== 0) this.switch(f, ev);
    else if (f.kind === 'bindingUpdate' && f.home !== 0) this.bu(f, ev);
    else if (f.kind === 'bindingError' && f.status === 2 && f.home !== 0) {
      const fl = this.flows.get2(f.dst, f.home);
      if (fl && !fl.acked) { fl.unsupported = true; ev.acknowledged = fl; }
    } else if (f.kind === 'icmpv6' && f.subtype === 144) this.lastDiscovery = f.time;
    return ev;
  }

  /** Whether a switch flow may exist for this home address id (see `switched`). */
  mayHaveSwitched(home: number): boolean {
    return home < this.switched.length && this.switched[home] !== 0;
  }

  private markSwitched(home: number): void {
    if (home >= this.switched.length) {
      let n = this.switched.length * 2;
      while (n <= home) n *= 2;
      const grown = new Uint8Array(n);
      grown.set(this.switched);
      this.switched = grown;
    }
    this.switched[home] = 1;
  }

  private switch(f: Facts, ev: SwitchEvent): void {
    const c = this.context.constants;
    const k = key2(f.src, f.home);
    let fl = this.flows.get(k);
    const fresh = !fl || (fl.acked && f.time - fl.ackedAt > 2 * c.MAX_HA_SWITCH_TIMEOUT) || f.time - fl.lastSent > 4 * c.MAX_HA_SWITCH_TIMEOUT;
    if (fl && fl.acked && !fresh) {
      ev.afterAck = true;
    }
    if (!fl) {
      fl = {
        sender: f.src, home: f.home, frame: f.frame, fileIndex: f.fileIndex, time: f.time, lastSent: f.time, retransmissions: 0, acked: false, ackedAt: 0, unsupported: false,
        refreshAdvice: f.refreshAdvice, rekey: f.rekey, listed: f.listed.slice(), haAtSwitch: 0, senderWasCurrent: false,
        selectionJudged: false, timerArmed: false, last: f.time,
      };
      this.flows.set(k, fl);
      this.markSwitched(f.home);
    }
    ev.flow = fl;
    if (fresh) {
      ev.started = true;
      remember(fl, f);
      fl.retransmissions = 0;
      fl.acked = fl.unsupported = fl.selectionJudged = false;
      fl.refreshAdvice = f.refreshAdvice;
      fl.rekey = f.rekey;
      fl.listed.length = 0;
      for (const a of f.listed) fl.listed.push(a);
      fl.haAtSwitch = this.context.bindings.currentHa(f.home, f.time);
      fl.senderWasCurrent = fl.haAtSwitch === f.src;
      this.latest.set(f.home, fl);
      this.onSeries?.(fl);
    } else if (!fl.acked) {
      fl.retransmissions++;
      ev.retransmission = fl.retransmissions;
      ev.interval = f.time - fl.lastSent;
    }
    fl.lastSent = f.time;
    fl.last = f.time;
  }

  /**
   * RFC 5142 6.1: the MN acknowledges with a BU deleting its binding at the sender when the sender is its
   * current HA, or a BU creating a home binding at the sender when it is not.
   */
  private bu(f: Facts, ev: SwitchEvent): void {
    if (!this.mayHaveSwitched(f.home)) return;
    const at = this.flows.get2(f.dst, f.home);
    if (at && !at.acked && at.time <= f.time) {
      const ok = at.senderWasCurrent ? f.lifetime === 0 : f.lifetime > 0;
      if (ok || at.rekey) { at.acked = true; at.ackedAt = f.time; ev.acknowledged = at; return; }
    }
    // A MN that registers elsewhere has evidently left the sender too.
    const l = this.latest.get(f.home);
    if (l && !l.acked && l.senderWasCurrent && f.lifetime > 0 && f.dst !== l.sender) {
      l.acked = true;
      l.ackedAt = f.time;
      ev.acknowledged = l;
    }
  }
}

function tracker(context: RuleContext): SwitchTracker {
  return context.shared('switch-flows', () => new SwitchTracker(context));
}

type SwitchHandlers = Partial<Record<'homeAgentSwitch' | 'bindingUpdate' | 'bindingError' | 'bindingAck', (f: Facts) => void>>;

/**
 * A HAS rule's handlers. The first HAS rule installed (whichever rules run) feeds
 * the shared tracker every message it follows, before its own handler; the
 * engine calls handlers in the order rules were installed, so the rules after it
 * read the tracker's event for the same packet and only add handlers of their own
 * (a wrapper in each had every BU and BA observed eight times).
 */
function observing(t: SwitchTracker, on: SwitchHandlers): { message: SwitchHandlers; icmpv6?: (f: Facts) => void } {
  if (t.fed) return { message: on };
  t.fed = true;
  return {
    message: {
      homeAgentSwitch: (f: Facts) => { t.observe(f); on.homeAgentSwitch?.(f); },
      bindingUpdate: (f: Facts) => { t.observe(f); on.bindingUpdate?.(f); },
      bindingError: (f: Facts) => { t.observe(f); on.bindingError?.(f); },
      bindingAck: (f: Facts) => { t.observe(f); on.bindingAck?.(f); },
    },
    icmpv6: (f: Facts) => void t.observe(f),
  };
}

/** RFC 5142 5.1: "# of Addresses" MUST match the addresses included. */
export const hasAddressCount: Rule = {
  meta: {
    id: 'HAS-ADDRESS-COUNT', severity: 'error', spec: 'RFC 5142 4, 5.1',
    summary: '# of Addresses disagrees with the message length',
    description: 'The "# of Addresses" field MUST match the number of home agent addresses in the message (RFC 5142 5.1); '
      + 'a receiver that trusts a wrong count misreads the options after the list.',
    example: 'A Home Agent Switch saying 2 addresses with room for one.',
  },
  create(context) {
    return {
      message: {
        homeAgentSwitch(f) {
          if (f.numAddrs >= 0 && f.numAddrs !== f.listed.length) {
            context.report(f, `# of Addresses is ${f.numAddrs}, the message holds ${f.listed.length}`, { flow: arrow(context, f.src, f.home || f.dst) });
          }
        },
      },
    };
  },
};

/** RFC 5142 5.2: exponential backoff from INITIAL_HA_SWITCH_TIMEOUT to MAX_HA_SWITCH_TIMEOUT. */
export const hasBackoff: Rule = {
  meta: {
    id: 'HAS-BACKOFF', severity: 'error', spec: 'RFC 5142 5.2, 8',
    summary: 'HA Switch retransmitted before INITIAL_HA_SWITCH_TIMEOUT (or min(half the refresh advice, that) with advice), intervals not doubling, or faster than MAX_HA_SWITCH_TIMEOUT once reached',
    description: 'Retransmissions MUST use exponential backoff: the first after INITIAL_HA_SWITCH_TIMEOUT (5 s), each wait doubled until '
      + 'MAX_HA_SWITCH_TIMEOUT (20 s), then at most that often (RFC 5142 5.2). With a Binding Refresh Advice the sender SHOULD wait at least '
      + 'min(half the advised period, INITIAL_HA_SWITCH_TIMEOUT).',
    example: 'A Home Agent Switch retransmitted every second.',
  },
  create(context) {
    const t = tracker(context);
    const c = context.constants;
    return observing(t, {
      homeAgentSwitch(f) {
        const ev = t.ev;
        if (!ev.flow || ev.retransmission === 0) return;
        const fl = ev.flow;
        const initial = fl.refreshAdvice > 0 ? Math.min(fl.refreshAdvice / 2, c.INITIAL_HA_SWITCH_TIMEOUT) : c.INITIAL_HA_SWITCH_TIMEOUT;
        const want = backoffShortfall(context, ev.interval, ev.retransmission, initial, c.MAX_HA_SWITCH_TIMEOUT);
        if (want > 0) context.report(f, `Home Agent Switch retransmission ${ev.retransmission} after ${secs(ev.interval)}, expected at least ${secs(want)}`, { flow: switchFlowText(context, fl) });
      },
    });
  },
};

/** RFC 5142 5.2: retransmit only until a response is received. */
export const hasRetransmitAfterAck: Rule = {
  meta: {
    id: 'HAS-RETRANSMIT-AFTER-ACK', severity: 'warning', spec: 'RFC 5142 5.2',
    summary: 'HA Switch sent again after the MN\'s acknowledging BU',
    description: 'The home agent retransmits until the mobile node answers with the acknowledging Binding Update (RFC 5142 5.2, 6.1); '
      + 'sending the switch again afterwards makes the MN act on it twice.',
    example: 'A Home Agent Switch 3 s after the MN\'s de-registration from the sender.',
  },
  create(context) {
    const t = tracker(context);
    const slack = context.constants.LINK_TRAVERSAL_TIME;
    return observing(t, {
      homeAgentSwitch(f) {
        const ev = t.ev;
        if (ev.afterAck && ev.flow && f.time - ev.flow.ackedAt > slack) {
          context.report(f, `Home Agent Switch sent ${secs(f.time - ev.flow.ackedAt)} after the mobile node acknowledged it`, { flow: switchFlowText(context, ev.flow) });
        }
      },
    });
  },
};

/** RFC 5142 7, 8: MAX_HA_SWITCH_TRANSMIT_RATE new switches per second per sender. */
export const hasRate: Rule = {
  meta: {
    id: 'HAS-RATE', severity: 'warning', spec: 'RFC 5142 7, 8',
    summary: 'one sender telling MNs to switch faster than MAX_HA_SWITCH_TRANSMIT_RATE (more than rate x W new MNs in any window W: 1 s, or 1/rate below one a second)',
    description: 'Without a feedback loop, a home agent informs mobile nodes of a switch at no more than MAX_HA_SWITCH_TRANSMIT_RATE (1 per second), '
      + 'so the new home agent is not flooded with registrations (RFC 5142 7, 8). Retransmissions are not counted. Reported once per burst.',
    example: 'Ten MNs switched by one HA within one second.',
  },
  create(context) {
    const t = tracker(context);
    const rate = context.constants.MAX_HA_SWITCH_TRANSMIT_RATE;
    const { limit, window: W, within } = rateLimit(rate);
    // Per sender (few: the home agents), a flow quiet for W is forgotten.
    const senders = new RecentRates(limit, W, 16, 1024);
    return observing(t, {
      homeAgentSwitch(f) {
        if (!t.ev.started) return;
        if (f.src !== 0 && senders.add(f.src, 0, 0, f, W - context.tolerance(W), W)) {
          context.report(f, `${context.name(f.src)} switched more than ${limit} mobile nodes within ${within} (MAX_HA_SWITCH_TRANSMIT_RATE ${rate}/s)`, { flow: context.name(f.src) });
        }
      },
    });
  },
};

/** RFC 5142 5.2, 6.1: the switch is acknowledged by a BU; RFC 5142 5.3: Binding Error 2 when unsupported. */
export const hasUnanswered: Rule = {
  meta: {
    id: 'HAS-UNANSWERED', severity: 'warning', spec: 'RFC 5142 5.2, 5.3, 6.1',
    summary: 'no acknowledging BU (de-registration to the current HA, or home registration to the sender); info when the MN answers Binding Error 2',
    description: 'The mobile node MUST acknowledge a Home Agent Switch with a Binding Update: deleting its binding when the sender is its current HA, '
      + 'creating one at the sender otherwise (RFC 5142 6.1). A mobile node that does not support the message answers Binding Error status 2 (5.3), '
      + 'reported as info. Switches with the I flag (re-key only, hareliability-01 8.3) are not acknowledged by a BU and are not judged here.',
    example: 'A Home Agent Switch retransmitted for a minute with no BU from the mobile node.',
  },
  create(context) {
    const t = tracker(context);
    const c = context.constants;
    t.onSeries = (fl) => {
      if (fl.rekey || fl.timerArmed) return;
      fl.timerArmed = true;
      const wait = (n: number): number => {
        const w = Math.min(c.INITIAL_HA_SWITCH_TIMEOUT * 2 ** n, c.MAX_HA_SWITCH_TIMEOUT);
        return 2 * w + context.tolerance(w);
      };
      const check = (now: number, atEnd: boolean): void => {
        if (fl.acked || fl.rekey) { fl.timerArmed = false; return; }
        const due = fl.lastSent + wait(fl.retransmissions);
        if (!atEnd && now < due && !fl.unsupported) { context.setTimer(due, check); return; }
        fl.timerArmed = false;
        if (atEnd && !fl.unsupported && context.early(now - fl.time, c.INITIAL_HA_SWITCH_TIMEOUT)) return;
        fl.acked = true;
        fl.ackedAt = now;
        if (fl.unsupported) context.report(fl, 'the mobile node answered the Home Agent Switch with Binding Error status 2 (not supported)', { flow: switchFlowText(context, fl), severity: 'info' });
        else context.report(fl, `Home Agent Switch${fl.retransmissions ? ` (and ${fl.retransmissions} retransmissions)` : ''} never acknowledged by a Binding Update`, { flow: switchFlowText(context, fl) });
      };
      // Due the first wait after the switch that starts the series (lastSent still holds the one before).
      context.setTimer(fl.time + wait(0), check);
    };
    return observing(t, {});
  },
};

/** RFC 5142 5.3: BUs extending the binding after a switch SHOULD be refused with status 129. */
export const hasLifetimeExtended: Rule = {
  meta: {
    id: 'HAS-LIFETIME-EXTENDED', severity: 'warning', spec: 'RFC 5142 5.3',
    summary: 'after a switch, the HA accepted a BU that extends the binding instead of answering 129',
    description: 'Once a home agent has told a mobile node to switch away, attempts to extend the binding lifetime SHOULD be rejected with '
      + 'BA status 129, administratively prohibited (RFC 5142 5.3).',
    example: 'HA1 sends a Home Agent Switch listing HA2, then accepts the MN\'s refresh with lifetime 600 s.',
  },
  create(context) {
    const t = tracker(context);
    return observing(t, {
      bindingAck(f) {
        if (f.home === 0 || f.status < 0 || f.status >= 128 || f.lifetime <= 0 || !t.mayHaveSwitched(f.home)) return;
        const fl = t.flows.get2(f.src, f.home);
        if (!fl || fl.rekey || !fl.senderWasCurrent || fl.time > f.time) return;
        if (fl.listed.every((a) => a === f.src)) return; // the sender asked the MN to stay with it
        context.report(f, `binding lifetime extended to ${f.lifetime} s after the Home Agent Switch at ${secs(f.time - fl.time)} earlier; expected status 129`, { flow: switchFlowText(context, fl) });
      },
    });
  },
};

/** RFC 5142 5.1: a sender that is not the current HA SHOULD list only its own address. */
export const hasSenderNotHa: Rule = {
  meta: {
    id: 'HAS-SENDER-NOT-HA', severity: 'warning', spec: 'RFC 5142 5.1',
    summary: 'a sender that is not the MN\'s HA listing addresses other than its own',
    description: 'A home agent that is not the mobile node\'s current home agent may send the switch (hareliability), but SHOULD list only its own '
      + 'address, meaning "switch to me" (RFC 5142 5.1). Judged only when the capture showed the mobile node\'s current registration.',
    example: 'HA3 tells an MN registered at HA1 to switch to HA2.',
  },
  create(context) {
    const t = tracker(context);
    return observing(t, {
      homeAgentSwitch(f) {
        if (!t.ev.started || f.home === 0) return;
        const current = context.bindings.currentHa(f.home, f.time);
        if (current === 0 || current === f.src) return;
        const other = f.listed.find((a) => a !== f.src);
        if (other !== undefined) {
          context.report(f, `${context.name(f.src)} is not the home agent of ${context.name(f.home)} (${context.name(current)} is) but lists ${context.name(other)}`, { flow: arrow(context, f.src, f.home) });
        }
      },
    });
  },
};

/** RFC 5142 6.1, 6.2; hareliability-01 8.3: what the MN does after the switch. */
export const hasMnSelection: Rule = {
  meta: {
    id: 'HAS-MN-SELECTION', severity: 'error', spec: 'RFC 5142 6.1, 6.2; hareliability-01 8.3',
    summary: 'MN registering with an HA not offered, skipping discovery after an empty list, or changing HA after a switch with the I flag',
    description: 'After a Home Agent Switch the mobile node SHOULD pick its new home agent from the list (RFC 5142 6.2, reported as a warning); '
      + 'with an empty list it MUST first perform home agent discovery (ICMPv6 type 144, RFC 5142 6.1); with the I flag it re-keys with the '
      + 'listed HA and MUST NOT change its active home agent (hareliability-01 8.3).',
    example: 'An MN told to switch to HA2 that registers with HA3.',
  },
  create(context) {
    const t = tracker(context);
    return observing(t, {
      bindingUpdate(f) {
        if (f.home === 0 || f.lifetime <= 0 || !f.homeFlag || !t.mayHaveSwitched(f.home)) return;
        const fl = t.latest.get(f.home);
        if (!fl || fl.selectionJudged || fl.time > f.time) return;
        if (fl.rekey) {
          // Refreshes with the same HA are expected; only a change of HA is judged.
          if (fl.haAtSwitch !== 0 && f.dst !== fl.haAtSwitch) {
            fl.selectionJudged = true;
            context.report(f, `registered with ${context.name(f.dst)} after a Home Agent Switch with the I flag; the active HA (${context.name(fl.haAtSwitch)}) must not change`, { flow: switchFlowText(context, fl) });
          }
          return;
        }
        if (f.dst === fl.sender && fl.senderWasCurrent) return; // a refresh with the old HA during the advised period
        fl.selectionJudged = true;
        if (fl.listed.length === 0) {
          if (t.lastDiscovery < fl.time) context.report(f, 'registered after a Home Agent Switch with no addresses without home agent discovery first', { flow: switchFlowText(context, fl) });
        } else if (fl.listed.indexOf(f.dst) < 0) {
          context.report(f, `registered with ${context.name(f.dst)}, which the Home Agent Switch did not offer`, { flow: switchFlowText(context, fl), severity: 'warning' });
        }
      },
    });
  },
};

export const HAS_RULES: readonly Rule[] = [hasAddressCount, hasBackoff, hasRetransmitAfterAck, hasRate, hasUnanswered, hasLifetimeExtended, hasSenderNotHa, hasMnSelection];
