/**
 * HAR-*: home agent reliability (draft-ietf-mip6-hareliability-01): Hellos
 * within a redundant set (Group ID), failover and the switch it triggers,
 * State Synchronization and Home Agent Control exchanges between home agents.
 */
import { key2, key3 } from '../address.js';
import type { Facts } from '../facts.js';
import type { Rule, RuleContext } from '../types.js';
import { arrow, backoffShortfall, newRequest, rateLimit, RecentRates, remember, secs, seen, type RequestFlow, type Seen } from './util.js';

/** One home agent as its Hellos describe it. */
interface Member {
  key: number;
  group: number;
  seq: number;
  lastHello: Seen;
  lifetime: number;
  interval: number;
  active: boolean;
  preference: number;
  /** Partner of a split brain already reported (0: none). */
  splitWith: number;
  /** Time of this HA's SwitchBack Reply (-1: none pending), hareliability-01 7.8. */
  switchBackReplyAt: number;
  timerArmed: boolean;
  last: number;
}

interface Failover {
  failed: number;
  lastHello: Seen;
  detectedAt: number;
  takeover: Seen | null;
  newActive: number;
  /** MNs registered at the failed HA, and what happened to each (bit 1 switched, bit 2 re-registered). */
  mns: Map<number, number>;
  /** How many of them were switched and how many re-registered (the bits set so far). */
  switches: number;
  reregistered: number;
  completedAt: number;
  resolved: boolean;
}

/**
 * What a rule following failovers hears from the shared set. A failover is followed
 * from its detection until it is concluded: for `horizon` seconds after the takeover
 * (or the detection, when nobody took over), or to the end of the capture. Then
 * `closing` runs and the set forgets it, so a capture of any length keeps only the
 * failovers still in progress.
 */
interface FailoverWatcher {
  detected?(fo: Failover): void;
  takeover?(fo: Failover, f: Facts): void;
  /** Every MN registered at the failed HA has re-registered with the new active one. */
  completed?(fo: Failover, f: Facts): void;
  closing?(fo: Failover, now: number, atEnd: boolean): void;
}

interface HelloEvent {
  frame: number;
  fileIndex: number;
  member: Member | null;
  /** -1 when there is no previous Hello to compare with (first, or after the sender's lifetime ran out). */
  previousSeq: number;
  gap: number;
  previousInterval: number;
  previousGroup: number;
  becameActive: boolean;
}

class HaSet {
  readonly members;
  readonly failovers: Failover[] = [];
  readonly ev: HelloEvent = { frame: -1, fileIndex: -1, member: null, previousSeq: -1, gap: 0, previousInterval: -1, previousGroup: -1, becameActive: false };
  readonly watchers: FailoverWatcher[] = [];
  /** Whether a rule already applies switches and registrations to the failovers (followFailovers). */
  followed = false;
  private readonly open = new Map<number, Failover>();

  constructor(private readonly context: RuleContext) {
    this.members = context.flows<Member>();
    // A failover is followed until every MN could have been switched, which can outlast the
    // address table's recycle age: its HAs and MNs keep their ids until it is concluded.
    context.holdAddresses((keep) => {
      for (const fo of this.failovers) {
        keep.add(fo.failed);
        if (fo.newActive !== 0) keep.add(fo.newActive);
        for (const home of fo.mns.keys()) keep.add(home);
      }
    });
  }

  /** The member is alive at `now` by its advertised lifetime, less the tolerance (never a false alarm). */
  alive(m: Member, now: number): boolean {
    return m.lastHello.time + m.lifetime - this.context.tolerance(m.lifetime) >= now;
  }

  observe(f: Facts): HelloEvent {
    const ev = this.ev;
    if (ev.frame === f.frame && ev.fileIndex === f.fileIndex) return ev;
    ev.frame = f.frame;
    ev.fileIndex = f.fileIndex;
    ev.member = null;
    ev.previousSeq = ev.previousInterval = ev.previousGroup = -1;
    ev.gap = 0;
    ev.becameActive = false;
    if (f.kind !== 'homeAgentHello' || f.seq < 0) return ev;
    let m = this.members.get(f.src);
    const lifetime = f.lifetime >= 0 ? f.lifetime : 3;
    if (!m) {
      m = { key: f.src, group: f.group, seq: f.seq, lastHello: seen(f), lifetime, interval: f.interval, active: false, preference: f.preference, splitWith: 0, switchBackReplyAt: -1, timerArmed: false, last: f.time };
      this.members.set(f.src, m);
    } else {
      ev.gap = f.time - m.lastHello.time;
      // After its lifetime ran out the sender counts as restarted (hareliability-01 7.6: lifetime 0 or expiry removes it).
      const expired = ev.gap > m.lifetime + this.context.tolerance(m.lifetime) || m.lifetime === 0;
      if (!expired) {
        ev.previousSeq = m.seq;
        ev.previousInterval = m.interval;
      }
      ev.previousGroup = m.group;
      const d = (f.seq - m.seq) & 0xffff;
      if (expired || (d !== 0 && d < 0x8000)) m.seq = f.seq;
      remember(m.lastHello, f);
    }
    ev.member = m;
    ev.becameActive = f.active && !m.active;
    if (!f.active) m.splitWith = 0;
    m.active = f.active;
    m.group = f.group;
    m.lifetime = lifetime;
    m.interval = f.interval;
    m.preference = f.preference;
    m.last = f.time;
    const fo = this.open.get(f.group);
    if (fo && fo.failed === f.src) { this.open.delete(f.group); fo.resolved = true; } // the failed HA came back
    else if (fo && ev.becameActive && !fo.takeover) {
      fo.takeover = seen(f);
      fo.newActive = f.src;
      for (const w of this.watchers) w.takeover?.(fo, f);
    }
    if (m.active && !m.timerArmed) this.watch(m);
    return ev;
  }

  /** Watch an active member: when its lifetime runs out without a Hello, a failover starts (hareliability-01 7.9). */
  private watch(m: Member): void {
    m.timerArmed = true;
    const check = (now: number, atEnd: boolean): void => {
      const due = m.lastHello.time + m.lifetime;
      if (!m.active) { m.timerArmed = false; return; }
      if (!atEnd && now < due) { this.context.setTimer(due, check); return; }
      m.timerArmed = false;
      if (atEnd && now < due) return;
      m.active = false;
      const fo: Failover = {
        failed: m.key, lastHello: seen(m.lastHello), detectedAt: due, takeover: null, newActive: 0, mns: new Map(), switches: 0, reregistered: 0, completedAt: -1, resolved: false,
      };
      for (const home of this.context.bindings.servedBy(m.key, due)) fo.mns.set(home, 0);
      this.failovers.push(fo);
      this.open.set(m.group, fo);
      for (const w of this.watchers) w.detected?.(fo);
      this.followUntilConcluded(fo);
    };
    this.context.setTimer(m.lastHello.time + m.lifetime, check);
  }

  /**
   * Follow a failover for the idle timeout after its takeover (or detection), and at least
   * as long as the new active HA needs to switch every MN at MAX_HA_SWITCH_TRANSMIT_RATE;
   * then conclude it and forget it.
   */
  private followUntilConcluded(fo: Failover): void {
    const c = this.context.constants;
    const horizon = Math.max(this.context.idleTimeout, fo.mns.size / Math.max(c.MAX_HA_SWITCH_TRANSMIT_RATE, 1e-9) + c.INITIAL_HA_SWITCH_TIMEOUT);
    const check = (now: number, atEnd: boolean): void => {
      const due = (fo.takeover ? fo.takeover.time : fo.detectedAt) + horizon;
      if (!atEnd && now < due) { this.context.setTimer(due, check); return; }
      for (const w of this.watchers) w.closing?.(fo, now, atEnd);
      const i = this.failovers.indexOf(fo);
      if (i >= 0) this.failovers.splice(i, 1);
      for (const [g, o] of this.open) if (o === fo) this.open.delete(g);
    };
    this.context.setTimer(fo.detectedAt + horizon, check);
  }

  /** A Home Agent Switch from the new active HA to an MN of the failed one (hard switch, hareliability-01 7.9). */
  switched(f: Facts): void {
    for (const fo of this.failovers) {
      if (fo.takeover && f.src === fo.newActive && fo.mns.has(f.home)) {
        const st = fo.mns.get(f.home)!;
        if ((st & 1) === 0) { fo.mns.set(f.home, st | 1); fo.switches++; }
      }
    }
  }

  /** An accepted registration with the new active HA; the failover is complete when every MN has one. */
  registered(f: Facts): void {
    if (f.status < 0 || f.status >= 128 || f.lifetime <= 0) return;
    for (const fo of this.failovers) {
      if (!fo.takeover || f.src !== fo.newActive || !fo.mns.has(f.home)) continue;
      const st = fo.mns.get(f.home)!;
      if ((st & 2) === 0) {
        fo.mns.set(f.home, st | 2);
        if (++fo.reregistered === fo.mns.size) {
          fo.completedAt = f.time;
          for (const w of this.watchers) w.completed?.(fo, f);
        }
      }
    }
  }

  /** Members of a group alive at `now`, other than `except`. */
  others(group: number, except: number, now: number): Member[] {
    const out: Member[] = [];
    const t = this.members;
    for (let at = t.nextAt(-1); at >= 0; at = t.nextAt(at)) {
      const m = t.valueAt(at)!;
      if (m.group === group && m.key !== except && this.alive(m, now)) out.push(m);
    }
    return out;
  }

  memberActive(key: number, now: number): boolean | null {
    const m = this.members.get(key);
    if (!m || now - m.lastHello.time > m.lifetime + this.context.tolerance(m.lifetime)) return null;
    return m.active;
  }
}

function haSet(context: RuleContext): HaSet {
  return context.shared('ha-set', () => new HaSet(context));
}

/** Every HAR rule that reads the set observes Hellos so the shared state is right whichever rules run. */
function withHellos(s: HaSet, on: (f: Facts) => void = () => {}): (f: Facts) => void {
  return (f) => { s.observe(f); on(f); };
}

export const harHelloSequence: Rule = {
  meta: {
    id: 'HAR-HELLO-SEQUENCE', severity: 'error', spec: 'hareliability-01 6.1.3, 7.6.2',
    summary: 'Hello sequence not one more than the sender\'s last: repeats and older ones are errors, gaps info',
    description: 'A home agent increments the Hello Sequence Number by one for every Hello it sends (hareliability-01 6.1.3). '
      + 'A repeated or older number is an error; a jump ahead means Hellos were lost or not captured (info). '
      + 'A sender silent for longer than its HA Lifetime starts afresh.',
    example: 'Hellos from HA1 numbered 1, 2, 3, 3, 4, 2.',
  },
  create(context) {
    const s = haSet(context);
    return {
      message: {
        homeAgentHello: withHellos(s, (f) => {
          const ev = s.ev;
          if (ev.previousSeq < 0) return;
          const d = (f.seq - ev.previousSeq) & 0xffff;
          if (d === 1) return;
          const flow = arrow(context, f.src, f.dst);
          if (d === 0) context.report(f, `Hello sequence ${f.seq} repeated`, { flow });
          else if (d >= 0x8000) context.report(f, `Hello sequence ${f.seq} is older than the previous ${ev.previousSeq}`, { flow });
          else context.report(f, `Hello sequence jumps from ${ev.previousSeq} to ${f.seq} (${d - 1} missing)`, { flow, severity: 'info' });
        }),
      },
    };
  },
};

export const harHelloSource: Rule = {
  meta: {
    id: 'HAR-HELLO-SOURCE', severity: 'error', spec: 'hareliability-01 6.1.3',
    summary: 'Hello from a non-global source',
    description: 'A Home Agent Hello is sent from the home agent\'s global address (the one the peers know it by); a link-local or other '
      + 'non-global source cannot be matched to a home agent of the redundant set.',
    example: 'A Hello from fe80::a1.',
  },
  create(context) {
    return {
      message: {
        homeAgentHello(f) {
          if (f.src !== 0 && !f.srcGlobal) context.report(f, `Hello from ${context.name(f.src)}, not a global unicast address`, { flow: arrow(context, f.src, f.dst) });
        },
      },
    };
  },
};

export const harHelloGroup: Rule = {
  meta: {
    id: 'HAR-HELLO-GROUP', severity: 'error', spec: 'hareliability-01 5.1, 6.1.3',
    summary: 'Hello sent across Group IDs',
    description: 'Hellos are exchanged within one redundant home agent set, identified by the Group ID (hareliability-01 5.1). A home agent '
      + 'changing its Group ID, or sending Hellos to a peer of another group, mixes two sets.',
    example: 'HA1 (group 7) sends a Hello with group 7 to HA2, whose own Hellos carry group 9.',
  },
  create(context) {
    const s = haSet(context);
    return {
      message: {
        homeAgentHello: withHellos(s, (f) => {
          if (s.ev.previousGroup >= 0 && s.ev.previousGroup !== f.group) {
            context.report(f, `${context.name(f.src)} changed its Group ID from ${s.ev.previousGroup} to ${f.group}`, { flow: arrow(context, f.src, f.dst) });
            return;
          }
          if (f.dstMulticast) return;
          const peer = s.members.get(f.dst);
          if (peer && peer.group !== f.group) context.report(f, `Hello with Group ID ${f.group} sent to ${context.name(f.dst)}, a member of group ${peer.group}`, { flow: arrow(context, f.src, f.dst) });
        }),
      },
    };
  },
};

export const harHelloUnanswered: Rule = {
  meta: {
    id: 'HAR-HELLO-UNANSWERED', severity: 'error', spec: 'hareliability-01 6.1.3, 7.6.2',
    summary: 'Hello with R set not answered',
    description: 'A Hello with the R flag asks the receiver to answer with a Hello of its own (hareliability-01 6.1.3), typically from a home '
      + 'agent that just (re)joined the set. Reported when no Hello comes back within two of the sender\'s Hello Intervals.',
    example: 'HA2 sends a Hello with R to HA1; HA1 sends nothing to HA2 afterwards.',
  },
  create(context) {
    const s = haSet(context);
    interface Ask { at: Seen; answered: boolean; last: number }
    const asks = context.flows<Ask>();
    return {
      message: {
        homeAgentHello: withHellos(s, (f) => {
          const back = asks.get(key2(f.dst, f.src));
          if (back) back.answered = true;
          if (!f.replyRequested || f.dstMulticast) return;
          const k = key2(f.src, f.dst);
          const a: Ask = { at: seen(f), answered: false, last: f.time };
          asks.set(k, a);
          const wait = 2 * Math.max(f.interval > 0 ? f.interval : 1, 1);
          // Facts are reused for the next packet: whatever the timer reports is copied out of f now.
          const flow = arrow(context, f.src, f.dst);
          const peer = f.dst;
          context.setTimer(f.time + wait + context.tolerance(wait), (now, atEnd) => {
            if (asks.get(k) === a) asks.delete(k);
            if (a.answered || (atEnd && context.early(now - a.at.time, wait / 2))) return;
            context.report(a.at, `Hello with R (reply requested) got no Hello back from ${context.name(peer)}`, { flow });
          });
        }),
      },
    };
  },
};

export const harHelloInterval: Rule = {
  meta: {
    id: 'HAR-HELLO-INTERVAL', severity: 'warning', spec: 'hareliability-01 6.1.3, 7.6.2',
    summary: 'Hellos later than the advertised interval allows',
    description: 'A home agent sends Hellos every Hello Interval it advertises (hareliability-01 7.6.2). A gap longer than the interval '
      + '(plus the tolerance) but shorter than the HA Lifetime is reported; a longer silence is a failure, which HAR-FAILOVER follows.',
    example: 'HA2 advertises a 1 s interval and sends its next Hello 2.5 s later.',
  },
  create(context) {
    const s = haSet(context);
    return {
      message: {
        homeAgentHello: withHellos(s, (f) => {
          const ev = s.ev;
          if (ev.previousSeq < 0 || ev.previousInterval <= 0) return;
          if (context.late(ev.gap, ev.previousInterval)) {
            context.report(f, `Hello ${secs(ev.gap)} after the previous one; the advertised interval is ${secs(ev.previousInterval)}`, { flow: context.name(f.src) });
          }
        }),
      },
    };
  },
};

export const harSplitBrain: Rule = {
  meta: {
    id: 'HAR-SPLIT-BRAIN', severity: 'error', spec: 'hareliability-01 5.1, 7.9',
    summary: 'two HAs of one group claiming active at the same time',
    description: 'A redundant home agent set has one active home agent (hareliability-01 5.1). A Hello with the A flag while another member of '
      + 'the same group is still alive (within its HA Lifetime, less the tolerance) and its latest Hello also claims A is a split brain.',
    example: 'HA1 and HA2 of group 7 both set A in their Hellos.',
  },
  create(context) {
    const s = haSet(context);
    return {
      message: {
        homeAgentHello: withHellos(s, (f) => {
          const m = s.ev.member;
          if (!m || !f.active) return;
          // Per Hello: a walk that allocates nothing (context.report adds no member).
          const t = s.members;
          for (let at = t.nextAt(-1); at >= 0; at = t.nextAt(at)) {
            const o = t.valueAt(at)!;
            if (o === m || o.group !== m.group || !o.active || !s.alive(o, f.time)) continue;
            if (m.splitWith === o.key || o.splitWith === m.key) continue;
            m.splitWith = o.key;
            o.splitWith = m.key;
            context.report(f, `${context.name(m.key)} and ${context.name(o.key)} of group ${m.group} both claim to be the active home agent`, { flow: arrow(context, m.key, o.key) });
          }
        }),
      },
    };
  },
};

/**
 * The message handlers that keep the set's failovers up to date: used by HAR-FAILOVER and HAR-SWITCH-COVERAGE.
 * Switches and registrations are applied by the first of them to ask (the other gets only the Hello handler),
 * so with both enabled each HA Switch and BA is counted once, not twice.
 */
function followFailovers(s: HaSet): Partial<Record<'homeAgentHello' | 'homeAgentSwitch' | 'bindingAck', (f: Facts) => void>> {
  if (s.followed) return { homeAgentHello: withHellos(s) };
  s.followed = true;
  return {
    homeAgentHello: withHellos(s),
    homeAgentSwitch: (f: Facts) => s.switched(f),
    bindingAck: (f: Facts) => s.registered(f),
  };
}

export const harFailover: Rule = {
  meta: {
    id: 'HAR-FAILOVER', severity: 'info', spec: 'hareliability-01 5.3, 7.9',
    summary: 'measured failover: last Hello of the active, takeover, switch messages, every MN re-registered (info), and errors when nobody takes over or not the standby with the highest preference',
    description: 'When the active home agent\'s Hellos stop for longer than its HA Lifetime, the standby with the highest preference takes over '
      + '(hareliability-01 7.9), sends a Home Agent Switch to every mobile node of the failed HA (hard switch) and the MNs re-register. '
      + 'The measurement (info) gives each step\'s time; it is reported as soon as every MN has re-registered (at the takeover when the failed HA '
      + 'served none), otherwise once the failover has been followed for the idle timeout, or at the end of the capture. An error is reported '
      + 'MAX_HARELIABILITY_TIMEOUT after the failure when nobody has taken over although a standby is alive, and at the takeover when a standby '
      + 'other than the one with the highest preference takes over.',
    example: 'HA1 last Hello at 10.0 s, HA2 active at 13.0 s, 50 switches, every MN re-registered by 63.4 s.',
  },
  create(context) {
    const s = haSet(context);
    const c = context.constants;
    // Failovers whose measurement is out; forgotten with the failover.
    const measured = new Set<Failover>();
    const measure = (fo: Failover): void => {
      if (!fo.takeover || measured.has(fo)) return;
      measured.add(fo);
      const n = fo.mns.size;
      const rereg = fo.reregistered;
      const parts = [`${context.name(fo.failed)} last Hello at +${secs(fo.lastHello.time - context.startTime())}`,
        `${context.name(fo.newActive)} active ${secs(fo.takeover.time - fo.lastHello.time)} later`];
      if (n > 0) {
        parts.push(`${fo.switches}/${n} mobile nodes sent a Home Agent Switch`);
        parts.push(fo.completedAt >= 0 ? `all ${n} re-registered ${secs(fo.completedAt - fo.lastHello.time)} after the last Hello` : `${rereg}/${n} re-registered`);
      }
      context.report(fo.takeover, `failover: ${parts.join('; ')}`, { flow: arrow(context, fo.failed, fo.newActive) });
    };
    s.watchers.push({
      detected(fo) {
        // hareliability-01 7.9: a live standby takes over; judged on the clock, not at the end of the capture.
        const due = fo.detectedAt + c.MAX_HARELIABILITY_TIMEOUT;
        context.setTimer(due, (now, atEnd) => {
          if (fo.takeover || fo.resolved || (atEnd && now < due)) return;
          // Only a standby that kept sending Hellos after the failure could have taken over.
          const group = s.members.get(fo.failed)?.group ?? -1;
          let standby = false;
          for (const m of s.members.values()) if (m.group === group && m.key !== fo.failed && m.lastHello.time > fo.detectedAt) standby = true;
          if (standby) {
            context.report(fo.lastHello, `${context.name(fo.failed)} stopped sending Hellos and no standby took over within ${secs(c.MAX_HARELIABILITY_TIMEOUT)}`,
              { severity: 'error', flow: context.name(fo.failed) });
          }
        });
      },
      takeover(fo, f) {
        const m = s.members.get(f.src);
        let best: { key: number; pref: number } | null = null;
        for (const o of s.others(f.group, fo.failed, fo.detectedAt)) {
          if (o.key !== f.src && o.preference > (m?.preference ?? -1) && (!best || o.preference > best.pref)) best = { key: o.key, pref: o.preference };
        }
        if (best) context.report(f, `${context.name(f.src)} (preference ${m?.preference}) took over, but ${context.name(best.key)} has the higher preference ${best.pref}`, { severity: 'error', flow: arrow(context, fo.failed, f.src) });
        // Nothing left to wait for when the failed HA served no mobile node.
        if (fo.mns.size === 0) measure(fo);
      },
      completed: (fo) => measure(fo),
      closing(fo) {
        measure(fo);
        measured.delete(fo);
      },
    });
    return { message: followFailovers(s) };
  },
};

export const harSwitchCoverage: Rule = {
  meta: {
    id: 'HAR-SWITCH-COVERAGE', severity: 'error', spec: 'hareliability-01 5.3, 7.9',
    summary: 'after a hard-switch failover, MNs registered at the failed HA that got no HA Switch',
    description: 'In a hard switch the new active home agent sends a Home Agent Switch to every mobile node that was registered at the failed one '
      + '(hareliability-01 7.9). Judged once the new active HA has had the time to switch every one of them at MAX_HA_SWITCH_TRANSMIT_RATE '
      + '(plus INITIAL_HA_SWITCH_TIMEOUT) after the takeover; a capture that ends before that is not judged.',
    example: 'HA2 takes over from HA1, which served 50 MNs, and switches 48 of them.',
  },
  create(context) {
    const s = haSet(context);
    const c = context.constants;
    s.watchers.push({
      takeover(fo) {
        const takeover = fo.takeover;
        if (!takeover || fo.mns.size === 0) return;
        const due = takeover.time + fo.mns.size / Math.max(c.MAX_HA_SWITCH_TRANSMIT_RATE, 1e-9) + c.INITIAL_HA_SWITCH_TIMEOUT;
        context.setTimer(due, (now, atEnd) => {
          if (atEnd && now < due) return;
          for (const [home, st] of fo.mns) {
            if ((st & 1) === 0) context.report(takeover, `${context.name(home)} was registered at ${context.name(fo.failed)} but got no Home Agent Switch from ${context.name(fo.newActive)}`, { flow: arrow(context, fo.newActive, home) });
          }
        });
      },
    });
    return { message: followFailovers(s) };
  },
};

// ---- State Synchronization and Home Agent Control ----------------------------------

const SYNC_REQUEST = 0;
const SYNC_REPLY = 1;
const CTRL = { switchOverRequest: 0, switchOverReply: 1, switchBackRequest: 2, switchBackReply: 3 } as const;
const CTRL_NAMES = ['SwitchOver Request', 'SwitchOver Reply', 'SwitchBack Request', 'SwitchBack Reply'];

interface ExchangeEvent {
  frame: number;
  fileIndex: number;
  request: RequestFlow | null;
  /** Retransmission number and its wait (0: first). */
  retransmission: number;
  interval: number;
  /** Reply: the request it answers (null: none). */
  answers: RequestFlow | null;
}

/** Requests between home agents by (sender, receiver, exchange, identifier). */
class Exchanges {
  readonly flows;
  readonly ev: ExchangeEvent = { frame: -1, fileIndex: -1, request: null, retransmission: 0, interval: 0, answers: null };
  onRequest: ((r: RequestFlow, initial: number, kind: string) => void) | null = null;

  constructor(private readonly context: RuleContext) {
    this.flows = context.flows<RequestFlow & { retransmissions: number }>();
  }

  observe(f: Facts): ExchangeEvent {
    const ev = this.ev;
    if (ev.frame === f.frame && ev.fileIndex === f.fileIndex) return ev;
    ev.frame = f.frame;
    ev.fileIndex = f.fileIndex;
    ev.request = ev.answers = null;
    ev.retransmission = 0;
    ev.interval = 0;
    const c = this.context.constants;
    if (f.kind === 'stateSynchronization' && f.subtype === SYNC_REQUEST) this.request(f, key3(f.src, f.dst, 0x10000 + f.identifier), c.INITIAL_STATE_SYNC_REQ_TIMER, 'State Synchronization Request');
    else if (f.kind === 'stateSynchronization' && f.subtype === SYNC_REPLY && f.identifier > 0) this.reply(key3(f.dst, f.src, 0x10000 + f.identifier));
    else if (f.kind === 'homeAgentControl' && (f.subtype === CTRL.switchOverRequest || f.subtype === CTRL.switchBackRequest)) {
      this.request(f, key3(f.src, f.dst, f.subtype), f.subtype === CTRL.switchOverRequest ? c.INITIAL_SWITCHOVER_REQ_TIMER : c.INITIAL_SWITCHBACK_REQ_TIMER, CTRL_NAMES[f.subtype]!);
    } else if (f.kind === 'homeAgentControl' && (f.subtype === CTRL.switchOverReply || f.subtype === CTRL.switchBackReply)) this.reply(key3(f.dst, f.src, f.subtype - 1));
    return ev;
  }

  private request(f: Facts, k: number, initial: number, kind: string): void {
    const ev = this.ev;
    let r = this.flows.get(k);
    const max = this.context.constants.MAX_HARELIABILITY_TIMEOUT;
    if (r && !r.answered && f.time - r.lastSent.time <= 2 * max + this.context.tolerance(max)) {
      r.retransmissions++;
      ev.retransmission = r.retransmissions;
      ev.interval = f.time - r.lastSent.time;
      remember(r.lastSent, f);
      r.sent++;
      r.last = f.time;
    } else {
      r = { ...newRequest(f, arrow(this.context, f.src, f.dst)), retransmissions: 0 };
      this.flows.set(k, r);
      this.onRequest?.(r, initial, kind);
    }
    ev.request = r;
  }

  private reply(k: number): void {
    const r = this.flows.get(k);
    if (r && !r.answered) { r.answered = true; this.ev.answers = r; }
  }
}

function exchanges(context: RuleContext): Exchanges {
  return context.shared('ha-exchanges', () => new Exchanges(context));
}

function withExchanges(x: Exchanges, on: Partial<Record<'stateSynchronization' | 'homeAgentControl', (f: Facts) => void>> = {}) {
  return {
    stateSynchronization: (f: Facts) => { x.observe(f); on.stateSynchronization?.(f); },
    homeAgentControl: (f: Facts) => { x.observe(f); on.homeAgentControl?.(f); },
  };
}

export const harSyncIdentifier: Rule = {
  meta: {
    id: 'HAR-SYNC-IDENTIFIER', severity: 'error', spec: 'hareliability-01 6.1.1, 7.7',
    summary: 'State Sync request with identifier 0, reply not copying its request\'s identifier, unsolicited reply with a non-zero one',
    description: 'A State Synchronization Request carries a non-zero Identifier that the solicited Reply copies; an unsolicited Reply '
      + '(periodic push) uses Identifier 0 (hareliability-01 6.1.1).',
    example: 'A Reply with Identifier 0x0102 to a Request with 0x0101.',
  },
  create(context) {
    const x = exchanges(context);
    return {
      message: withExchanges(x, {
        stateSynchronization(f) {
          if (f.subtype === SYNC_REQUEST && f.identifier === 0) context.report(f, 'State Synchronization Request with Identifier 0', { flow: arrow(context, f.src, f.dst) });
          else if (f.subtype === SYNC_REPLY && f.identifier > 0 && !x.ev.answers) context.report(f, `State Synchronization Reply with Identifier ${f.identifier} matches no outstanding Request from ${context.name(f.dst)}`, { flow: arrow(context, f.src, f.dst) });
        },
      }),
    };
  },
};

export const harSyncOptions: Rule = {
  meta: {
    id: 'HAR-SYNC-OPTIONS', severity: 'error', spec: 'hareliability-01 6.1.1',
    summary: 'request without a home address / MNP / vendor option, reply without BCI / AAA / vendor option',
    description: 'A State Synchronization Request names what it wants: an IP Address option with a Home Address, a Mobile Network Prefix option, '
      + 'or a vendor-specific option; a Reply carries Binding Cache Information, AAA Information or a vendor-specific option (hareliability-01 6.1.1).',
    example: 'A State Synchronization Request with no options.',
  },
  create(context) {
    const o = context.profile.mhOptions;
    return {
      message: {
        stateSynchronization(f) {
          if (f.subtype === SYNC_REQUEST && !(f.hasOption(o.ipAddress) || f.hasOption(o.mobileNetworkPrefix) || f.hasOption(o.vendorSpecific))) {
            context.report(f, 'State Synchronization Request without a Home Address (IP Address option), Mobile Network Prefix or vendor option', { flow: arrow(context, f.src, f.dst) });
          } else if (f.subtype === SYNC_REPLY && !(f.hasOption(o.bindingCacheInformation) || f.hasOption(o.aaaInformation) || f.hasOption(o.vendorSpecific))) {
            context.report(f, 'State Synchronization Reply without Binding Cache Information, AAA Information or vendor option', { flow: arrow(context, f.src, f.dst) });
          }
        },
      },
    };
  },
};

/** Requests never answered: shared by HAR-SYNC-UNANSWERED and the HA Control part of HAR-CONTROL. */
export const harSyncUnanswered: Rule = {
  meta: {
    id: 'HAR-SYNC-UNANSWERED', severity: 'error', spec: 'hareliability-01 7.7, 10',
    summary: 'request never answered',
    description: 'A State Synchronization Request is answered by a Reply with its Identifier (hareliability-01 7.7); a Home Agent Control request by '
      + 'its Reply. Reported on the first request of a series that got no answer once the retransmission timer (INITIAL_STATE_SYNC_REQ_TIMER, doubling '
      + 'to MAX_HARELIABILITY_TIMEOUT) ran out, or at the end of the capture if it lasted at least the first timeout.',
    example: 'A State Synchronization Request sent twice, 3 s apart, and never answered.',
  },
  create(context) {
    const x = exchanges(context);
    const max = context.constants.MAX_HARELIABILITY_TIMEOUT;
    x.onRequest = (r, initial, kind) => {
      const rr = r as RequestFlow & { retransmissions: number };
      const wait = (n: number): number => { const w = Math.min(initial * 2 ** n, max); return 2 * w + context.tolerance(w); };
      const check = (now: number, atEnd: boolean): void => {
        if (r.answered || r.concluded) return;
        const due = r.lastSent.time + wait(rr.retransmissions);
        if (!atEnd && now < due) { context.setTimer(due, check); return; }
        if (atEnd && context.early(now - r.first.time, initial)) return;
        r.concluded = true;
        context.report(r.first, `${kind}${r.sent > 1 ? ` (sent ${r.sent} times)` : ''} never answered`, { flow: r.flow });
      };
      context.setTimer(r.first.time + wait(0), check);
    };
    return { message: withExchanges(x) };
  },
};

export const harControl: Rule = {
  meta: {
    id: 'HAR-CONTROL', severity: 'error', spec: 'hareliability-01 6.1.2, 7.8',
    summary: 'SwitchOver Request from the active HA, SwitchBack Request from a standby, replies without requests, multicast control, status misuse',
    description: 'A standby home agent asks to become active with a SwitchOver Request; the active one hands over with a SwitchBack Request '
      + '(hareliability-01 7.8). Each is answered by its Reply, sent unicast; the Status field is meaningful only in replies.',
    example: 'A SwitchOver Request from the HA whose Hellos carry the A flag.',
  },
  create(context) {
    const s = haSet(context);
    const x = exchanges(context);
    return {
      message: {
        homeAgentHello: withHellos(s),
        ...withExchanges(x, {
          homeAgentControl(f) {
            const name = CTRL_NAMES[f.subtype] ?? `type ${f.subtype}`;
            if (f.dstMulticast) context.report(f, `${name} sent to a multicast address`, { flow: arrow(context, f.src, f.dst) });
            const active = s.memberActive(f.src, f.time);
            if (f.subtype === CTRL.switchOverRequest && active === true) context.report(f, 'SwitchOver Request from the active home agent (only a standby asks to take over)', { flow: arrow(context, f.src, f.dst) });
            else if (f.subtype === CTRL.switchBackRequest && active === false) context.report(f, 'SwitchBack Request from a standby home agent (only the active one hands over)', { flow: arrow(context, f.src, f.dst) });
            else if ((f.subtype === CTRL.switchOverReply || f.subtype === CTRL.switchBackReply) && !x.ev.answers) context.report(f, `${name} without a matching request from ${context.name(f.dst)}`, { flow: arrow(context, f.src, f.dst) });
            if ((f.subtype === CTRL.switchOverRequest || f.subtype === CTRL.switchBackRequest) && f.status > 0) context.report(f, `${name} with Status ${f.status} (status belongs in replies)`, { flow: arrow(context, f.src, f.dst) });
          },
        }),
      },
    };
  },
};

export const harLinkTraversal: Rule = {
  meta: {
    id: 'HAR-LINK-TRAVERSAL', severity: 'error', spec: 'hareliability-01 7.8, 10',
    summary: 'standby active sooner than LINK_TRAVERSAL_TIME after its SwitchBack Reply',
    description: 'After sending the SwitchBack Reply the standby waits LINK_TRAVERSAL_TIME (150 ms) before activating, so the old active home agent '
      + 'has received the reply and stopped serving (hareliability-01 7.8).',
    example: 'SwitchBack Reply at 5.010 s and the standby\'s first Hello with A at 5.050 s.',
  },
  create(context) {
    const s = haSet(context);
    const ltt = context.constants.LINK_TRAVERSAL_TIME;
    return {
      message: {
        homeAgentControl(f) {
          if (f.subtype !== CTRL.switchBackReply) return;
          const m = s.members.get(f.src);
          if (m) m.switchBackReplyAt = f.time;
        },
        homeAgentHello: withHellos(s, (f) => {
          const m = s.ev.member;
          if (!m || !s.ev.becameActive || m.switchBackReplyAt < 0) return;
          const waited = f.time - m.switchBackReplyAt;
          m.switchBackReplyAt = -1;
          if (context.early(waited, ltt)) context.report(f, `active ${secs(waited)} after its SwitchBack Reply; LINK_TRAVERSAL_TIME is ${secs(ltt)}`, { flow: context.name(f.src) });
        }),
      },
    };
  },
};

export const harBackoff: Rule = {
  meta: {
    id: 'HAR-BACKOFF', severity: 'error', spec: 'hareliability-01 7.7, 7.8, 10',
    summary: 'State Sync / SwitchOver / SwitchBack retransmissions not starting at their timers and doubling to MAX_HARELIABILITY_TIMEOUT',
    description: 'Unanswered State Synchronization Requests are retransmitted after INITIAL_STATE_SYNC_REQ_TIMER (3 s), SwitchOver and SwitchBack '
      + 'Requests after INITIAL_SWITCHOVER_REQ_TIMER / INITIAL_SWITCHBACK_REQ_TIMER (1 s), each wait doubling up to MAX_HARELIABILITY_TIMEOUT (16 s).',
    example: 'A State Synchronization Request retransmitted after 1 s.',
  },
  create(context) {
    const x = exchanges(context);
    const c = context.constants;
    const check = (f: Facts, initial: number, what: string): void => {
      const ev = x.ev;
      if (!ev.request || ev.retransmission === 0) return;
      const want = backoffShortfall(context, ev.interval, ev.retransmission, initial, c.MAX_HARELIABILITY_TIMEOUT);
      if (want > 0) context.report(f, `${what} retransmission ${ev.retransmission} after ${secs(ev.interval)}, expected at least ${secs(want)}`, { flow: ev.request.flow });
    };
    return {
      message: withExchanges(x, {
        stateSynchronization: (f) => check(f, c.INITIAL_STATE_SYNC_REQ_TIMER, 'State Synchronization Request'),
        homeAgentControl: (f) => check(f, f.subtype === CTRL.switchOverRequest ? c.INITIAL_SWITCHOVER_REQ_TIMER : c.INITIAL_SWITCHBACK_REQ_TIMER, CTRL_NAMES[f.subtype] ?? 'request'),
      }),
    };
  },
};

const INTER_HA_KINDS = ['homeAgentHello', 'stateSynchronization', 'homeAgentControl', 'hahaHello', 'bindingInformationRequest', 'bindingInformationUpdate', 'bindingInformationAck', 'haSwitchRequest'] as const;

export const harRate: Rule = {
  meta: {
    id: 'HAR-RATE', severity: 'warning', spec: 'hareliability-01 6; RFC 6275 11.8',
    summary: 'more than MAX_UPDATE_RATE messages a second to one peer HA',
    description: 'Signalling between home agents (Hellos, State Synchronization, Home Agent Control, HAHA) follows the MAX_UPDATE_RATE limit of '
      + 'RFC 6275 11.8 per peer, all message types together. Reported once per burst.',
    example: 'Six Hellos from HA1 to HA2 within one second.',
  },
  create(context) {
    const { limit, window: W, within } = rateLimit(context.constants.MAX_UPDATE_RATE);
    // Per pair of home agents (few), a pair quiet for the window is forgotten.
    const peers = new RecentRates(limit, W, 64, 4096);
    const count = (f: Facts): void => {
      if (f.dstMulticast || f.src === 0) return;
      if (peers.add(f.src, f.dst, 0, f, W - context.tolerance(W), W)) {
        context.report(f, `more than ${limit} messages within ${within} to one peer home agent (MAX_UPDATE_RATE)`, { flow: arrow(context, f.src, f.dst) });
      }
    };
    // The messages between home agents only: a BU or BA never reaches this rule.
    return { message: Object.fromEntries(INTER_HA_KINDS.map((k) => [k, count])) };
  },
};

export const HAR_RULES: readonly Rule[] = [harHelloSequence, harHelloSource, harHelloGroup, harHelloUnanswered, harHelloInterval, harSplitBrain,
  harFailover, harSwitchCoverage, harSyncIdentifier, harSyncOptions, harSyncUnanswered, harControl, harLinkTraversal, harBackoff, harRate];
