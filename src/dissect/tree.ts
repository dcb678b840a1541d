/**
 * The protocol tree of one packet, stored flat in preallocated typed arrays
 * (an arena reused for every packet), so dissection allocates nothing.
 *
 * An item is a field occurrence: which field, where its bytes are (buffer, start,
 * length), its numeric value, and its parent item. Addresses, byte strings and
 * text are not materialised: outputs read them from the buffer when asked.
 */
import { FT, type FieldDef, fieldById } from './fields.js';

/** Expert-info severities, as Wireshark names them. */
export type NoteSeverity = 'error' | 'warning' | 'note' | 'chat';

export interface Note {
  /** Item the note is attached to (-1: the packet as a whole). */
  item: number;
  severity: NoteSeverity;
  /** Stable problem group, e.g. "mip6.checksum", "mip6.option.align" (for filtering and rules). */
  group: string;
  text: string;
}

/** Formats the one-line Info column from the tree; set by the deepest dissector that wants it. */
export type InfoFormatter = (tree: Tree, item: number) => string;

const DEFAULT_CAPACITY = 2048;

/** Item flags. */
export const ItemFlag = {
  /** Computed, not present in the packet (Wireshark's [brackets]). */
  Generated: 1,
  /** Hidden from the tree view, still in JSON and filters. */
  Hidden: 2,
} as const;

/**
 * A set of fields an Info formatter looks up together: Tree.firstsWithin finds the
 * first occurrence of each inside a subtree in one pass instead of one firstWithin each.
 * Built once at module load.
 */
export class FieldSet {
  declare readonly size: number;
  /** Slot of each field id in the set, -1 for the others. */
  private declare readonly slotOf: Int16Array;
  /** The result of the last firstsWithin: item per slot, -1 when absent (reused). */
  declare readonly found: Int32Array;

  constructor(defs: readonly FieldDef[]) {
    this.size = defs.length;
    let max = 0;
    for (const d of defs) max = Math.max(max, d.id);
    this.slotOf = new Int16Array(max + 1).fill(-1);
    defs.forEach((d, k) => {
      if (this.slotOf[d.id] !== -1) throw new Error(`field ${d.abbrev} is twice in a FieldSet`);
      this.slotOf[d.id] = k;
    });
    this.found = new Int32Array(defs.length);
  }

  slot(fieldId: number): number {
    return fieldId < this.slotOf.length ? this.slotOf[fieldId]! : -1;
  }
}

export class Tree {
  // The arrays are `declare`d and set in the constructor: a class field without an
  // initializer would first be defined as undefined, and V8 would then no longer
  // know the field's type, checking it on every store in add().
  count = 0;
  declare readonly capacity: number;
  declare readonly field: Uint16Array;
  declare readonly parent: Int32Array;
  declare readonly buf: Uint8Array;
  declare readonly start: Uint32Array;
  declare readonly length: Uint32Array;
  declare readonly value: Float64Array;
  declare readonly flags: Uint8Array;
  /** buffers[0] is the frame; later ones are reassembled or decrypted data. */
  readonly buffers: Uint8Array[] = [];
  readonly bufferNames: string[] = [];
  /** Expert info for this packet; only packets with problems allocate. */
  notes: Note[] = [];
  /** Set when the packet had more items than the arena holds. */
  overflow = false;

  /** Protocol column (a constant string, set by the deepest dissector). */
  protocol = '';
  /** Items whose values are the packet's source/destination columns (-1: none). */
  srcItem = -1;
  dstItem = -1;
  /**
   * The last IPv6 source and destination address items added (the innermost header
   * of a tunnel; an ICMPv6 error puts back its own after the packet it quotes), -1
   * when none: what the analyzer takes as the packet's addresses, without searching the tree.
   */
  lastIpv6Src = -1;
  lastIpv6Dst = -1;
  /** Info column formatter and the item it starts from. */
  info: InfoFormatter | null = null;
  infoItem = -1;

  /** The bytes of flags and buf as 8-byte words (all-zero bits are 0.0), for clearing. */
  private declare readonly flags8: Float64Array;
  private declare readonly buf8: Float64Array;
  /**
   * First occurrence of each field id in this packet, as stamp * stampScale + item:
   * values below stamp * stampScale are from earlier packets (no clearing per packet).
   */
  private declare readonly firstAt: Float64Array;
  /** A power of two above every item index. */
  private declare readonly stampScale: number;
  private stamp = 1;
  /** Items [0, indexed) are in firstAt. */
  private indexed = 0;

  constructor(capacity = DEFAULT_CAPACITY, fieldCapacity = 4096) {
    this.capacity = capacity;
    this.field = new Uint16Array(capacity);
    this.parent = new Int32Array(capacity);
    // flags and buf in whole 8-byte words, so reset() can clear them through Float64Arrays over them.
    const words = Math.ceil(capacity / 8);
    this.buf = new Uint8Array(new ArrayBuffer(words * 8), 0, capacity);
    this.buf8 = new Float64Array(this.buf.buffer, 0, words);
    this.start = new Uint32Array(capacity);
    this.length = new Uint32Array(capacity);
    this.value = new Float64Array(capacity);
    this.flags = new Uint8Array(new ArrayBuffer(words * 8), 0, capacity);
    this.flags8 = new Float64Array(this.flags.buffer, 0, words);
    this.firstAt = new Float64Array(fieldCapacity);
    let scale = 1;
    while (scale <= capacity) scale *= 2;
    this.stampScale = scale;
  }

  /** Start a new packet whose bytes are `data`. */
  reset(data: Uint8Array): void {
    // add() writes flags and buf only when they are not zero: clear the last packet's
    // here, eight at a time (past `count` they are already zero).
    const words = (this.count + 7) >>> 3;
    const flags8 = this.flags8;
    const buf8 = this.buf8;
    for (let w = 0; w < words; w++) {
      flags8[w] = 0;
      buf8[w] = 0;
    }
    this.count = 0;
    this.indexed = 0;
    // Emptied with pop(): setting an array's length is a runtime call, pop() is inlined.
    while (this.buffers.length > 1) {
      this.buffers.pop();
      this.bufferNames.pop();
    }
    this.buffers[0] = data;
    this.bufferNames[0] = 'Frame';
    if (this.notes.length !== 0) this.notes = [];
    this.overflow = false;
    this.protocol = '';
    this.srcItem = -1;
    this.dstItem = -1;
    this.lastIpv6Src = -1;
    this.lastIpv6Dst = -1;
    this.info = null;
    this.infoItem = -1;
    this.stamp = (this.stamp + 1) >>> 0;
    if (this.stamp === 0) {
      this.firstAt.fill(0);
      this.stamp = 1;
    }
  }

  /** Register an extra data source (reassembled, decrypted); returns its buffer index. */
  addBuffer(data: Uint8Array, name: string): number {
    this.buffers.push(data);
    this.bufferNames.push(name);
    return this.buffers.length - 1;
  }

  /**
   * Add a field occurrence. Returns the item index, or -1 when the arena is full
   * (the packet is then marked as overflowing; later adds are ignored).
   */
  add(parent: number, def: FieldDef, buf: number, start: number, length: number, value?: number): number {
    // Kept small (no default parameter; flags, and buf when 0, cleared by reset) so
    // TurboFan inlines it into the dissectors: its bytecode size is what the inlining
    // budget counts.
    const i = this.count;
    if (i >= this.capacity) return this.full();
    this.field[i] = def.id;
    this.parent[i] = parent;
    if (buf !== 0) this.buf[i] = buf;
    this.start[i] = start;
    this.length[i] = length;
    this.value[i] = value === undefined ? 0 : value;
    this.count = i + 1;
    return i;
  }

  /** Add a computed field (not in the packet bytes). Same as add() with the Generated flag, written out for speed. */
  addGenerated(parent: number, def: FieldDef, value: number, buf = 0, start = 0, length = 0): number {
    const i = this.count;
    if (i >= this.capacity) return this.full();
    this.field[i] = def.id;
    this.parent[i] = parent;
    if (buf !== 0) this.buf[i] = buf;
    this.start[i] = start;
    this.length[i] = length;
    this.value[i] = value;
    this.flags[i] = ItemFlag.Generated;
    this.count = i + 1;
    return i;
  }

  /**
   * Add one Bool item per flag: defs[k] with value 1 when word & masks[k] is set, else 0,
   * all at the same bytes. The same items as add() in a loop, written with the arrays
   * held in locals (an add() per flag in a loop costs about twice as much).
   */
  addFlags(parent: number, defs: readonly FieldDef[], masks: readonly number[], buf: number, start: number, length: number, word: number): void {
    const n = defs.length;
    const first = this.count;
    if (first + n > this.capacity) {
      for (let k = 0; k < n; k++) this.add(parent, defs[k]!, buf, start, length, (word & masks[k]!) !== 0 ? 1 : 0);
      return;
    }
    const field = this.field;
    const parents = this.parent;
    const bufs = this.buf;
    const starts = this.start;
    const lengths = this.length;
    const value = this.value;
    for (let k = 0; k < n; k++) {
      const i = first + k;
      field[i] = defs[k]!.id;
      parents[i] = parent;
      if (buf !== 0) bufs[i] = buf;
      starts[i] = start;
      lengths[i] = length;
      value[i] = (word & masks[k]!) !== 0 ? 1 : 0;
    }
    this.count = first + n;
  }

  /** The arena is full: note it once; the item is not added. */
  private full(): number {
    if (!this.overflow) {
      this.overflow = true;
      this.notes.push({ item: -1, severity: 'warning', group: 'tree.overflow', text: `more than ${this.capacity} fields; the rest of the packet is not shown` });
    }
    return -1;
  }

  /** Attach expert info. Never throws: dissectors report, they do not abort. */
  note(item: number, severity: NoteSeverity, group: string, text: string): void {
    this.notes.push({ item, severity, group, text });
  }

  /** Index of the first occurrence of a field in this packet, -1 if absent. O(1). */
  first(def: FieldDef): number {
    if (this.indexed !== this.count) this.indexFirsts();
    const fid = def.id;
    if (fid >= this.firstAt.length) return -1;
    const i = this.firstAt[fid]! - this.stamp * this.stampScale;
    // As a small integer: the difference is computed in floating point.
    return i >= 0 ? i | 0 : -1;
  }

  /**
   * Record the first occurrence of each field among the items added since the last
   * call. Done here, on the first lookup, rather than in add(): add() runs for every
   * item of every packet and must stay small enough to be inlined.
   */
  private indexFirsts(): void {
    const firstAt = this.firstAt;
    const field = this.field;
    const n = this.count;
    const base = this.stamp * this.stampScale;
    if (this.indexed === 0) {
      // The whole packet: backwards, so the first occurrence is the one written last.
      // Unrolled, as V8 checks the arrays once per loop iteration. (A field id past
      // firstAt's end is a store out of bounds, which does nothing.)
      let i = n - 1;
      for (; i >= 3; i -= 4) {
        firstAt[field[i]!] = base + i;
        firstAt[field[i - 1]!] = base + i - 1;
        firstAt[field[i - 2]!] = base + i - 2;
        firstAt[field[i - 3]!] = base + i - 3;
      }
      for (; i >= 0; i--) firstAt[field[i]!] = base + i;
    } else {
      // Items added since an earlier lookup in this packet: keep what is already there.
      for (let i = this.indexed; i < n; i++) {
        const fid = field[i]!;
        if (fid < firstAt.length && firstAt[fid]! < base) firstAt[fid] = base + i;
      }
    }
    this.indexed = n;
  }

  /** Index of the next occurrence of def after item `after`, -1 if none. */
  next(def: FieldDef, after: number): number {
    const fid = def.id;
    for (let i = after + 1; i < this.count; i++) if (this.field[i] === fid) return i;
    return -1;
  }

  /**
   * Index of the last occurrence of def before item `before` (the innermost IPv6
   * header carrying a message, say), -1 if none (or no def: a field no dissector
   * declares). Only the items between its first occurrence and `before` are looked
   * at (next() looks on to the end of the tree when there is no other occurrence).
   */
  lastBefore(def: FieldDef | undefined, before: number): number {
    if (def === undefined) return -1;
    let found = this.first(def);
    if (found < 0 || found >= before) return -1;
    const fid = def.id;
    const end = before < this.count ? before : this.count;
    for (let i = found + 1; i < end; i++) if (this.field[i] === fid) found = i;
    return found;
  }

  /** Numeric value of the first occurrence, or `fallback`. */
  num(def: FieldDef, fallback = -1): number {
    const i = this.first(def);
    return i < 0 ? fallback : this.value[i]!;
  }

  has(def: FieldDef): boolean {
    return this.first(def) >= 0;
  }

  /** Bytes of an item (a view). */
  bytes(item: number): Uint8Array {
    const b = this.buffers[this.buf[item]!]!;
    const s = this.start[item]!;
    return b.subarray(s, s + this.length[item]!);
  }

  /** The buffer an item's bytes live in and their offset (no allocation). */
  bufferOf(item: number): Uint8Array {
    return this.buffers[this.buf[item]!]!;
  }

  fieldOf(item: number): FieldDef {
    return fieldById(this.field[item]!);
  }

  isGenerated(item: number): boolean {
    return (this.flags[item]! & ItemFlag.Generated) !== 0;
  }

  /** Whether `item` lies inside the subtree rooted at `ancestor`. */
  isWithin(item: number, ancestor: number): boolean {
    for (let p = item; p >= 0; p = this.parent[p]!) if (p === ancestor) return true;
    return false;
  }

  /** First occurrence of def inside the subtree of `root`, -1 if none. */
  firstWithin(def: FieldDef, root: number): number {
    const fid = def.id;
    for (let i = root + 1; i < this.count; i++) if (this.field[i] === fid && this.isWithin(i, root)) return i;
    return -1;
  }

  /**
   * For each field of `set`, its first occurrence inside the subtree of `root` (what
   * firstWithin gives), in one pass; returns set.found, indexed like the set's fields.
   */
  firstsWithin(root: number, set: FieldSet): Int32Array {
    const found = set.found;
    let missing = set.size;
    for (let k = 0; k < missing; k++) found[k] = -1;
    for (let i = root + 1; i < this.count && missing > 0; i++) {
      const k = set.slot(this.field[i]!);
      if (k >= 0 && found[k] === -1 && ((root >= 0 && this.parent[i] === root) || this.isWithin(i, root))) {
        found[k] = i;
        missing--;
      }
    }
    return found;
  }

  /** Whether the item is an address-typed field (for columns). */
  isAddress(item: number): boolean {
    const t = this.fieldOf(item).type;
    return t === FT.IPv6 || t === FT.IPv4;
  }
}
