/**
 * Who is registered where: the binding cache as the capture shows it, built
 * from accepted Binding Acknowledgements for home registrations (RFC 6275 10.3).
 * Several rule families ask it (which HA is an MN's current one, which MNs a
 * failed HA served), so the engine keeps one copy and updates it after the
 * rules have seen each packet.
 */
import type { Origin } from './types.js';

export interface Binding {
  home: number;
  ha: number;
  /** When the binding runs out (packet time of the accepting BA plus its lifetime). */
  expires: number;
}

/**
 * The table is indexed by the home address's id (address.ts: small integers,
 * handed out densely and recycled), two numbers an id: its HA's id (0: no
 * binding) and when the binding runs out. A BA's update and a rule's
 * currentHa() read one cache line at a known place, with no key to hash or
 * compare, on a table with an entry per mobile node. Ids of live bindings are
 * kept by the engine when it recycles addresses (addressesInUse), so an id
 * never changes its address while its binding lives.
 */
export class BindingTable {
  /** [HA id, expires] at 2 * home id. */
  private cells = new Float64Array(2 * 1024);
  /** Ids below this may hold a binding (the highest home id seen, plus one). */
  private top = 1;
  private count = 0;

  /** The MN's current HA key, 0 when unknown or expired at `now`. */
  currentHa(home: number, now: number): number {
    const i = 2 * home;
    const cells = this.cells;
    if (i >= cells.length) return 0;
    return cells[i + 1]! >= now ? cells[i]! : 0;
  }

  get(home: number): Binding | undefined {
    const i = 2 * home;
    const cells = this.cells;
    if (i >= cells.length || cells[i] === 0) return undefined;
    return { home, ha: cells[i]!, expires: cells[i + 1]! };
  }

  /** An accepted BA (status < 128) from `ha` for `home`; lifetime 0 removes (RFC 6275 10.3.2). */
  accepted(home: number, ha: number, lifetime: number, at: Origin): void {
    const i = 2 * home;
    if (lifetime === 0) {
      if (i < this.cells.length && this.cells[i] === ha) this.remove(i);
      return;
    }
    if (i >= this.cells.length) this.grow(i);
    const cells = this.cells;
    if (cells[i] === 0) {
      this.count++;
      if (home >= this.top) this.top = home + 1;
    }
    cells[i] = ha;
    cells[i + 1] = at.time + lifetime;
  }

  /** Home addresses bound to `ha` at `now`, by id. */
  servedBy(ha: number, now: number): number[] {
    const out: number[] = [];
    const cells = this.cells;
    for (let home = 1; home < this.top; home++) {
      if (cells[2 * home] === ha && cells[2 * home + 1]! >= now) out.push(home);
    }
    return out;
  }

  /** Forget bindings expired before `now`. */
  sweep(now: number): void {
    const cells = this.cells;
    for (let home = 1; home < this.top; home++) {
      if (cells[2 * home] !== 0 && cells[2 * home + 1]! < now) this.remove(2 * home);
    }
  }

  get size(): number {
    return this.count;
  }

  /** Address ids the live bindings refer to (kept when the address table is swept). */
  addressesInUse(): Set<number> {
    const ids = new Set<number>();
    const cells = this.cells;
    for (let home = 1; home < this.top; home++) {
      if (cells[2 * home] !== 0) { ids.add(home); ids.add(cells[2 * home]!); }
    }
    return ids;
  }

  private remove(i: number): void {
    this.cells[i] = 0;
    this.cells[i + 1] = 0;
    this.count--;
  }

  private grow(i: number): void {
    let n = this.cells.length * 2;
    while (n <= i + 1) n *= 2;
    const cells = new Float64Array(n);
    cells.set(this.cells);
    this.cells = cells;
  }
}
