/**
 * BU-*, BA-STATUS, RR-COOKIE: the registration flow between a mobile node and
 * its home agent (RFC 6275 9.5, 10.3, 11.7, 11.8), keyed by (home address, HA).
 */
import { key3, seqGreater } from '../address.js';
import type { Facts } from '../facts.js';
import type { Rule, RuleContext } from '../types.js';
import { arrow, backoffShortfall, remember, secs, type Seen } from './util.js';

/**
 * One binding's registration state as the capture shows it. It is also the
 * Origin of its current series' first BU (frame, fileIndex, time), which a
 * finding about the series points at: kept in the flow itself rather than in an
 * object of its own, one read less for each BU that starts a series.
 */
interface BindingFlow extends Seen {
  lastSeq: number;
  /** Retransmission series of a BU with A set that has no BA yet. */
  outstanding: boolean;
  seriesFirstSeq: number;
  seriesLastTime: number;
  /** Retransmissions so far in the series (0: only the first BU). */
  retransmissions: number;
  /** Whether an accepted BA was seen for this binding (so the next BU is not a first registration). */
  acceptedOnce: boolean;
  /** Last accepted sequence from a BA with status 135, -1 when none (RFC 6275 11.7.3). */
  outOfWindow: number;
  homeRegistration: boolean;
  /** A BU with the H flag was seen for this binding (MH-UNPROTECTED: its BAs must be protected too). */
  homeSeen: boolean;
  timerArmed: boolean;
  /** BU-UNANSWERED's timer callback for this binding, made once per binding, and the handle of its pending timer. */
  check: ((now: number, atEnd: boolean) => void) | null;
  timer: number;
  last: number;
  /** The binding's home address and HA (address ids): its flow text is made only for a finding. */
  home: number;
  ha: number;
}

/** "home -> HA" of a binding, for a finding. */
function flowText(context: RuleContext, fl: BindingFlow): string {
  return arrow(context, fl.home, fl.ha);
}

/** What the current packet did to its binding (computed once per packet, read by each BU rule). */
interface BindingEvent {
  frame: number;
  fileIndex: number;
  flow: BindingFlow | null;
  /** BU: previous sequence number of this binding (-1: first seen). */
  previousSeq: number;
  /** BU: this BU retransmits an unanswered one; its number in the series and the wait before it. */
  retransmission: number;
  interval: number;
  firstRegistration: boolean;
  /** BU: the sequence number the MN should have exceeded after status 135, -1 when none. */
  ignored135: number;
  /** BA: matched an outstanding BU of its binding (null: binding never seen). */
  baMatched: boolean | null;
}

export class BindingTracker {
  readonly flows;
  readonly ev: BindingEvent = { frame: -1, fileIndex: -1, flow: null, previousSeq: -1, retransmission: 0, interval: 0, firstRegistration: false, ignored135: -1, baMatched: null };
  /** Set by BU-UNANSWERED: called when a series starts, and when an outstanding one is over (answered, or given up by a BU without A). */
  onSeries: ((fl: BindingFlow) => void) | null = null;
  onSettled: ((fl: BindingFlow) => void) | null = null;

  constructor(private readonly context: RuleContext) {
    this.flows = context.flows<BindingFlow>();
  }

  observe(f: Facts): BindingEvent {
    const ev = this.ev;
    if (ev.frame === f.frame && ev.fileIndex === f.fileIndex) return ev;
    ev.frame = f.frame;
    ev.fileIndex = f.fileIndex;
    ev.flow = null;
    ev.previousSeq = -1;
    ev.retransmission = 0;
    ev.interval = 0;
    ev.firstRegistration = false;
    ev.ignored135 = -1;
    ev.baMatched = null;
    if (f.kind === 'bindingUpdate' && f.seq >= 0) this.bu(f, ev);
    else if (f.kind === 'bindingAck' && f.seq >= 0) this.ba(f, ev);
    return ev;
  }

  private bu(f: Facts, ev: BindingEvent): void {
    const home = f.home !== 0 ? f.home : f.src;
    let fl = this.flows.get2(home, f.dst);
    const c = this.context.constants;
    if (!fl) {
      fl = {
        frame: f.frame, fileIndex: f.fileIndex, time: f.time, lastSeq: -1, outstanding: false, seriesFirstSeq: f.seq, seriesLastTime: f.time, retransmissions: 0,
        acceptedOnce: false, outOfWindow: -1, homeRegistration: f.homeFlag, homeSeen: false, timerArmed: false, check: null, timer: 0, last: f.time, home, ha: f.dst,
      };
      this.flows.set2(home, f.dst, fl);
    }
    ev.flow = fl;
    if (f.homeFlag) fl.homeSeen = true;
    ev.previousSeq = fl.lastSeq;
    if (fl.outOfWindow >= 0) {
      if (!seqGreater(f.seq, fl.outOfWindow)) ev.ignored135 = fl.outOfWindow;
      fl.outOfWindow = -1;
    }
    const interval = f.time - fl.seriesLastTime;
    // A series ends when answered, or when the MN has evidently given up (twice the longest wait).
    if (fl.outstanding && f.ack && interval <= 2 * c.MAX_BINDACK_TIMEOUT + this.context.tolerance(c.MAX_BINDACK_TIMEOUT)) {
      fl.retransmissions++;
      ev.retransmission = fl.retransmissions;
      ev.interval = interval;
      ev.firstRegistration = fl.homeRegistration && !fl.acceptedOnce;
    } else if (f.ack) {
      fl.outstanding = true;
      remember(fl, f);
      fl.seriesFirstSeq = f.seq;
      fl.retransmissions = 0;
      fl.homeRegistration = f.homeFlag;
      this.onSeries?.(fl);
    } else if (fl.outstanding) {
      fl.outstanding = false;
      this.onSettled?.(fl);
    }
    fl.seriesLastTime = f.time;
    fl.lastSeq = f.seq;
    fl.last = f.time;
  }

  private ba(f: Facts, ev: BindingEvent): void {
    const home = f.home !== 0 ? f.home : f.dst;
    const fl = this.flows.get2(home, f.src);
    if (!fl) return;
    ev.flow = fl;
    fl.last = f.time;
    // RFC 6275 11.7.3: status 135 carries the last accepted sequence number instead of the BU's.
    if (f.status === 135) {
      fl.outOfWindow = f.seq;
      if (fl.outstanding) { fl.outstanding = false; this.onSettled?.(fl); }
      ev.baMatched = true;
      return;
    }
    const inSeries = fl.lastSeq >= 0 && (f.seq === fl.lastSeq || f.seq === fl.seriesFirstSeq
      || (seqGreater(f.seq, fl.seriesFirstSeq) && seqGreater(fl.lastSeq, f.seq)));
    ev.baMatched = fl.outstanding ? inSeries : f.seq === fl.lastSeq;
    if (inSeries && fl.outstanding) { fl.outstanding = false; this.onSettled?.(fl); }
    if (f.status >= 0 && f.status < 128) fl.acceptedOnce = true;
  }
}

/** The registration flows, shared by the rules that follow them (MH-UNPROTECTED too); each calls observe() for the messages it handles. */
export function tracker(context: RuleContext): BindingTracker {
  return context.shared('binding-flows', () => new BindingTracker(context));
}

/** RFC 6275 9.5.1, 11.7.1, 11.8: sequence numbers increase modulo 2^16, retransmissions included. */
export const buSequence: Rule = {
  meta: {
    id: 'BU-SEQUENCE', severity: 'error', spec: 'RFC 6275 9.5.1, 11.7.1, 11.7.3, 11.8',
    summary: 'BU sequence not greater (mod 2^16) than the last for that binding, retransmissions included; BA not matching an outstanding BU; MN ignoring status 135',
    description: 'Each Binding Update for a binding carries a Sequence Number greater than the previous one, modulo 2^16 (RFC 6275 9.5.1); '
      + 'a retransmission is a new BU and MUST use a greater number too (RFC 6275 11.8). A BA carries the sequence number of the BU it answers '
      + '(RFC 6275 11.7.3); after status 135 (out of window) the MN must continue above the number the BA returns.',
    example: 'A BU with seq 200 retransmitted after 1.5 s with seq 200 again.',
  },
  create(context) {
    const t = tracker(context);
    return {
      message: {
        bindingUpdate(f) {
          const ev = t.observe(f);
          if (!ev.flow) return;
          if (ev.ignored135 >= 0) {
            context.report(f, `BU seq ${f.seq} after a BA with status 135 that returned ${ev.ignored135}: the mobile node must use a greater number`, { flow: flowText(context, ev.flow) });
          } else if (ev.previousSeq >= 0 && !seqGreater(f.seq, ev.previousSeq)) {
            context.report(f, `BU seq ${f.seq} is not greater than the previous ${ev.previousSeq} for this binding${ev.retransmission ? ' (a retransmission must use a new number)' : ''}`, { flow: flowText(context, ev.flow) });
          }
        },
        bindingAck(f) {
          const ev = t.observe(f);
          if (ev.flow && ev.baMatched === false) {
            context.report(f, `BA seq ${f.seq} matches no outstanding Binding Update (last sent ${ev.flow.lastSeq})`, { flow: flowText(context, ev.flow) });
          }
        },
      },
    };
  },
};

/** RFC 6275 11.8: retransmissions start at InitialBindackTimeoutFirstReg / INITIAL_BINDACK_TIMEOUT and double up to MAX_BINDACK_TIMEOUT. */
export const buBackoff: Rule = {
  meta: {
    id: 'BU-BACKOFF', severity: 'error', spec: 'RFC 6275 11.8',
    summary: 'BU retransmissions not starting at InitialBindackTimeoutFirstReg / INITIAL_BINDACK_TIMEOUT and doubling to MAX_BINDACK_TIMEOUT',
    description: 'When a BU that asks for an acknowledgement gets none, the mobile node retransmits after InitialBindackTimeoutFirstReg (1.5 s) for a first '
      + 'home registration or INITIAL_BINDACK_TIMEOUT (1 s) otherwise, doubling the wait each time up to MAX_BINDACK_TIMEOUT (32 s) (RFC 6275 11.8). '
      + 'A retransmission sooner than the expected wait, less the tolerance, is reported.',
    example: 'A first home registration retransmitted after 0.5 s, then again after 0.5 s.',
  },
  create(context) {
    const t = tracker(context);
    const c = context.constants;
    return {
      message: {
        bindingUpdate(f) {
          const ev = t.observe(f);
          if (!ev.flow || ev.retransmission === 0) return;
          const initial = ev.firstRegistration ? c.InitialBindackTimeoutFirstReg : c.INITIAL_BINDACK_TIMEOUT;
          const want = backoffShortfall(context, ev.interval, ev.retransmission, initial, c.MAX_BINDACK_TIMEOUT);
          if (want > 0) {
            context.report(f, `BU retransmission ${ev.retransmission} after ${secs(ev.interval)}, expected at least ${secs(want)}`, { flow: flowText(context, ev.flow) });
          }
        },
        bindingAck: (f) => void t.observe(f),
      },
    };
  },
};

/** RFC 6275 11.7.1, 11.8: a BU with A set is answered by a BA. */
export const buUnanswered: Rule = {
  meta: {
    id: 'BU-UNANSWERED', severity: 'warning', spec: 'RFC 6275 10.3.1, 11.8',
    summary: 'BU asking for an acknowledgement never answered',
    description: 'A Binding Update with the A flag set is answered by a Binding Acknowledgement (RFC 6275 10.3.1). The analyzer follows the '
      + 'retransmissions and reports the first BU of a series that got no BA by the time the retransmission timer ran out, '
      + 'or by the end of the capture when the capture lasted at least the first timeout past it.',
    example: 'A home registration sent four times with increasing waits and no BA ever.',
  },
  create(context) {
    const t = tracker(context);
    const c = context.constants;
    const initial = (fl: BindingFlow): number => (fl.homeRegistration && !fl.acceptedOnce ? c.InitialBindackTimeoutFirstReg : c.INITIAL_BINDACK_TIMEOUT);
    // Twice the expected wait: room for a late BA or a late retransmission before calling it unanswered.
    const wait = (fl: BindingFlow, n: number): number => {
      const w = Math.min(initial(fl) * 2 ** n, c.MAX_BINDACK_TIMEOUT);
      return 2 * w + context.tolerance(w);
    };
    const checker = (fl: BindingFlow) => {
      const check = (now: number, atEnd: boolean): void => {
        if (!fl.outstanding) { fl.timerArmed = false; return; }
        const due = fl.seriesLastTime + wait(fl, fl.retransmissions);
        if (!atEnd && now < due) { fl.timer = context.setTimer(due, check); return; }
        fl.timerArmed = false;
        fl.outstanding = false;
        // The capture ended before the answer was due: no verdict.
        if (atEnd && context.early(now - fl.time, initial(fl))) return;
        context.report(fl, `Binding Update (seq ${fl.seriesFirstSeq}${fl.retransmissions ? `, ${fl.retransmissions} retransmissions` : ''}) was never acknowledged`, { flow: flowText(context, fl) });
      };
      return check;
    };
    t.onSeries = (fl) => {
      if (fl.timerArmed) return;
      fl.timerArmed = true;
      // One callback per binding, made on its first series: nothing allocated per BU.
      fl.check ??= checker(fl);
      // Due the first wait after the series' first BU (fl is its Origin; seriesLastTime still holds the BU before).
      fl.timer = context.setTimer(fl.time + wait(fl, 0), fl.check);
    };
    // An answered series needs no verdict: its timer goes now, while the flow is at hand, rather than
    // calling back into it seconds later only to find it answered.
    t.onSettled = (fl) => {
      if (!fl.timerArmed) return;
      fl.timerArmed = false;
      context.cancelTimer(fl.timer);
    };
    return { message: { bindingUpdate: (f) => void t.observe(f), bindingAck: (f) => void t.observe(f) } };
  },
};

/** RFC 6275 11.6.1, 11.8: a retransmitted HoTI/CoTI uses a new cookie. */
export const rrCookie: Rule = {
  meta: {
    id: 'RR-COOKIE', severity: 'error', spec: 'RFC 6275 11.6.1, 11.8',
    summary: 'retransmitted HoTI/CoTI reusing a cookie',
    description: 'Each Home Test Init and Care-of Test Init carries a fresh random cookie; a retransmission MUST use a new one (RFC 6275 11.8), '
      + 'so a stale Home Test or Care-of Test cannot be matched to it.',
    example: 'Two HoTI from the same home address to the same correspondent with the same Home Init Cookie.',
  },
  create(context) {
    interface Flow { cookie: number; last: number }
    const flows = context.flows<Flow>();
    const check = (f: Facts, what: string): void => {
      if (f.cookie === 0) return;
      const k = key3(f.src, f.dst, f.mhType);
      const fl = flows.get(k);
      if (!fl) { flows.set(k, { cookie: f.cookie, last: f.time }); return; }
      if (fl.cookie === f.cookie) context.report(f, `${what} reuses the cookie of the previous one`, { flow: arrow(context, f.src, f.dst) });
      fl.cookie = f.cookie;
      fl.last = f.time;
    };
    return {
      message: {
        homeTestInit: (f) => check(f, 'Home Test Init'),
        careOfTestInit: (f) => check(f, 'Care-of Test Init'),
      },
    };
  },
};

/** RFC 6275 6.1.8: status values of 128 and above reject the registration. */
export const baStatus: Rule = {
  meta: {
    id: 'BA-STATUS', severity: 'info', spec: 'RFC 6275 6.1.8',
    summary: 'rejected registrations, with status names',
    description: 'A Binding Acknowledgement with status 128 or above rejects the Binding Update (RFC 6275 6.1.8). Not a protocol error in itself, '
      + 'but what the MN was told matters when a switch or failover goes wrong.',
    example: 'BA status 129 (Administratively prohibited) after a Home Agent Switch.',
  },
  create(context) {
    const vals = context.fields.baStatus?.vals;
    return {
      message: {
        bindingAck(f) {
          if (f.status >= 128) {
            context.report(f, `registration rejected: status ${f.status} (${vals?.[f.status] ?? 'unknown'}) for seq ${f.seq}`, { flow: arrow(context, f.src, f.home !== 0 ? f.home : f.dst) });
          }
        },
      },
    };
  },
};

export const BINDING_RULES: readonly Rule[] = [buSequence, buBackoff, buUnanswered, rrCookie, baStatus];
