/**
 * `-T fields -e FIELD ...`: one line per packet with the values of the fields
 * asked for, as tshark prints them, for scripts and spreadsheets.
 *
 * Values read as tshark's field dump has them: numbers in decimal (hex fields as
 * 0x with their digits), value-named numbers as the number, flags 1 or 0,
 * addresses as text, bytes as unseparated hex. A field that occurs more than once
 * gives every occurrence joined by the aggregator (-E occurrence and aggregator
 * choose). Beside the dissector's fields: the frame times tshark derives
 * (frame.time_relative, frame.time_delta, frame.time_delta_displayed, and
 * frame.time_epoch to the nanosecond) and the summary columns (_ws.col.Info ...).
 *
 * -E takes tshark's options (header=y, separator=, occurrence=, aggregator=,
 * quote=, escape=, bom=); any other -E argument is an ESP key (tcpdump syntax).
 */
import type { Frame } from '../capture/frame.js';
import { allFields, FT, fieldByAbbrev, type FieldDef } from '../dissect/fields.js';
import { toHex } from '../dissect/format.js';
import type { Tree } from '../dissect/tree.js';
import { closeNames } from '../filter/errors.js';
import { FIELD_OPTION_KEYS, isFieldOption } from './field-options.js';
import { elapsedText, FrameTimes } from './frame-times.js';
import { addressText, hasBytes, infoText, putValue } from './packets.js';
import { TimeColumn, type TimeFormat } from './time-column.js';
import { itemLabel, jsonValue } from './values.js';

/** A bad -e or -E: the caller turns it into its usage error. */
export class FieldsError extends Error {
  constructor(message: string, readonly hint = '') {
    super(message);
    this.name = 'FieldsError';
  }
}

export interface FieldPrintOptions {
  header: boolean;
  separator: string;
  /** 0: every occurrence; 1: the first; -1: the last. */
  occurrence: number;
  aggregator: string;
  /** '' (none), '"' or "'". */
  quote: string;
  escape: boolean;
  bom: boolean;
}

export const DEFAULT_FIELD_OPTIONS: FieldPrintOptions = {
  header: false, separator: '\t', occurrence: 0, aggregator: ',', quote: '', escape: true, bom: false,
};

/** "/t" tab, "/s" space, else the character given (tshark's spelling). */
function character(key: string, v: string): string {
  if (v === '/t') return '\t';
  if (v === '/s') return ' ';
  if (v.length === 1) return v;
  throw new FieldsError(`-E ${key}=${v}: give one character, /t (tab) or /s (space)`);
}

function yesNo(key: string, v: string): boolean {
  if (v === 'y') return true;
  if (v === 'n') return false;
  throw new FieldsError(`-E ${key}=${v}: give y or n`);
}

/** The print options from tshark-style -E key=value arguments (later ones win). */
export function parseFieldOptions(args: readonly string[]): FieldPrintOptions {
  const o = { ...DEFAULT_FIELD_OPTIONS };
  for (const arg of args) {
    const eq = arg.indexOf('=');
    const key = arg.slice(0, eq);
    const v = arg.slice(eq + 1);
    switch (key) {
      case 'header': o.header = yesNo(key, v); break;
      case 'escape': o.escape = yesNo(key, v); break;
      case 'bom': o.bom = yesNo(key, v); break;
      case 'separator': o.separator = character(key, v); break;
      case 'aggregator': o.aggregator = character(key, v); break;
      case 'quote':
        if (v === 'd') o.quote = '"';
        else if (v === 's') o.quote = "'";
        else if (v === 'n') o.quote = '';
        else throw new FieldsError(`-E quote=${v}: give d (double quotes), s (single) or n (none)`);
        break;
      case 'occurrence':
        if (v === 'a') o.occurrence = 0;
        else if (v === 'f') o.occurrence = 1;
        else if (v === 'l') o.occurrence = -1;
        else throw new FieldsError(`-E occurrence=${v}: give f (first), l (last) or a (all)`);
        break;
      default:
        throw new FieldsError(`-E ${arg}: not a field print option (${FIELD_OPTION_KEYS.join(', ')})`);
    }
  }
  return o;
}

type Derived = 'epoch' | 'relative' | 'delta' | 'deltaDisplayed';
type SummaryColumn = 'number' | 'time' | 'source' | 'destination' | 'protocol' | 'length' | 'info';

type Column =
  | { kind: 'field'; def: FieldDef }
  | { kind: 'derived'; what: Derived }
  | { kind: 'column'; what: SummaryColumn };

const DERIVED: Readonly<Record<string, Derived>> = {
  'frame.time_epoch': 'epoch',
  'frame.time_relative': 'relative',
  'frame.time_delta': 'delta',
  'frame.time_delta_displayed': 'deltaDisplayed',
};

/** The summary columns by tshark's names: the column title (4.0) or its format name (4.2 on), either case. */
const COLUMNS: Readonly<Record<string, SummaryColumn>> = {
  'no.': 'number', number: 'number',
  time: 'time', cls_time: 'time',
  source: 'source', def_src: 'source',
  destination: 'destination', def_dst: 'destination',
  protocol: 'protocol',
  length: 'length', packet_length: 'length',
  info: 'info',
};

function columnFor(name: string): Column | null {
  if (Object.hasOwn(DERIVED, name)) return { kind: 'derived', what: DERIVED[name]! };
  if (name.startsWith('_ws.col.')) {
    const c = name.slice(8).toLowerCase();
    return Object.hasOwn(COLUMNS, c) ? { kind: 'column', what: COLUMNS[c]! } : null;
  }
  const def = fieldByAbbrev(name);
  return def ? { kind: 'field', def } : null;
}

/** Every name -e takes (for suggestions). */
function knownNames(): string[] {
  return [...allFields().map((d) => d.abbrev), ...Object.keys(DERIVED), ...Object.keys(COLUMNS).map((c) => `_ws.col.${c}`)];
}

/** Check -e names; unknown ones are refused together, each with the close names. */
export function checkFieldNames(names: readonly string[]): void {
  const bad = names.filter((n) => columnFor(n) === null);
  if (bad.length === 0) return;
  const known = knownNames();
  const hints = bad.map((n) => {
    const close = closeNames(n, known, 3);
    return close.length ? `${n}: did you mean ${close.join(', ')}?` : `${n}: no such field`;
  });
  throw new FieldsError(`-e: ${bad.length === 1 ? 'not a field' : 'not fields'}: ${bad.join(', ')}`, hints.join('\n  '));
}

/** Whether printing these fields needs the packet printed before (so a read cannot be split in two). */
export function needsPreviousDisplayed(names: readonly string[]): boolean {
  return names.includes('frame.time_delta_displayed');
}

/** A field's value as tshark's field dump prints it. */
export function fieldText(tree: Tree, item: number): string {
  const def = tree.fieldOf(item);
  const v = tree.value[item]!;
  switch (def.type) {
    case FT.Protocol: return def.vals ? String(v) : itemLabel(tree, item);
    case FT.UInt: case FT.Int:
      return def.hex ? `0x${v.toString(16).padStart(def.dumpHex ?? def.hex, '0')}` : String(v);
    case FT.Bool: return v !== 0 ? '1' : '0';
    case FT.Bytes: return toHex(tree.bufferOf(item), tree.start[item]!, tree.length[item]!);
    default: {
      const j = jsonValue(tree, item);
      return j === null ? '' : String(j);
    }
  }
}

/**
 * Prints the chosen fields of each packet. seen() takes every frame read, shown
 * or not (frame.time_relative counts from the first, frame.time_delta from the
 * previous); line() the packets shown.
 */
export class FieldsPrinter {
  private readonly columns: Column[];
  /** Columns reading each field id. */
  private readonly byField = new Map<number, number[]>();
  private readonly values: number[][];
  private readonly times = new FrameTimes();
  /** _ws.col.Time in -t's format, as the summary line's column, measured from `times`. */
  private readonly timeColumn: TimeColumn;
  /** The first line printed still owes the byte order mark (bom=y without a header). */
  private bomPending = false;

  constructor(readonly names: readonly string[], readonly options: FieldPrintOptions = DEFAULT_FIELD_OPTIONS, timeFormat?: TimeFormat) {
    this.timeColumn = new TimeColumn(timeFormat ?? 'r', this.times);
    checkFieldNames(names);
    this.columns = names.map((n) => columnFor(n)!);
    this.columns.forEach((c, k) => {
      if (c.kind !== 'field') return;
      const list = this.byField.get(c.def.id);
      if (list) list.push(k);
      else this.byField.set(c.def.id, [k]);
    });
    this.values = this.columns.map(() => []);
  }

  /**
   * What the output starts with, once (not for a second part): the header line
   * (header=y) or null. With bom=y the byte order mark goes before the first line.
   */
  start(): string | null {
    const o = this.options;
    if (!o.header) { this.bomPending = o.bom; return null; }
    return `${o.bom ? '\ufeff' : ''}${this.names.join(o.separator)}`;
  }

  seen(frame: Frame): void {
    this.times.seen(frame);
  }

  line(tree: Tree, frame: Frame): string {
    const values = this.values;
    this.collect(tree);
    const o = this.options;
    let out = '';
    for (let k = 0; k < this.columns.length; k++) {
      if (k > 0) out += o.separator;
      const c = this.columns[k]!;
      out += this.quoted(c.kind === 'field' ? this.occurrences(tree, values[k]!) : this.columnText(c, tree, frame));
    }
    this.times.shown(frame);
    if (this.bomPending) { this.bomPending = false; out = `\ufeff${out}`; }
    return out;
  }

  /**
   * The chosen fields of a packet shown as JSON (-T json -e): each name once, in
   * the order given, with the values packetJson() gives it (a field occurring more
   * than once as an array, in packet order; with `raw`, its bytes as hex under
   * "<name>_raw"); the summary columns and derived times as the text -T fields
   * prints. A field the packet lacks is left out, as tshark leaves it out.
   */
  record(tree: Tree, frame: Frame, raw: boolean): Record<string, unknown> {
    const values = this.values;
    this.collect(tree);
    const out: Record<string, unknown> = {};
    for (let k = 0; k < this.columns.length; k++) {
      const name = this.names[k]!;
      if (Object.hasOwn(out, name)) continue;
      const c = this.columns[k]!;
      if (c.kind === 'field') {
        for (const i of values[k]!) {
          const v = jsonValue(tree, i);
          if (v !== null) putValue(out, name, v);
        }
        if (raw) for (const i of values[k]!) if (hasBytes(tree, i)) putValue(out, `${name}_raw`, toHex(tree.bufferOf(i), tree.start[i]!, tree.length[i]!));
      } else out[name] = this.columnText(c, tree, frame);
    }
    this.times.shown(frame);
    return out;
  }

  /** A derived time's or a summary column's text. */
  private columnText(c: Exclude<Column, { kind: 'field' }>, tree: Tree, frame: Frame): string {
    if (c.kind === 'derived') return this.derived(c.what, frame);
    return c.what === 'time' ? this.timeColumn.textOf(frame) : column(c.what, tree, frame);
  }

  /** The items of each field column (values[k]), in packet order. */
  private collect(tree: Tree): void {
    const values = this.values;
    for (let k = 0; k < values.length; k++) values[k]!.length = 0;
    if (this.byField.size === 0) return;
    const field = tree.field;
    for (let i = 0; i < tree.count; i++) {
      const cols = this.byField.get(field[i]!);
      if (cols) for (let c = 0; c < cols.length; c++) values[cols[c]!]!.push(i);
    }
  }

  private occurrences(tree: Tree, items: number[]): string {
    const n = items.length;
    if (n === 0) return '';
    const occ = this.options.occurrence;
    if (occ === -1) return fieldText(tree, items[n - 1]!);
    if (occ === 1) return fieldText(tree, items[0]!);
    let s = fieldText(tree, items[0]!);
    for (let j = 1; j < n; j++) s += this.options.aggregator + fieldText(tree, items[j]!);
    return s;
  }

  private derived(what: Derived, frame: Frame): string {
    switch (what) {
      case 'epoch': return elapsedText(frame.tsSec, frame.tsNsec, 0, 0, 9);
      case 'relative': { const c = this.times; return c.firstSec < 0 ? '0.000000000' : elapsedText(frame.tsSec, frame.tsNsec, c.firstSec, c.firstNsec, 9); }
      case 'delta': { const c = this.times; return c.prevSec < 0 ? '0.000000000' : elapsedText(frame.tsSec, frame.tsNsec, c.prevSec, c.prevNsec, 9); }
      case 'deltaDisplayed': { const c = this.times; return c.shownSec < 0 ? '0.000000000' : elapsedText(frame.tsSec, frame.tsNsec, c.shownSec, c.shownNsec, 9); }
    }
  }

  private quoted(text: string): string {
    const o = this.options;
    let t = text;
    if (o.escape) t = escapeText(t);
    // As tshark: an empty value stays empty, quotes or not.
    return o.quote && t !== '' ? `${o.quote}${t}${o.quote}` : t;
  }
}

/** Tab, newline and carriage return as \\t, \\n and \\r, so a value stays one field of one line (tshark escapes these, and only these). */
function escapeText(s: string): string {
  if (!/[\t\n\r]/.test(s)) return s;
  return s.replace(/[\t\n\r]/g, (c) => (c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

/** A summary column's text other than Time's, as the summary line shows it. */
function column(what: Exclude<SummaryColumn, 'time'>, tree: Tree, frame: Frame): string {
  switch (what) {
    case 'number': return String(frame.number);
    case 'source': return addressText(tree, tree.srcItem);
    case 'destination': return addressText(tree, tree.dstItem);
    case 'protocol': return tree.protocol;
    case 'length': return String(frame.len);
    case 'info': return infoText(tree);
  }
}
