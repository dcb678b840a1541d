/**
 * How one tree item's value reads, for every output: the JSON value (raw units,
 * addresses as RFC 5952 text, flags as booleans) and the tree label text (with
 * value names and scaled units beside the raw number).
 */
import { FT, type FieldDef } from '../dissect/fields.js';
import { ipv4ToString, ipv6ToString, macToString, toHex, u64ToString } from '../dissect/format.js';
import type { Tree } from '../dissect/tree.js';

const textDecoder = new TextDecoder('utf-8', { fatal: false });

/** The JSON value of an item (null for protocol nodes without a value). */
export function jsonValue(tree: Tree, item: number): string | number | boolean | null {
  const def = tree.fieldOf(item);
  const b = tree.bufferOf(item);
  const s = tree.start[item]!;
  const v = tree.value[item]!;
  switch (def.type) {
    case FT.UInt: case FT.Int: return v;
    case FT.Bool: return v !== 0;
    case FT.IPv6: return ipv6ToString(b, s);
    case FT.IPv4: return ipv4ToString(b, s);
    case FT.Ether: return macToString(b, s);
    case FT.Bytes: return toHex(b, s, tree.length[item]!);
    case FT.String: return textDecoder.decode(b.subarray(s, s + tree.length[item]!));
    case FT.UInt64: return u64ToString(b, s);
    case FT.Choice: return def.vals?.[v] ?? v;
    case FT.IPv6Prefix: return `${ipv6ToString(b, s)}/${v}`;
    default: return null;
  }
}

function scaled(def: FieldDef, v: number): string {
  if (def.scale === undefined && def.unit === undefined) return '';
  const x = v * (def.scale ?? 1);
  return ` (${Number.isInteger(x) ? x : x.toFixed(6).replace(/0+$/, '')} ${def.unit ?? ''})`.replace(' )', ')');
}

/** The tree line for an item: "Sequence number: 1000", "Lifetime: 15 (60 s)", "Status: 0 (Binding Update accepted)". */
export function itemLabel(tree: Tree, item: number): string {
  const def = tree.fieldOf(item);
  const v = tree.value[item]!;
  const gen = tree.isGenerated(item);
  let text: string;
  switch (def.type) {
    case FT.Protocol: {
      const name = def.vals ? def.vals[v] : undefined;
      text = def.vals ? `${def.name}: ${name ?? 'Unknown'} (${v})` : def.name;
      break;
    }
    case FT.UInt: case FT.Int: {
      const raw = def.hex ? `0x${v.toString(16).padStart(def.hex, '0')}` : String(v);
      const name = def.vals?.[v];
      text = `${def.name}: ${name !== undefined ? `${name} (${raw})` : raw}${scaled(def, v)}`;
      if (def.unit && def.scale === undefined) text = `${def.name}: ${raw} ${def.unit}`;
      break;
    }
    case FT.Bool: {
      if (def.mask !== undefined && def.bits) {
        text = `${bitPicture(def.mask, def.bits, v !== 0)} = ${def.name}: ${v ? 'Set' : 'Not set'}`;
      } else text = `${def.name}: ${v ? 'True' : 'False'}`;
      break;
    }
    case FT.Choice: text = `${def.name}: ${def.vals?.[v] ?? v}`; break;
    default: {
      const j = jsonValue(tree, item);
      text = `${def.name}: ${j === '' ? '<empty>' : String(j)}`;
    }
  }
  return gen ? `[${text}]` : text;
}

/** "1... .... .... ...." style picture of a flag inside its word. */
function bitPicture(mask: number, bits: number, set: boolean): string {
  let s = '';
  for (let i = bits - 1; i >= 0; i--) {
    const bit = 1 << i;
    s += mask & bit ? (set ? '1' : '0') : '.';
    if (i % 4 === 0 && i) s += ' ';
  }
  return s;
}
