/**
 * `mip6scope fields [TEXT]`: every field the dissector produces (tshark -G fields):
 * the names -Y filters on and -T fields prints, with type, label, value names and
 * description; TEXT keeps the fields whose name contains it.
 */
import { Option, type Command } from 'commander';
import { FT, allAliases, allFields, fieldByAbbrev, type FieldDef, type FieldType } from '../dissect/fields.js';
import { createDissector } from '../dissect/index.js';

export interface FieldsOptions {
  format?: 'text' | 'json';
}

const TYPE_NAMES: Readonly<Record<FieldType, string>> = {
  [FT.Protocol]: 'protocol',
  [FT.UInt]: 'unsigned integer',
  [FT.Bool]: 'boolean',
  [FT.IPv6]: 'IPv6 address',
  [FT.IPv4]: 'IPv4 address',
  [FT.Bytes]: 'bytes',
  [FT.Ether]: 'Ethernet address',
  [FT.String]: 'text',
  [FT.UInt64]: 'unsigned 64-bit integer',
  [FT.Choice]: 'named value',
  [FT.Int]: 'signed integer',
  [FT.IPv6Prefix]: 'IPv6 prefix',
};

/** The same fields as the pseudo-fields -T fields adds (not in the tree). */
const DERIVED: readonly { abbrev: string; name: string; description: string }[] = [
  { abbrev: 'frame.time_relative', name: 'Time since the first packet', description: 'seconds, to the nanosecond (-T fields only)' },
  { abbrev: 'frame.time_delta', name: 'Time since the previous packet', description: 'seconds, to the nanosecond (-T fields only)' },
  { abbrev: 'frame.time_delta_displayed', name: 'Time since the previous packet shown', description: 'seconds, to the nanosecond (-T fields only)' },
];

export function registerFields(program: Command, setExit: (code: number) => void = (c) => { process.exitCode = c; }): void {
  program
    .command('fields')
    .description('list the fields -Y filters on and -T fields prints (like tshark -G fields), or those whose name contains TEXT')
    .argument('[text]', 'part of a field name, e.g. mip6.has')
    .addOption(new Option('-T, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action((text: string | undefined, opts: FieldsOptions) => {
      const r = fieldsMain(text, opts);
      if (r.out) process.stdout.write(r.out);
      if (r.err) process.stderr.write(r.err);
      setExit(r.code);
    });
}

interface Listed {
  abbrev: string;
  type: string;
  name: string;
  description?: string;
  unit?: string;
  values?: Readonly<Record<number, string>>;
}

function listed(d: FieldDef): Listed {
  const out: Listed = { abbrev: d.abbrev, type: TYPE_NAMES[d.type], name: d.name };
  if (d.blurb) out.description = d.blurb;
  if (d.unit) out.unit = d.scale !== undefined ? `1 = ${d.scale} ${d.unit}` : `in ${d.unit}`;
  if (d.vals) out.values = d.vals;
  return out;
}

export function fieldsMain(text: string | undefined, opts: FieldsOptions = {}): { out: string; err: string; code: number } {
  // The dissectors declare their fields when they are loaded; a dissector made with the
  // default profile names the draft messages' values.
  createDissector();
  const want = text?.toLowerCase();
  const all: Listed[] = [
    ...allFields().map(listed),
    ...allAliases().map(([alias, of]) => ({ ...listed(fieldByAbbrev(of)!), abbrev: alias, description: `Wireshark's name for ${of}` })),
    ...DERIVED.map((d) => ({ abbrev: d.abbrev, type: 'time', name: d.name, description: d.description })),
  ].filter((f) => want === undefined || f.abbrev.toLowerCase().includes(want));
  all.sort((a, b) => (a.abbrev < b.abbrev ? -1 : a.abbrev > b.abbrev ? 1 : 0));
  if (all.length === 0) return { out: '', err: `mip6scope: no field name contains "${text}"\n  mip6scope fields lists them all\n`, code: 2 };
  if (opts.format === 'json') return { out: `${JSON.stringify(all, null, 2)}\n`, err: '', code: 0 };
  const w = Math.max(...all.map((f) => f.abbrev.length));
  const tw = Math.max(...all.map((f) => f.type.length));
  const lines = all.map((f) => {
    const extra = [f.unit ?? '', f.description ?? ''].filter(Boolean).join('; ');
    return `${f.abbrev.padEnd(w)}  ${f.type.padEnd(tw)}  ${f.name}${extra ? ` (${extra})` : ''}`.trimEnd();
  });
  return { out: `${lines.join('\n')}\n`, err: '', code: 0 };
}
