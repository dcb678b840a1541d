/**
 * VHAR-*: virtual home agent reliability (draft-jfaizan-mipv6-vhar-02):
 * ICMPv6 161-167 between home agents on the home link, and the A/B flags of
 * their Router Advertisements (SPEC-NOTES 5).
 */
import { key2, key3 } from '../address.js';
import type { Facts } from '../facts.js';
import type { Rule } from '../types.js';
import { arrow, secs, seen, type Seen } from './util.js';

const RA = 134;
const REQUESTS: Readonly<Record<number, string>> = { 161: 'MN Release Request', 163: 'MN Context Update Request', 165: 'SP Synch' };
const SEQNO_SYNCH = 167;

function isVhar(f: Facts): boolean {
  return f.vhar && f.subtype >= 161 && f.subtype <= 167;
}

export const vharLinkLocal: Rule = {
  meta: {
    id: 'VHAR-LINK-LOCAL', severity: 'error', spec: 'vhar-02 6.2-6.8',
    summary: 'VHAR message not link-local to link-local',
    description: 'The VHAR messages are exchanged between home agents on the home link; source and destination MUST be link-local unicast addresses.',
    example: 'An MN Context Update Request from 2001:db8:1::a1.',
  },
  create(context) {
    return {
      icmpv6(f) {
        if (isVhar(f) && (!f.srcLinkLocal || !f.dstLinkLocal)) context.report(f, `VHAR ICMPv6 type ${f.subtype} between ${context.name(f.src)} and ${context.name(f.dst)}: both must be link-local unicast`, { flow: arrow(context, f.src, f.dst) });
      },
    };
  },
};

export const vharFlags: Rule = {
  meta: {
    id: 'VHAR-FLAGS', severity: 'error', spec: 'vhar-02 4.2, 6.1',
    summary: 'Router Advertisement with both A and B',
    description: 'A home agent is either the Active (A) or a Backup (B) home agent of the link; a Router Advertisement with H set must not carry both.',
    example: 'An RA from fe80::a2 with H, A and B set.',
  },
  create(context) {
    return {
      icmpv6(f) {
        if (f.subtype === RA && f.active && f.backup) context.report(f, 'Router Advertisement claims both Active (A) and Backup (B) home agent', { flow: context.name(f.src) });
      },
    };
  },
};

/** A home agent advertising on the link; `src` its address id. */
interface Router { src: number; active: boolean; backup: boolean; lastRa: number; interval: number; last: number }

/** Which home agents advertise what on the link (per capture file: one file is one link). */
function routers(context: Parameters<Rule['create']>[0]) {
  return context.shared('vhar-routers', () => ({ byKey: context.flows<Router>(), frame: -1, fileIndex: -1, previous: null as Router | null, prevActive: false }));
}

function observeRa(r: ReturnType<typeof routers>, f: Facts): Router | null {
  if (f.subtype !== RA || !f.homeFlag) return null;
  const k = key2(f.src, f.fileIndex + 1);
  if (r.frame === f.frame && r.fileIndex === f.fileIndex) return r.byKey.get(k) ?? null;
  r.frame = f.frame;
  r.fileIndex = f.fileIndex;
  let x = r.byKey.get(k);
  if (!x) { x = { src: f.src, active: false, backup: false, lastRa: f.time, interval: 0, last: f.time }; r.byKey.set(k, x); r.prevActive = false; }
  else { x.interval = f.time - x.lastRa; r.prevActive = x.active; }
  x.active = f.active;
  x.backup = f.backup;
  x.lastRa = f.time;
  x.last = f.time;
  return x;
}

export const vharActive: Rule = {
  meta: {
    id: 'VHAR-ACTIVE', severity: 'error', spec: 'vhar-02 4.2',
    summary: 'more than one Active HA on a link at once',
    description: 'One home agent of the link is Active. Two home agents advertising A is a conflict once both keep doing so: reported when an '
      + 'HA that saw another claim A still advertises A itself afterwards, once per conflict (again only after one of the two has stopped '
      + 'advertising A).',
    example: 'RAs with A from fe80::a1 and fe80::a2 alternating.',
  },
  create(context) {
    const r = routers(context);
    // Conflicts reported and still on, by router key: the other router's key.
    const conflicts = context.flows<{ other: number; last: number }>();
    const end = (k: number): void => {
      const c = conflicts.get(k);
      if (!c) return;
      conflicts.delete(k);
      if (conflicts.get(c.other)?.other === k) conflicts.delete(c.other);
    };
    return {
      icmpv6(f) {
        const me = observeRa(r, f);
        if (!me) return;
        const mine = key2(f.src, f.fileIndex + 1);
        // This HA no longer claims A: any conflict it was in is over.
        if (!f.active) { end(mine); return; }
        // Conflict: another HA whose latest RA says A, and that already said A before this HA's previous RA.
        if (!r.prevActive) return;
        for (const [k, o] of r.byKey.entries()) {
          if (o === me || !o.active || k === mine) continue;
          if (o.lastRa > me.lastRa - me.interval && o.lastRa < me.lastRa && me.interval > 0) {
            const c = conflicts.get(mine);
            if (c && c.other === k) { c.last = f.time; return; }
            conflicts.set(mine, { other: k, last: f.time });
            conflicts.set(k, { other: mine, last: f.time });
            context.report(f, `${context.name(f.src)} advertises itself as Active while ${context.name(o.src)} still does`, { flow: context.name(f.src) });
            return;
          }
        }
      },
    };
  },
};

export const vharBackups: Rule = {
  meta: {
    id: 'VHAR-BACKUPS', severity: 'warning', spec: 'vhar-02 4.2, 4.4.2',
    summary: 'fewer than two Backup HAs on the link',
    description: 'VHAR expects at least two Backup home agents per link, so one failure leaves a backup. Reported at the end of a capture whose '
      + 'Router Advertisements showed an Active home agent but never two Backup home agents at once.',
    example: 'An active HA and a single backup.',
  },
  create(context) {
    const r = routers(context);
    let most = 0;
    let sawActive: Seen | null = null;
    return {
      icmpv6(f) {
        const me = observeRa(r, f);
        if (!me) return;
        if (f.active && !sawActive) sawActive = seen(f);
        let n = 0;
        for (const o of r.byKey.values()) if (o.backup && f.time - o.lastRa <= Math.max(3 * o.interval, 1)) n++;
        if (n > most) most = n;
      },
      finish() {
        if (sawActive && most < 2) context.report(sawActive, `at most ${most} Backup home agent${most === 1 ? '' : 's'} on the link at once; VHAR wants at least two`);
      },
    };
  },
};

export const vharUnanswered: Rule = {
  meta: {
    id: 'VHAR-UNANSWERED', severity: 'error', spec: 'vhar-02 4.3, 5.1, 6.2-6.7',
    summary: 'Release, Context Update or SP Synch without its reply',
    description: 'MN Release Request, MN Context Update Request and SP Synch are answered by their replies (162, 164, 166) with the same Identifier.',
    example: 'An SP Synch to a backup HA with no SP Reply.',
  },
  create(context) {
    interface Req { at: Seen; identifier: number; answered: boolean; name: string; last: number }
    const reqs = context.flows<Req>();
    const wait = 2 * context.constants.INITIAL_BINDACK_TIMEOUT;
    return {
      icmpv6(f) {
        if (!isVhar(f) || f.identifier < 0) return;
        const name = REQUESTS[f.subtype];
        if (name) {
          const k = key3(f.src, f.dst, f.subtype * 65536 + f.identifier);
          if (reqs.get(k)) return;
          // Facts are reused for the next packet: whatever the timer reports is copied out of f now.
          const q: Req = { at: seen(f), identifier: f.identifier, answered: false, name, last: f.time };
          reqs.set(k, q);
          const flow = arrow(context, f.src, f.dst);
          context.setTimer(f.time + wait + context.tolerance(wait), (now, atEnd) => {
            if (reqs.get(k) === q) reqs.delete(k);
            if (q.answered || (atEnd && context.early(now - q.at.time, wait / 2))) return;
            context.report(q.at, `${q.name} ${q.identifier} got no reply`, { flow });
          });
        } else if (f.subtype === 162 || f.subtype === 164 || f.subtype === 166) {
          const q = reqs.get(key3(f.dst, f.src, (f.subtype - 1) * 65536 + f.identifier));
          if (q) q.answered = true;
        }
      },
    };
  },
};

export const vharSeqnoSync: Rule = {
  meta: {
    id: 'VHAR-SEQNO-SYNC', severity: 'error', spec: 'vhar-02 5.1, 6.8',
    summary: 'SeqNo Synch not sent twice',
    description: 'SeqNo Synch is never acknowledged, so the sender sends each one twice. Reported when a SeqNo Synch (same SPI and sequence number '
      + 'to the same HA) is seen once, or more than twice.',
    example: 'A single SeqNo Synch for SPI 0x10000001.',
  },
  create(context) {
    interface Copy { at: Seen; count: number; last: number }
    const copies = context.flows<Copy>();
    const wait = context.constants.INITIAL_BINDACK_TIMEOUT;
    return {
      icmpv6(f) {
        if (!isVhar(f) || f.subtype !== SEQNO_SYNCH) return;
        const k = key3(key2(f.src, f.dst), f.vharSpi + 1, f.vharSeq + 1);
        const c = copies.get(k);
        if (c) { c.count++; c.last = f.time; return; }
        const n: Copy = { at: seen(f), count: 1, last: f.time };
        copies.set(k, n);
        const flow = arrow(context, f.src, f.dst);
        context.setTimer(f.time + wait + context.tolerance(wait), (now, atEnd) => {
          copies.delete(k);
          if (n.count === 2 || (atEnd && n.count === 1 && context.early(now - n.at.time, wait))) return;
          context.report(n.at, `SeqNo Synch sent ${n.count === 1 ? 'once' : `${n.count} times`}; it is sent exactly twice`, { flow });
        });
      },
    };
  },
};

export const vharFailover: Rule = {
  meta: {
    id: 'VHAR-FAILOVER', severity: 'info', spec: 'vhar-02 4.4.1',
    summary: 'measured VHAR failover (info)',
    description: 'When a Backup home agent starts advertising A after the Active one went silent, the time from the old Active HA\'s last '
      + 'Router Advertisement to the new one\'s first RA with A.',
    example: 'fe80::a2 active 3.1 s after fe80::a1\'s last RA.',
  },
  create(context) {
    const r = routers(context);
    let lastActive: { key: number; time: number } | null = null;
    return {
      icmpv6(f) {
        const me = observeRa(r, f);
        if (!me || !f.active) return;
        // A takeover, not a conflict: the old Active HA stopped advertising A or went quiet for a whole RA interval.
        const o = lastActive ? r.byKey.get(key2(lastActive.key, f.fileIndex + 1)) : undefined;
        const gone = !o || !o.active || f.time - o.lastRa >= Math.max(o.interval, 1) - context.tolerance(Math.max(o.interval, 1));
        if (lastActive && lastActive.key !== f.src && !r.prevActive && gone) {
          context.report(f, `${context.name(f.src)} became the Active home agent ${secs(f.time - lastActive.time)} after ${context.name(lastActive.key)}'s last RA as Active`, { flow: arrow(context, lastActive.key, f.src) });
        }
        if (lastActive && lastActive.key === f.src) lastActive.time = f.time;
        else lastActive = { key: f.src, time: f.time };
      },
    };
  },
};

export const VHAR_RULES: readonly Rule[] = [vharLinkLocal, vharFlags, vharActive, vharBackups, vharUnanswered, vharSeqnoSync, vharFailover];
