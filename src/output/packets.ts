/**
 * Packet outputs for `read` and `live`: one summary line per packet (tshark's
 * default), the full tree (-V), hex (-x), and JSON objects (-T json / ndjson).
 * They read the dissected tree and the field registry; none keeps a field list.
 */
import type { Frame } from '../capture/frame.js';
import { toHex } from '../dissect/format.js';
import { FT } from '../dissect/fields.js';
import type { Tree } from '../dissect/tree.js';
import { COMMENT_SOURCE } from '../dissect/link.js';
import { colorize, type Colors } from './color.js';
import { itemLabel, jsonValue } from './values.js';

const plain = colorize(false);

export interface PacketColumns {
  number: number;
  /** Seconds relative to the first packet (tshark's default time column). */
  relTime: number;
  time: number;
  src: string;
  dst: string;
  protocol: string;
  length: number;
  info: string;
}

export function addressText(tree: Tree, item: number): string {
  if (item < 0) return '';
  const v = jsonValue(tree, item);
  return typeof v === 'string' ? v : '';
}

export function infoText(tree: Tree): string {
  let info = '';
  if (tree.info) {
    try {
      info = tree.info(tree, tree.infoItem);
    } catch {
      info = '(info unavailable)';
    }
  }
  if (!info && tree.notes.length) info = tree.notes[0]!.text;
  return info;
}

/**
 * One line: "    3   0.004120 2001:db8:1::a1 → 2001:db8:1::1000 MIPv6 126 Home Agent Switch: ...".
 * The time is relative to `firstTime` unless `timeText` gives the column (-t, time-column.ts).
 */
export function summaryLine(tree: Tree, frame: Frame, firstTime: number, colors: Colors = plain, timeText?: string): string {
  const t = frame.tsSec + frame.tsNsec / 1e9;
  const rel = timeText ?? (t - firstTime).toFixed(6);
  const src = addressText(tree, tree.srcItem);
  const dst = addressText(tree, tree.dstItem);
  const marks = tree.notes.some((n) => n.severity === 'error') ? ` ${colors.severity('error', '[!]')}` : '';
  return `${String(frame.number).padStart(5)} ${rel.padStart(11)} ${src} → ${dst} ${tree.protocol} ${frame.len} ${infoText(tree)}${marks}`;
}

/**
 * The full tree, Wireshark -V style, with expert notes under the item they concern.
 * With colours: protocol lines bold, computed [items] grey, notes in their severity's colour.
 * `expand` (-O): only these protocols are shown in full; the others are their one line.
 */
export function treeText(tree: Tree, colors: Colors = plain, expand?: ReadonlySet<string>): string {
  const depth = new Int32Array(tree.count);
  const children: number[][] = [];
  const roots: number[] = [];
  for (let i = 0; i < tree.count; i++) {
    const p = tree.parent[i]!;
    if (p < 0 || p >= i) roots.push(i);
    else (children[p] ??= []).push(i);
  }
  const notesByItem = new Map<number, string[]>();
  const packetNotes: string[] = [];
  for (const n of tree.notes) {
    const line = colors.severity(n.severity, `[Expert Info (${n.severity[0]!.toUpperCase()}${n.severity.slice(1)}/${n.group}): ${n.text}]`);
    if (n.item < 0) packetNotes.push(line);
    else {
      const l = notesByItem.get(n.item);
      if (l) l.push(line); else notesByItem.set(n.item, [line]);
    }
  }
  const out: string[] = [];
  const walk = (i: number, d: number): void => {
    depth[i] = d;
    if (tree.flags[i]! & 2) { // hidden
      return;
    }
    const label = itemLabel(tree, i);
    const styled = !colors.enabled ? label
      : tree.fieldOf(i).type === FT.Protocol ? colors.protocol(label)
        : tree.isGenerated(i) ? colors.generated(label) : label;
    out.push('    '.repeat(d) + styled);
    for (const note of notesByItem.get(i) ?? []) out.push('    '.repeat(d + 1) + note);
    if (d === 0 && expand !== undefined && !expand.has(tree.fieldOf(i).abbrev)) return;
    for (const c of children[i] ?? []) walk(c, d + 1);
  };
  for (const r of roots) walk(r, 0);
  for (const n of packetNotes) out.push(n);
  return out.join('\n');
}

/** Hex dump of every data source (frame, reassembled, decrypted), like tshark -x. */
export function hexDump(tree: Tree): string {
  const out: string[] = [];
  for (let s = 0; s < tree.buffers.length; s++) {
    const b = tree.buffers[s]!;
    if (tree.bufferNames[s] === COMMENT_SOURCE) continue;
    if (s > 0) out.push(`${tree.bufferNames[s]} (${b.length} bytes):`);
    for (let o = 0; o < b.length; o += 16) {
      const n = Math.min(16, b.length - o);
      let ascii = '';
      for (let i = 0; i < n; i++) {
        const c = b[o + i]!;
        ascii += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : '.';
      }
      out.push(`${o.toString(16).padStart(4, '0')}  ${toHex(b, o, n, ' ').padEnd(47)}  ${ascii}`);
    }
  }
  return out.join('\n');
}

export interface PacketJson {
  frame: number;
  time: number;
  len: number;
  caplen: number;
  src: string;
  dst: string;
  protocol: string;
  info: string;
  fields: Record<string, unknown>;
  problems: { field: string | null; severity: string; group: string; message: string }[];
  file?: string;
}

/** Add `v` under `k`: a second occurrence makes an array (in packet order). */
export function putValue(fields: Record<string, unknown>, k: string, v: unknown): void {
  const prev = fields[k];
  if (prev === undefined) fields[k] = v;
  else if (Array.isArray(prev)) prev.push(v);
  else fields[k] = [prev, v];
}

/** Whether item i has bytes in the packet (-x's "_raw"): computed items have none, and a packet comment's text is not packet bytes. */
export function hasBytes(tree: Tree, i: number): boolean {
  return !tree.isGenerated(i) && tree.length[i]! > 0 && tree.bufferNames[tree.buf[i]!] !== COMMENT_SOURCE;
}

/**
 * The packet as one JSON object. `fields` is flat, keyed by field abbreviation;
 * a field occurring more than once becomes an array (in packet order). With
 * `raw` (-x), each field and protocol that has bytes in the packet also gets
 * them as hex under "<abbrev>_raw", as tshark -T json -x adds them. `only`:
 * the fields to list instead of every field (-e: FieldsPrinter.record()).
 */
export function packetJson(tree: Tree, frame: Frame, raw = false, only?: Record<string, unknown>): PacketJson {
  let fields = only;
  if (fields === undefined) {
    fields = {};
    for (let i = 0; i < tree.count; i++) {
      const def = tree.fieldOf(i);
      const v = jsonValue(tree, i);
      if (v !== null) putValue(fields, def.abbrev, v);
      if (raw && hasBytes(tree, i)) putValue(fields, `${def.abbrev}_raw`, toHex(tree.bufferOf(i), tree.start[i]!, tree.length[i]!));
    }
  }
  return {
    frame: frame.number,
    time: frame.tsSec + frame.tsNsec / 1e9,
    len: frame.len,
    caplen: frame.caplen,
    src: addressText(tree, tree.srcItem),
    dst: addressText(tree, tree.dstItem),
    protocol: tree.protocol,
    info: infoText(tree),
    fields,
    problems: tree.notes.map((n) => ({ field: n.item >= 0 ? tree.fieldOf(n.item).abbrev : null, severity: n.severity, group: n.group, message: n.text })),
  };
}
