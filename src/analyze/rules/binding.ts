/**
 * BU-*, BA-STATUS, RR-COOKIE: the registration flow between a mobile node and
 * its home agent (RFC 6275 9.5, 10.3, 11.7, 11.8), keyed by (home address, HA).
 */
import { key2, key3, seqGreater } from '../address.js';
import type { FlowMap } from '../flowmap.js';
import type { Facts } from '../facts.js';
import type { Origin, Rule, RuleContext, TimerFn } from '../types.js';
import { arrow, backoffShortfall, secs } from './util.js';
import { BA_STATUS } from '../../dissect/mh/ba-status.js';

/**
 * One binding's registration state as the capture shows it, kept in its slot
 * of the tracker's table (FlowMap columns, offsets from the slot's start): a
 * BU or BA reads and updates one or two cache lines, where a flow object cost
 * two more dependent reads (the table's value, then the object), which on a
 * table of tens of thousands of bindings are cache misses. Pairs of 32-bit
 * numbers share a column (FlowMap.words).
 */
/** Words: last sequence number (-1 before the first BU), the current series' first. */
const SEQS = 2;
/** Words: flags (below), retransmissions so far in the series (0: only the first BU). */
const STATE = 3;
/** Time of the series' latest BU. */
const SERIES_LAST = 4;
/** Words: last accepted sequence from a BA with status 135, -1 when none (RFC 6275 11.7.3); the series' first BU's file index. */
const WINDOW = 5;
/** The series' first BU (a finding about the series points at it): its frame number and time. */
const FRAME = 6;
const TIME = 7;
/** Words: the binding's home address and HA (address ids); its flow text is made only for a finding. */
const ENDS = 8;
/** BU-UNANSWERED's pending timer. */
const TIMER = 9;
const COLUMNS = 8;

/** A series of BUs with A set has no BA yet. */
const OUTSTANDING = 1;
/** An accepted BA was seen for this binding (so the next BU is not a first registration). */
const ACCEPTED_ONCE = 2;
/** The series is a home registration (H set). */
const HOME_REGISTRATION = 4;
/** A BU with the H flag was seen for this binding (MH-UNPROTECTED: its BAs must be protected too). */
const HOME_SEEN = 8;
/** BU-UNANSWERED has a timer pending for this binding. */
const TIMER_ARMED = 16;

/** What the current packet did to its binding (computed once per packet, read by each BU rule). */
interface BindingEvent {
  frame: number;
  fileIndex: number;
  /** The packet belongs to a binding the capture showed a BU for. */
  found: boolean;
  /** That binding's home address and HA, and (BA) the last sequence number its MN sent. */
  home: number;
  ha: number;
  lastSeq: number;
  homeSeen: boolean;
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

/** "home -> HA" of a binding, for a finding. */
function flowText(context: RuleContext, ev: { home: number; ha: number }): string {
  return arrow(context, ev.home, ev.ha);
}

/** A series' state as BU-UNANSWERED's timer reads it. */
interface Series extends Origin {
  frame: number;
  fileIndex: number;
  time: number;
  outstanding: boolean;
  firstSeq: number;
  lastTime: number;
  retransmissions: number;
  /** The first wait is InitialBindackTimeoutFirstReg (a first home registration). */
  firstRegistration: boolean;
  home: number;
  ha: number;
}

export class BindingTracker {
  /** Bindings by key2(home, HA); a slot's value is BU-UNANSWERED's timer callback for it, made once per binding. */
  readonly flows: FlowMap<TimerFn>;
  readonly ev: BindingEvent = {
    frame: -1, fileIndex: -1, found: false, home: 0, ha: 0, lastSeq: -1, homeSeen: false, previousSeq: -1, retransmission: 0, interval: 0,
    firstRegistration: false, ignored135: -1, baMatched: null,
  };
  /**
   * Set by BU-UNANSWERED: called with the binding's addresses and cells when a series starts, and when
   * an outstanding one is over (answered, or given up by a BU without A).
   */
  onSeries: ((home: number, ha: number, at: number) => void) | null = null;
  onSettled: ((at: number) => void) | null = null;
  /**
   * Twice the longest wait and its tolerance: a BU later than this after the last one of its series
   * starts a new series (the MN has evidently given up). Computed once, not for every BU.
   */
  private readonly longestWait: number;

  constructor(private readonly context: RuleContext) {
    const c = context.constants;
    // Kept at least as long as BU-UNANSWERED may wait after a binding's last BU, so its timer always finds the binding.
    const longestWait = 2 * c.MAX_BINDACK_TIMEOUT + context.tolerance(c.MAX_BINDACK_TIMEOUT);
    this.longestWait = longestWait;
    const idle = Math.max(context.idleTimeout, 2 * longestWait);
    this.flows = context.flowSlots<TimerFn>(COLUMNS, idle);
    if (idle > context.idleTimeout) {
      // Kept longer than the engine keeps addresses unused: their ids stay theirs.
      context.holdAddresses((keep) => {
        const w = this.flows.words;
        this.flows.forEachSlot((_, at) => { keep.add(w[2 * (at + ENDS)]!); keep.add(w[2 * (at + ENDS) + 1]!); });
      });
    }
  }

  observe(f: Facts): BindingEvent {
    const ev = this.ev;
    if (ev.frame === f.frame && ev.fileIndex === f.fileIndex) return ev;
    ev.frame = f.frame;
    ev.fileIndex = f.fileIndex;
    ev.found = false;
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
    const map = this.flows;
    let at = map.findCells2(home, f.dst);
    if (at < 0) {
      at = map.slot2(home, f.dst);
      const w = map.words;
      w[2 * (at + SEQS)] = -1;
      w[2 * (at + SEQS) + 1] = f.seq;
      w[2 * (at + STATE)] = f.homeFlag ? HOME_REGISTRATION : 0;
      w[2 * (at + WINDOW)] = -1;
      w[2 * (at + WINDOW) + 1] = f.fileIndex;
      w[2 * (at + ENDS)] = home;
      w[2 * (at + ENDS) + 1] = f.dst;
      map.cells[at + SERIES_LAST] = f.time;
      map.cells[at + FRAME] = f.frame;
      map.cells[at + TIME] = f.time;
    }
    const cells = map.cells;
    const w = map.words;
    let flags = w[2 * (at + STATE)]!;
    ev.found = true;
    ev.home = home;
    ev.ha = f.dst;
    if (f.homeFlag) flags |= HOME_SEEN;
    ev.homeSeen = (flags & HOME_SEEN) !== 0;
    const lastSeq = w[2 * (at + SEQS)]!;
    ev.previousSeq = lastSeq;
    ev.lastSeq = lastSeq;
    const outOfWindow = w[2 * (at + WINDOW)]!;
    if (outOfWindow >= 0) {
      if (!seqGreater(f.seq, outOfWindow)) ev.ignored135 = outOfWindow;
      w[2 * (at + WINDOW)] = -1;
    }
    const interval = f.time - cells[at + SERIES_LAST]!;
    // A series ends when answered, or when the MN has evidently given up (twice the longest wait).
    if ((flags & OUTSTANDING) !== 0 && f.ack && interval <= this.longestWait) {
      const n = w[2 * (at + STATE) + 1]! + 1;
      w[2 * (at + STATE) + 1] = n;
      ev.retransmission = n;
      ev.interval = interval;
      ev.firstRegistration = (flags & HOME_REGISTRATION) !== 0 && (flags & ACCEPTED_ONCE) === 0;
      w[2 * (at + STATE)] = flags;
    } else if (f.ack) {
      flags = (flags | OUTSTANDING) & ~HOME_REGISTRATION;
      if (f.homeFlag) flags |= HOME_REGISTRATION;
      w[2 * (at + STATE)] = flags;
      w[2 * (at + STATE) + 1] = 0;
      w[2 * (at + SEQS) + 1] = f.seq;
      w[2 * (at + WINDOW) + 1] = f.fileIndex;
      cells[at + FRAME] = f.frame;
      cells[at + TIME] = f.time;
      this.onSeries?.(home, f.dst, at);
    } else {
      w[2 * (at + STATE)] = flags & ~OUTSTANDING;
      if ((flags & OUTSTANDING) !== 0) this.onSettled?.(at);
    }
    // onSeries adds nothing to this table: `at` still holds.
    map.cells[at + SERIES_LAST] = f.time;
    map.words[2 * (at + SEQS)] = f.seq;
  }

  private ba(f: Facts, ev: BindingEvent): void {
    const home = f.home !== 0 ? f.home : f.dst;
    const map = this.flows;
    const at = map.findCells2(home, f.src);
    if (at < 0) return;
    const w = map.words;
    let flags = w[2 * (at + STATE)]!;
    const lastSeq = w[2 * (at + SEQS)]!;
    ev.found = true;
    ev.home = home;
    ev.ha = f.src;
    ev.lastSeq = lastSeq;
    ev.homeSeen = (flags & HOME_SEEN) !== 0;
    const outstanding = (flags & OUTSTANDING) !== 0;
    // RFC 6275 11.7.3: status 135 carries the last accepted sequence number instead of the BU's.
    if (f.status === 135) {
      w[2 * (at + WINDOW)] = f.seq;
      w[2 * (at + STATE)] = flags & ~OUTSTANDING;
      if (outstanding) this.onSettled?.(at);
      ev.baMatched = true;
      return;
    }
    const firstSeq = w[2 * (at + SEQS) + 1]!;
    const inSeries = lastSeq >= 0 && (f.seq === lastSeq || f.seq === firstSeq
      || (seqGreater(f.seq, firstSeq) && seqGreater(lastSeq, f.seq)));
    ev.baMatched = outstanding ? inSeries : f.seq === lastSeq;
    if (inSeries) flags &= ~OUTSTANDING;
    if (f.status >= 0 && f.status < 128) flags |= ACCEPTED_ONCE;
    w[2 * (at + STATE)] = flags;
    if (inSeries && outstanding) this.onSettled?.(at);
  }

  /** Whether BU-UNANSWERED has a timer pending for the binding whose cells start at `at`. */
  timerArmed(at: number): boolean {
    return (this.flows.words[2 * (at + STATE)]! & TIMER_ARMED) !== 0;
  }

  /** BU-UNANSWERED set the timer `handle` for that binding. */
  armed(at: number, handle: number): void {
    const w = this.flows.words;
    w[2 * (at + STATE)] = w[2 * (at + STATE)]! | TIMER_ARMED;
    this.flows.cells[at + TIMER] = handle;
  }

  /** Its timer fired or was cancelled. */
  disarm(at: number): void {
    const w = this.flows.words;
    w[2 * (at + STATE)] = w[2 * (at + STATE)]! & ~TIMER_ARMED;
  }

  /** The handle of its pending timer. */
  timer(at: number): number {
    return this.flows.cells[at + TIMER]!;
  }

  /** The series state of the binding at `at` (into `s`), for BU-UNANSWERED's timer. */
  series(at: number, s: Series): Series {
    const w = this.flows.words;
    const cells = this.flows.cells;
    const flags = w[2 * (at + STATE)]!;
    s.frame = cells[at + FRAME]!;
    s.fileIndex = w[2 * (at + WINDOW) + 1]!;
    s.time = cells[at + TIME]!;
    s.outstanding = (flags & OUTSTANDING) !== 0;
    s.firstSeq = w[2 * (at + SEQS) + 1]!;
    s.lastTime = cells[at + SERIES_LAST]!;
    s.retransmissions = w[2 * (at + STATE) + 1]!;
    s.firstRegistration = (flags & HOME_REGISTRATION) !== 0 && (flags & ACCEPTED_ONCE) === 0;
    s.home = w[2 * (at + ENDS)]!;
    s.ha = w[2 * (at + ENDS) + 1]!;
    return s;
  }

  /** Mark the series at `at` as over (BU-UNANSWERED decided it). */
  conclude(at: number): void {
    const w = this.flows.words;
    w[2 * (at + STATE)] = w[2 * (at + STATE)]! & ~(OUTSTANDING | TIMER_ARMED);
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
          if (!ev.found) return;
          if (ev.ignored135 >= 0) {
            context.report(f, `BU seq ${f.seq} after a BA with status 135 that returned ${ev.ignored135}: the mobile node must use a greater number`, { flow: flowText(context, ev) });
          } else if (ev.previousSeq >= 0 && !seqGreater(f.seq, ev.previousSeq)) {
            context.report(f, `BU seq ${f.seq} is not greater than the previous ${ev.previousSeq} for this binding${ev.retransmission ? ' (a retransmission must use a new number)' : ''}`, { flow: flowText(context, ev) });
          }
        },
        bindingAck(f) {
          const ev = t.observe(f);
          if (ev.found && ev.baMatched === false) {
            context.report(f, `BA seq ${f.seq} matches no outstanding Binding Update (last sent ${ev.lastSeq})`, { flow: flowText(context, ev) });
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
          if (!ev.found || ev.retransmission === 0) return;
          const initial = ev.firstRegistration ? c.InitialBindackTimeoutFirstReg : c.INITIAL_BINDACK_TIMEOUT;
          const want = backoffShortfall(context, ev.interval, ev.retransmission, initial, c.MAX_BINDACK_TIMEOUT);
          if (want > 0) {
            context.report(f, `BU retransmission ${ev.retransmission} after ${secs(ev.interval)}, expected at least ${secs(want)}`, { flow: flowText(context, ev) });
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
    const initial = (s: Series): number => (s.firstRegistration ? c.InitialBindackTimeoutFirstReg : c.INITIAL_BINDACK_TIMEOUT);
    // Twice the expected wait: room for a late BA or a late retransmission before calling it unanswered.
    const waitFor = (first: number, n: number): number => {
      const w = Math.min(first * 2 ** n, c.MAX_BINDACK_TIMEOUT);
      return 2 * w + context.tolerance(w);
    };
    // The waits of the first retransmissions, worked out once rather than for every series.
    const KNOWN = 16;
    const waits = [new Float64Array(KNOWN), new Float64Array(KNOWN)];
    for (let n = 0; n < KNOWN; n++) {
      waits[0]![n] = waitFor(c.INITIAL_BINDACK_TIMEOUT, n);
      waits[1]![n] = waitFor(c.InitialBindackTimeoutFirstReg, n);
    }
    const wait = (s: Series, n: number): number => (n < KNOWN ? waits[s.firstRegistration ? 1 : 0]![n]! : waitFor(initial(s), n));
    const s: Series = { frame: 0, fileIndex: 0, time: 0, outstanding: false, firstSeq: 0, lastTime: 0, retransmissions: 0, firstRegistration: false, home: 0, ha: 0 };
    // A binding's timer callback, made once per binding: it finds the binding by its key (the tracker keeps
    // a binding at least as long as this waits after its last BU).
    const checker = (key: number) => {
      const check = (now: number, atEnd: boolean): void => {
        const at = t.flows.peekCells(key);
        if (at < 0) return;
        t.series(at, s);
        if (!s.outstanding) { t.disarm(at); return; }
        const due = s.lastTime + wait(s, s.retransmissions);
        if (!atEnd && now < due) { t.armed(at, context.setTimer(due, check)); return; }
        t.conclude(at);
        // The capture ended before the answer was due: no verdict.
        if (atEnd && context.early(now - s.time, initial(s))) return;
        const origin: Origin = { frame: s.frame, fileIndex: s.fileIndex, time: s.time };
        context.report(origin, `Binding Update (seq ${s.firstSeq}${s.retransmissions ? `, ${s.retransmissions} retransmissions` : ''}) was never acknowledged`, { flow: flowText(context, s) });
      };
      return check;
    };
    t.onSeries = (home, ha, at) => {
      if (t.timerArmed(at)) return;
      let check = t.flows.valueAt(at);
      if (check === undefined) { check = checker(key2(home, ha)); t.flows.setValueAt(at, check); }
      t.series(at, s);
      // Due the first wait after the series' first BU.
      t.armed(at, context.setTimer(s.time + wait(s, 0), check));
    };
    // An answered series needs no verdict: its timer goes now, while the binding is at hand, rather than
    // calling back into it seconds later only to find it answered.
    t.onSettled = (at) => {
      if (!t.timerArmed(at)) return;
      t.disarm(at);
      context.cancelTimer(t.timer(at));
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
    return {
      message: {
        bindingAck(f) {
          if (f.status >= 128) {
            context.report(f, `registration rejected: status ${f.status} (${BA_STATUS[f.status] ?? 'unknown'}) for seq ${f.seq}`, { flow: arrow(context, f.src, f.home !== 0 ? f.home : f.dst) });
          }
        },
      },
    };
  },
};

export const BINDING_RULES: readonly Rule[] = [buSequence, buBackoff, buUnanswered, rrCookie, baStatus];
