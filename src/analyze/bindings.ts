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
  /** When the binding runs out (packet time of the accepting BA plus its lifetime). */
  expires: number;
}

/** Cells of a binding's slot (see FlowMap): its HA's address id, and when it runs out. */
const HA = 2;
const EXPIRES = 3;

/**
 * The table keeps a binding's numbers in its slot (FlowMap columns): a BA's
 * update and a rule's currentHa() read one cache line, on a table with an
 * entry per mobile node.
 */
export class BindingTable {
  private readonly byHome = new FlowMap<never>(16, undefined, 2);

  /** The MN's current HA key, 0 when unknown or expired at `now`. */
  currentHa(home: number, now: number): number {
    const at = this.byHome.findCells(home);
    if (at < 0) return 0;
    const cells = this.byHome.cells;
    return cells[at + EXPIRES]! >= now ? cells[at + HA]! : 0;
  }

  get(home: number): Binding | undefined {
    const at = this.byHome.findCells(home);
    if (at < 0) return undefined;
    const cells = this.byHome.cells;
    return { home, ha: cells[at + HA]!, expires: cells[at + EXPIRES]! };
  }

  /** An accepted BA (status < 128) from `ha` for `home`; lifetime 0 removes (RFC 6275 10.3.2). */
  accepted(home: number, ha: number, lifetime: number, at: Origin): void {
    const map = this.byHome;
    if (lifetime === 0) {
      const c = map.findCells(home);
      if (c >= 0 && map.cells[c + HA] === ha) map.delete(home);
      return;
    }
    const c = map.slot(home);
    map.cells[c + HA] = ha;
    map.cells[c + EXPIRES] = at.time + lifetime;
  }

  /** Home addresses bound to `ha` at `now`. */
  servedBy(ha: number, now: number): number[] {
    const out: number[] = [];
    const cells = this.byHome.cells;
    this.byHome.forEachSlot((home, at) => { if (cells[at + HA] === ha && cells[at + EXPIRES]! >= now) out.push(home); });
    return out;
  }

  /** Forget bindings expired before `now`. */
  sweep(now: number): void {
    const cells = this.byHome.cells;
    this.byHome.removeWhere((_, at) => cells[at + EXPIRES]! < now);
  }

  get size(): number {
    return this.byHome.size;
  }

  /** Address ids the live bindings refer to (kept when the address table is swept). */
  addressesInUse(): Set<number> {
    const ids = new Set<number>();
    const cells = this.byHome.cells;
    this.byHome.forEachSlot((home, at) => { ids.add(home); ids.add(cells[at + HA]!); });
    return ids;
  }
}
