/**
 * The options of the commands that print packets (read, live): -V, -O, -x, -T,
 * -e, -t and -E's print options, as tshark has them. Apart from the options every
 * reading command shares (options.ts), so that lint, stats and profile do not load
 * the field printer at start.
 */
import { Option, type Command } from 'commander';
import { allFields, fieldByAbbrev, FT } from '../dissect/fields.js';
import { closeNames } from '../filter/errors.js';
import { checkFieldNames, FieldsError, parseFieldOptions } from '../output/fields-text.js';
import { TIME_FORMATS } from '../output/time-column.js';
import { collect, fieldOptionsOf, UsageError, type CommonOptionValues } from './options.js';

/** How read and live print packets: -V, -O, -x, -T, -e, -t (tshark's letters). */
export function addPrintOptions(cmd: Command): Command {
  return cmd
    .option('-V, --verbose', 'print the full protocol tree of each packet')
    .addOption(new Option('-O, --protocols <list>', 'print the tree of these protocols only, the others one line each (comma separated, e.g. mip6,esp)').argParser(parseProtocols))
    .option('-x, --hex', 'print a hex dump of each packet')
    .addOption(new Option('-T, --format <format>', 'output format').choices(['text', 'json', 'ndjson', 'fields']).default('text'))
    .option('-e, --field <field>', 'with -T fields: a field to print (repeatable), as tshark; -E header=y, separator=, quote=, occurrence=, aggregator= as tshark\'s. With -T json or ndjson: the only fields each packet lists', collect, [])
    .addOption(new Option('-t, --time-format <format>', "the Time column as tshark's -t: r since the first packet, a/ad local time (and date), u/ud UTC, e epoch, d since the previous packet, dd since the previous one shown").choices([...TIME_FORMATS]));
}

/**
 * -T fields takes -e and -E print options; -T json and ndjson take -e too (each
 * packet's fields then only those, as tshark -T json -e); text takes neither.
 * The names and -E print options are checked now, before any file is read.
 */
export function checkFieldsUsage(opts: CommonOptionValues & { format?: string; field?: string[] }, command = 'read'): void {
  const fields = opts.field ?? [];
  const format = opts.format ?? 'text';
  const printOptions = fieldOptionsOf(opts);
  if (format === 'text' && fields.length) {
    throw new UsageError(`-e ${fields[0]}: fields are printed with -T fields (or -T json, -T ndjson)`, `mip6scope ${command} -T fields -e frame.number -e mip6.mhtype ...`);
  }
  if (format !== 'fields' && printOptions.length) {
    throw new UsageError(`-E ${printOptions[0]}: a print option of -T fields`, `mip6scope ${command} -T fields -e frame.number -e mip6.mhtype -E ${printOptions[0]}`);
  }
  if (format === 'fields' && !fields.length) throw new UsageError('-T fields: name the fields to print with -e', `mip6scope ${command} -T fields -e frame.number -e ipv6.src -e mip6.mhtype ...`);
  try {
    checkFieldNames(fields);
    parseFieldOptions(printOptions);
  } catch (e) {
    if (e instanceof FieldsError) throw new UsageError(e.message, e.hint);
    throw e;
  }
}

/** -O ipv6,mip6: protocol names (the tree's top-level items), each checked, with close names when unknown. */
export function parseProtocols(text: string): string[] {
  const names = text.split(',').map((s) => s.trim()).filter(Boolean);
  if (names.length === 0) throw new UsageError('-O: name the protocols to show in full, e.g. -O mip6,esp');
  const protocols = allFields().filter((d) => d.type === FT.Protocol && !d.vals).map((d) => d.abbrev);
  return names.map((n) => {
    // Wireshark's names (mipv6) stand for ours.
    const def = fieldByAbbrev(n);
    if (def && def.type === FT.Protocol && !def.vals) return def.abbrev;
    const close = closeNames(n, protocols, 3);
    throw new UsageError(`-O ${n}: not a protocol`, close.length ? `did you mean ${close.join(', ')}?` : `the protocols: ${protocols.join(', ')}`);
  });
}
