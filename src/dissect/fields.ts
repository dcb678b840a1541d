/**
 * The field registry: every field any dissector can produce is declared once here
 * (Wireshark's hf_register_info). The tree view, JSON output and the display filter
 * all read these definitions; none of them keeps its own list of fields.
 */

/** How a field's bytes or value are interpreted. */
export const FT = {
  /** A protocol or subtree node ("Mobile IPv6", "Option: PadN"); value = optional number shown with vals. */
  Protocol: 0,
  /** Unsigned integer up to 2^53, value in the numeric column. */
  UInt: 1,
  /** Boolean flag, value 0 or 1. */
  Bool: 2,
  /** IPv6 address: 16 bytes at start. */
  IPv6: 3,
  /** IPv4 address: 4 bytes at start. */
  IPv4: 4,
  /** Raw bytes, shown in hex. */
  Bytes: 5,
  /** 6-byte MAC address. */
  Ether: 6,
  /** Text (UTF-8 bytes at start/length). */
  String: 7,
  /** Unsigned 64-bit integer read from 8 bytes at start (exact, beyond 2^53). */
  UInt64: 8,
  /** A number whose JSON/filter value is its name from vals ("good", "bad"). */
  Choice: 9,
  /** Signed integer. */
  Int: 10,
  /** IPv6 prefix: address bytes at start, prefix length in the numeric column. */
  IPv6Prefix: 11,
} as const;
export type FieldType = (typeof FT)[keyof typeof FT];

export interface FieldSpec {
  /** Filter/JSON name, Wireshark's where Wireshark has the field ("mip6.bu.seqnr"). */
  abbrev: string;
  /** Label in the tree ("Sequence Number"). */
  name: string;
  type: FieldType;
  /** Names of values ("Binding Update", "Accepted"). */
  vals?: Readonly<Record<number, string>>;
  /** Displayed value = raw × scale, followed by unit (lifetime 15 → "60 s"). */
  scale?: number;
  unit?: string;
  /** Show the raw number in hex with this many digits. */
  hex?: number;
  /**
   * Digits of the hex number in a field dump (-T fields) where Wireshark's differ
   * from the tree's: tshark pads to the width of the field's integer type
   * (the Traffic Class, 8 bits of a 32-bit field, prints as 0x00000000).
   */
  dumpHex?: number;
  /** Bit mask inside its containing word, for the tree's bit picture. */
  mask?: number;
  /** Width in bits of the word the mask applies to. */
  bits?: number;
  /** One-line description, for `mip6scope fields` and the filter's suggestions. */
  blurb?: string;
}

export interface FieldDef extends Readonly<FieldSpec> {
  readonly id: number;
}

const byId: FieldDef[] = [];
const byAbbrev = new Map<string, FieldDef>();

/** Declare a field. Abbreviations are unique; declaring one twice is a programming error. */
export function defineField(spec: FieldSpec): FieldDef {
  if (byAbbrev.has(spec.abbrev)) throw new Error(`field ${spec.abbrev} declared twice`);
  // Every definition gets the same properties in the same order (absent ones
  // undefined), so all share one hidden class: Tree.add reads def.id on every
  // item, and one shape keeps that read monomorphic.
  const def: FieldDef = Object.freeze({
    abbrev: spec.abbrev,
    name: spec.name,
    type: spec.type,
    vals: spec.vals,
    scale: spec.scale,
    unit: spec.unit,
    hex: spec.hex,
    dumpHex: spec.dumpHex,
    mask: spec.mask,
    bits: spec.bits,
    blurb: spec.blurb,
    id: byId.length,
  });
  byId.push(def);
  byAbbrev.set(spec.abbrev, def);
  return def;
}

/** Declare a group of fields sharing a prefix: defineFields('mip6.bu', { seqnr: {...} }). */
export function defineFields<K extends string>(
  prefix: string,
  specs: Record<K, Omit<FieldSpec, 'abbrev'> & { abbrev?: string }>,
): Record<K, FieldDef> {
  const out = {} as Record<K, FieldDef>;
  for (const key of Object.keys(specs) as K[]) {
    const s = specs[key];
    out[key] = defineField({ ...s, abbrev: s.abbrev ?? `${prefix}.${key}` });
  }
  // A copy made by spreading has fast properties whatever their number; `out`, grown
  // one computed key at a time, turns into a dictionary past a few dozen, and the
  // dissectors' loads from it (ipv6Fields.src) would then be generic lookups.
  return { ...out };
}

export function fieldById(id: number): FieldDef {
  return byId[id]!;
}

/** Other names a field answers to where users type Wireshark's (mipv6 for mip6): only looked up, never printed as the field's name. */
const aliases = new Map<string, FieldDef>();

export function defineAlias(alias: string, def: FieldDef): void {
  if (byAbbrev.has(alias) || aliases.has(alias)) throw new Error(`alias ${alias} is already a name`);
  aliases.set(alias, def);
}

/** The field of a name or an alias. */
export function fieldByAbbrev(abbrev: string): FieldDef | undefined {
  return byAbbrev.get(abbrev) ?? aliases.get(abbrev);
}

/** Every alias and the field's own name. */
export function allAliases(): readonly [string, string][] {
  return [...aliases].map(([a, d]) => [a, d.abbrev]);
}

/** Every declared field, in declaration order. */
export function allFields(): readonly FieldDef[] {
  return byId;
}
