/**
 * Who is registered where: the binding cache as the capture shows it, built
 * from accepted Binding Acknowledgements for home registrations (RFC 6275 10.3).
 * Several rule families ask it (which HA is an MN's current one, which MNs a
 * failed HA served), so the engine keeps one copy and updates it after the
 * rules have seen each packet.
 */
import { FlowMap } from './flowmap.js';
import type { Origin } from './types.js';

export interface Binding {
  home: number;
  ha: number;
  /** Packet time of the accepting BA, and when the binding runs out. */
  since: number;
  expires: number;
  last: number;
}

export class BindingTable {
  private readonly byHome = new FlowMap<Binding>();

  /** The MN's current HA key, 0 when unknown or expired at `now`. */
  currentHa(home: number, now: number): number {
    const b = this.byHome.get(home);
    return b && b.expires >= now ? b.ha : 0;
  }

  get(home: number): Binding | undefined {
    return this.byHome.get(home);
  }

  /** An accepted BA (status < 128) from `ha` for `home`; lifetime 0 removes (RFC 6275 10.3.2). */
  accepted(home: number, ha: number, lifetime: number, at: Origin): void {
    const b = this.byHome.get(home);
    if (lifetime === 0) {
      if (b && b.ha === ha) this.byHome.delete(home);
      return;
    }
    if (b) {
      b.ha = ha;
      b.since = at.time;
      b.expires = at.time + lifetime;
      b.last = at.time;
    } else {
      this.byHome.set(home, { home, ha, since: at.time, expires: at.time + lifetime, last: at.time });
    }
  }

  /** Home addresses bound to `ha` at `now`. */
  servedBy(ha: number, now: number): number[] {
    const out: number[] = [];
    for (const b of this.byHome.values()) if (b.ha === ha && b.expires >= now) out.push(b.home);
    return out;
  }

  /** Forget bindings expired before `now`. */
  sweep(now: number): void {
    this.byHome.removeWhere((b) => b.expires < now);
  }

  get size(): number {
    return this.byHome.size;
  }

  /** Address ids the live bindings refer to (kept when the address table is swept). */
  addressesInUse(): Set<number> {
    const ids = new Set<number>();
    for (const b of this.byHome.values()) { ids.add(b.home); ids.add(b.ha); }
    return ids;
  }
}
