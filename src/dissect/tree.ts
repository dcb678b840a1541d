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

export class Tree {
  count = 0;
  readonly capacity: number;
  readonly field: Uint16Array;
  readonly parent: Int32Array;
  readonly buf: Uint8Array;
  readonly start: Uint32Array;
  readonly length: Uint32Array;
  readonly value: Float64Array;
  readonly flags: Uint8Array;
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
  /** Info column formatter and the item it starts from. */
  info: InfoFormatter | null = null;
  infoItem = -1;

  private readonly firstIndex: Int32Array;
  private readonly firstStamp: Uint32Array;
  private stamp = 1;

  constructor(capacity = DEFAULT_CAPACITY, fieldCapacity = 4096) {
    this.capacity = capacity;
    this.field = new Uint16Array(capacity);
    this.parent = new Int32Array(capacity);
    this.buf = new Uint8Array(capacity);
    this.start = new Uint32Array(capacity);
    this.length = new Uint32Array(capacity);
    this.value = new Float64Array(capacity);
    this.flags = new Uint8Array(capacity);
    this.firstIndex = new Int32Array(fieldCapacity);
    this.firstStamp = new Uint32Array(fieldCapacity);
  }

  /** Start a new packet whose bytes are `data`. */
  reset(data: Uint8Array): void {
    this.count = 0;
    this.buffers.length = 1;
    this.buffers[0] = data;
    this.bufferNames.length = 1;
    this.bufferNames[0] = 'Frame';
    if (this.notes.length !== 0) this.notes = [];
    this.overflow = false;
    this.protocol = '';
    this.srcItem = -1;
    this.dstItem = -1;
    this.info = null;
    this.infoItem = -1;
    this.stamp = (this.stamp + 1) >>> 0;
    if (this.stamp === 0) {
      this.firstStamp.fill(0);
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
  add(parent: number, def: FieldDef, buf: number, start: number, length: number, value = 0): number {
    const i = this.count;
    if (i >= this.capacity) {
      if (!this.overflow) {
        this.overflow = true;
        this.notes.push({ item: -1, severity: 'warning', group: 'tree.overflow', text: `more than ${this.capacity} fields; the rest of the packet is not shown` });
      }
      return -1;
    }
    const fid = def.id;
    this.field[i] = fid;
    this.parent[i] = parent;
    this.buf[i] = buf;
    this.start[i] = start;
    this.length[i] = length;
    this.value[i] = value;
    this.flags[i] = 0;
    if (fid < this.firstStamp.length && this.firstStamp[fid] !== this.stamp) {
      this.firstStamp[fid] = this.stamp;
      this.firstIndex[fid] = i;
    }
    this.count = i + 1;
    return i;
  }

  /** Add a computed field (not in the packet bytes). */
  addGenerated(parent: number, def: FieldDef, value: number, buf = 0, start = 0, length = 0): number {
    const i = this.add(parent, def, buf, start, length, value);
    if (i >= 0) this.flags[i] |= ItemFlag.Generated;
    return i;
  }

  /** Attach expert info. Never throws: dissectors report, they do not abort. */
  note(item: number, severity: NoteSeverity, group: string, text: string): void {
    this.notes.push({ item, severity, group, text });
  }

  /** Index of the first occurrence of a field in this packet, -1 if absent. O(1). */
  first(def: FieldDef): number {
    const fid = def.id;
    return fid < this.firstStamp.length && this.firstStamp[fid] === this.stamp ? this.firstIndex[fid]! : -1;
  }

  /** Index of the next occurrence of def after item `after`, -1 if none. */
  next(def: FieldDef, after: number): number {
    const fid = def.id;
    for (let i = after + 1; i < this.count; i++) if (this.field[i] === fid) return i;
    return -1;
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

  /** Whether the item is an address-typed field (for columns). */
  isAddress(item: number): boolean {
    const t = this.fieldOf(item).type;
    return t === FT.IPv6 || t === FT.IPv4;
  }
}
