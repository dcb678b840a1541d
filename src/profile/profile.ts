/**
 * The active profile: which number each MH message and mobility option has,
 * the protocol constants, and interpretation switches. Built once, before any
 * packet is read; conflicts are refused here, never discovered mid-capture.
 */
import {
  ASSIGNED_MH_OPTIONS, ASSIGNED_MH_TYPES, DEFAULT_CONSTANTS, DRAFT_MH_OPTIONS, DRAFT_MH_TYPES,
  type ConstantName, type MhOptionKey, type MhTypeKey,
} from './defaults.js';

export interface Profile {
  readonly mhTypes: Readonly<Record<MhTypeKey, number>>;
  readonly mhOptions: Readonly<Record<MhOptionKey, number>>;
  readonly constants: Readonly<Record<ConstantName, number>>;
  /** Decode Router Advertisement A/B flags and ICMPv6 161-167 as VHAR (SPEC-NOTES section 5). */
  readonly vhar: boolean;
  /**
   * Take a 24-byte ICMPv6 type 161 as VHAR MN Release Request whatever the scope of
   * its addresses (VHAR-LINK-LOCAL then flags the non-link-local ones). Off by
   * default: type 161 is also RFC 8335's Extended Echo Reply, so only link-local to
   * link-local is VHAR (SPEC-NOTES section 5).
   */
  readonly vharAnyScope: boolean;
  /** Where the numbers came from, for `mip6scope profile`. */
  readonly sources: readonly string[];
  /** Which source set each entry ("built-in defaults" unless a layer changed it). */
  readonly origin: {
    readonly mhTypes: Readonly<Record<string, string>>;
    readonly mhOptions: Readonly<Record<string, string>>;
    readonly constants: Readonly<Record<string, string>>;
    readonly vhar: string;
    readonly vharAnyScope: string;
  };
}

export interface ProfileOverrides {
  mhTypes?: Partial<Record<string, number>>;
  mhOptions?: Partial<Record<string, number>>;
  constants?: Partial<Record<string, number>>;
  vhar?: boolean;
  vharAnyScope?: boolean;
  source?: string;
}

const DEFAULTS_SOURCE = 'built-in defaults (SPEC-NOTES sections 3 and 4)';

export class ProfileError extends Error {
  constructor(message: string, readonly hint = '') {
    super(message);
    this.name = 'ProfileError';
  }
}

function checkByte(what: string, name: string, n: unknown): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 255) {
    throw new ProfileError(`${what} ${name}: ${String(n)} is not a number from 0 to 255`);
  }
  return n;
}

/**
 * Apply overrides (in order) to the defaults. Only draft numbers may change;
 * two entries on one number, or a draft number on an assigned one, is refused.
 */
export function buildProfile(...layers: ProfileOverrides[]): Profile {
  const mhTypes: Record<string, number> = { ...ASSIGNED_MH_TYPES, ...DRAFT_MH_TYPES };
  const mhOptions: Record<string, number> = { ...ASSIGNED_MH_OPTIONS, ...DRAFT_MH_OPTIONS };
  const constants: Record<string, number> = { ...DEFAULT_CONSTANTS };
  let vhar = true;
  let vharAnyScope = false;
  const sources = [DEFAULTS_SOURCE];
  const origin = { mhTypes: {} as Record<string, string>, mhOptions: {} as Record<string, string>, constants: {} as Record<string, string>, vhar: DEFAULTS_SOURCE, vharAnyScope: DEFAULTS_SOURCE };

  for (const layer of layers) {
    const from = layer.source ?? 'overrides';
    for (const [name, n] of Object.entries(layer.mhTypes ?? {})) {
      if (name in ASSIGNED_MH_TYPES) {
        if (n !== (ASSIGNED_MH_TYPES as Record<string, number>)[name]) {
          throw new ProfileError(`MH type ${name} is assigned by IANA (${(ASSIGNED_MH_TYPES as Record<string, number>)[name]}) and cannot be renumbered`);
        }
        continue;
      }
      if (!(name in DRAFT_MH_TYPES)) {
        throw new ProfileError(`unknown MH message name "${name}"`, `known draft messages: ${Object.keys(DRAFT_MH_TYPES).join(', ')}`);
      }
      mhTypes[name] = checkByte('MH type', name, n);
      origin.mhTypes[name] = from;
    }
    for (const [name, n] of Object.entries(layer.mhOptions ?? {})) {
      if (name in ASSIGNED_MH_OPTIONS) {
        if (n !== (ASSIGNED_MH_OPTIONS as Record<string, number>)[name]) {
          throw new ProfileError(`mobility option ${name} is assigned by IANA (${(ASSIGNED_MH_OPTIONS as Record<string, number>)[name]}) and cannot be renumbered`);
        }
        continue;
      }
      if (!(name in DRAFT_MH_OPTIONS)) {
        throw new ProfileError(`unknown mobility option name "${name}"`, `known draft options: ${Object.keys(DRAFT_MH_OPTIONS).join(', ')}`);
      }
      mhOptions[name] = checkByte('mobility option', name, n);
      origin.mhOptions[name] = from;
    }
    for (const [name, v] of Object.entries(layer.constants ?? {})) {
      if (!(name in DEFAULT_CONSTANTS)) {
        throw new ProfileError(`unknown constant "${name}"`, `known constants: ${Object.keys(DEFAULT_CONSTANTS).join(', ')}`);
      }
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new ProfileError(`constant ${name}: ${String(v)} is not a non-negative number`);
      constants[name] = v;
      origin.constants[name] = from;
    }
    if (layer.vhar !== undefined) {
      vhar = layer.vhar;
      origin.vhar = from;
    }
    if (layer.vharAnyScope !== undefined) {
      vharAnyScope = layer.vharAnyScope;
      origin.vharAnyScope = from;
    }
    if (layer.source) sources.push(layer.source);
  }

  refuseCollisions('MH type', mhTypes, ASSIGNED_MH_TYPES);
  refuseCollisions('mobility option', mhOptions, ASSIGNED_MH_OPTIONS);

  return Object.freeze({
    mhTypes: Object.freeze(mhTypes) as Record<MhTypeKey, number>,
    mhOptions: Object.freeze(mhOptions) as Record<MhOptionKey, number>,
    constants: Object.freeze(constants) as Record<ConstantName, number>,
    vhar,
    vharAnyScope,
    sources: Object.freeze(sources),
    origin: Object.freeze({
      mhTypes: Object.freeze(withDefault(origin.mhTypes, mhTypes)),
      mhOptions: Object.freeze(withDefault(origin.mhOptions, mhOptions)),
      constants: Object.freeze(withDefault(origin.constants, constants)),
      vhar: origin.vhar,
      vharAnyScope: origin.vharAnyScope,
    }),
  });
}

/** Every name in `table` with its origin, the defaults where no layer set it. */
function withDefault(set: Record<string, string>, table: Record<string, number>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of Object.keys(table)) out[name] = set[name] ?? DEFAULTS_SOURCE;
  return out;
}

function refuseCollisions(what: string, table: Record<string, number>, assigned: Record<string, number>): void {
  const owner = new Map<number, string>();
  for (const [name, n] of Object.entries(table)) {
    const prev = owner.get(n);
    if (prev !== undefined) {
      const assignedOne = name in assigned ? name : prev in assigned ? prev : null;
      throw new ProfileError(
        assignedOne
          ? `${what} number ${n} is given to ${prev in assigned ? name : prev}, but IANA assigned it to ${assignedOne}`
          : `${what} number ${n} is given to both ${prev} and ${name}`,
        'give each draft message and option its own number (mip6scope profile shows the active ones)',
      );
    }
    owner.set(n, name);
  }
}

let defaultProfile: Profile | null = null;
export function getDefaultProfile(): Profile {
  return (defaultProfile ??= buildProfile());
}
