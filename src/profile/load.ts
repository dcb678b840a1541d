/**
 * Reading profile overrides from a file (YAML or JSON) and from the
 * `--mh-type`, `--mh-option` and `--const` flags.
 *
 * Everything is checked here, before any packet is read, and every error names
 * the file (or flag) and the key so the person can fix it: a wrong number found
 * mid-capture would silently mis-decode every packet after it.
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { createRequire } from 'node:module';
import {
  ASSIGNED_MH_OPTIONS, ASSIGNED_MH_TYPES, DEFAULT_CONSTANTS, DRAFT_MH_OPTIONS, DRAFT_MH_TYPES,
} from './defaults.js';
import { ProfileError, type ProfileOverrides } from './profile.js';

/** The YAML parser, loaded the first time a YAML profile is read (loading it costs every start a tenth of a second). */
let yamlParse: ((text: string, options: { logLevel: 'error' }) => unknown) | null = null;
function parseYaml(text: string): unknown {
  yamlParse ??= (createRequire(import.meta.url)('yaml') as { parse: (t: string, o: { logLevel: 'error' }) => unknown }).parse;
  // Errors are thrown and reported with the file's name; the parser's warnings would go to the process's stderr as Node warnings.
  return yamlParse(text, { logLevel: 'error' });
}

/** The top-level keys a profile file may have, and what each holds. */
const FILE_KEYS = {
  'mh-types': 'draft MH message name → number',
  'mh-options': 'draft mobility option name → number',
  constants: 'constant name → value',
  vhar: 'true or false',
  'vhar-any-scope': 'true or false: ICMPv6 161 is VHAR whatever the addresses\' scope',
} as const;

type Table = 'mh-types' | 'mh-options' | 'constants';

/** Names each table knows; assigned names are accepted only with their own number (buildProfile checks). */
const KNOWN: Record<Table, readonly string[]> = {
  'mh-types': [...Object.keys(DRAFT_MH_TYPES), ...Object.keys(ASSIGNED_MH_TYPES)],
  'mh-options': [...Object.keys(DRAFT_MH_OPTIONS), ...Object.keys(ASSIGNED_MH_OPTIONS)],
  constants: Object.keys(DEFAULT_CONSTANTS),
};

const DRAFT_NAMES: Record<Table, readonly string[]> = {
  'mh-types': Object.keys(DRAFT_MH_TYPES),
  'mh-options': Object.keys(DRAFT_MH_OPTIONS),
  constants: Object.keys(DEFAULT_CONSTANTS),
};

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A number from 0 to 255 (MH types and option types are one byte, RFC 6275 6.1.1 and 6.2.1). */
function isByte(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 255;
}

function isConstant(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0;
}

/** Check one entry of a table; `where` names the file or flag for the message. */
function checkEntry(where: string, table: Table, name: string, value: unknown): number {
  if (!KNOWN[table].includes(name)) {
    throw new ProfileError(`${where}: ${table}.${name}: unknown name`, `known names: ${DRAFT_NAMES[table].join(', ')}`);
  }
  if (table === 'constants') {
    if (!isConstant(value)) throw new ProfileError(`${where}: constants.${name}: ${JSON.stringify(value)} is not a non-negative number`, 'constants are seconds or counts per second, e.g. 0.15 or 2');
    if (value === 0 && name.endsWith('_RATE')) throw new ProfileError(`${where}: constants.${name}: a rate of 0 would allow no message at all`, 'give messages per second, e.g. 1, or 0.5 for one every 2 s');
    return value;
  }
  if (!isByte(value)) {
    throw new ProfileError(`${where}: ${table}.${name}: ${JSON.stringify(value)} is not a whole number from 0 to 255`, 'write the number without quotes, e.g. 248 or 0xf8');
  }
  return value;
}

function readTable(where: string, doc: Record<string, unknown>, table: Table): Record<string, number> | undefined {
  const raw = doc[table];
  if (raw === undefined || raw === null) return undefined;
  if (!isRecord(raw)) throw new ProfileError(`${where}: ${table}: expected a mapping of ${FILE_KEYS[table]}`, `e.g. ${table}: { ${DRAFT_NAMES[table][0]}: ${table === 'constants' ? 2 : 248} }`);
  const out: Record<string, number> = {};
  for (const [name, value] of Object.entries(raw)) out[name] = checkEntry(where, table, name, value);
  return out;
}

/** Overrides from an already parsed profile document; `where` names its origin in errors. */
export function profileFromDocument(doc: unknown, where: string): ProfileOverrides {
  if (doc === undefined || doc === null) return { source: where };
  if (!isRecord(doc)) throw new ProfileError(`${where}: the profile must be a mapping with the keys ${Object.keys(FILE_KEYS).join(', ')}`);
  for (const key of Object.keys(doc)) {
    // Own keys only: `in` would take "constructor" or "toString" for profile keys.
    if (!Object.hasOwn(FILE_KEYS, key)) {
      throw new ProfileError(`${where}: unknown key "${key}"`, `a profile file has the keys ${Object.keys(FILE_KEYS).join(', ')}`);
    }
  }
  const out: ProfileOverrides = { source: where };
  const types = readTable(where, doc, 'mh-types');
  const options = readTable(where, doc, 'mh-options');
  const constants = readTable(where, doc, 'constants');
  if (types) out.mhTypes = types;
  if (options) out.mhOptions = options;
  if (constants) out.constants = constants;
  if (doc.vhar !== undefined) {
    if (typeof doc.vhar !== 'boolean') throw new ProfileError(`${where}: vhar: ${JSON.stringify(doc.vhar)} is not true or false`);
    out.vhar = doc.vhar;
  }
  const anyScope = doc['vhar-any-scope'];
  if (anyScope !== undefined) {
    if (typeof anyScope !== 'boolean') throw new ProfileError(`${where}: vhar-any-scope: ${JSON.stringify(anyScope)} is not true or false`);
    out.vharAnyScope = anyScope;
  }
  return out;
}

/**
 * Read a profile file. `.json` files are parsed as JSON (stricter errors); anything
 * else as YAML, which also accepts JSON. Throws ProfileError naming the file.
 */
export function loadProfileFile(path: string): ProfileOverrides {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ProfileError(`${path}: cannot read the profile file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, 'check the path given to --profile');
  }
  let doc: unknown;
  try {
    doc = extname(path).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new ProfileError(`${path}: not valid ${extname(path).toLowerCase() === '.json' ? 'JSON' : 'YAML'}: ${(e as Error).message.split('\n')[0]}`);
  }
  return profileFromDocument(doc, path);
}

/** A number written decimal or with 0x (flags are text; YAML reads its own numbers). */
function parseNumber(text: string): number {
  const t = text.trim();
  if (/^0x[0-9a-f]+$/i.test(t)) return parseInt(t.slice(2), 16);
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t);
  return Number.NaN;
}

const FLAG_TABLE: Record<string, Table> = { '--mh-type': 'mh-types', '--mh-option': 'mh-options', '--const': 'constants' };

/**
 * Parse `NAME=NUMBER` from `--mh-type`, `--mh-option` or `--const` into [name, number],
 * checking the name and the number for that flag. Throws ProfileError naming the flag.
 */
export function parseAssignment(text: string, flag = '--mh-type'): [string, number] {
  const eq = text.indexOf('=');
  const table = FLAG_TABLE[flag] ?? 'mh-types';
  if (eq <= 0 || eq === text.length - 1) {
    throw new ProfileError(`${flag} ${text}: expected NAME=${table === 'constants' ? 'VALUE' : 'NUMBER'}`, `e.g. ${flag} ${DRAFT_NAMES[table][0]}=${table === 'constants' ? 2 : 200}`);
  }
  const name = text.slice(0, eq).trim();
  const raw = text.slice(eq + 1);
  const n = parseNumber(raw);
  const value = checkEntry(`${flag} ${text}`, table, name, Number.isNaN(n) ? raw : n);
  return [name, value];
}
