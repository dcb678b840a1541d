/**
 * The active profile as a person reads it (`mip6scope profile`) and as JSON:
 * every MH message and mobility option with its number, whether IANA assigned it
 * or the number is a draft's stand-in, and which source set it; then the constants.
 */
import {
  ASSIGNED_MH_OPTIONS, ASSIGNED_MH_TYPES, DEFAULT_CONSTANTS, DRAFT_MH_OPTIONS, DRAFT_MH_TYPES,
} from './defaults.js';
import type { Profile } from './profile.js';

/** Which document defines each draft entry (SPEC-NOTES section 4). */
const DRAFT_DOCUMENT: Record<string, string> = {
  stateSynchronization: 'hareliability-01 6.1.1',
  homeAgentControl: 'hareliability-01 6.1.2',
  homeAgentHello: 'hareliability-01 6.1.3',
  hahaHello: 'haha-spec-00',
  bindingInformationRequest: 'haha-spec-00',
  bindingInformationUpdate: 'haha-spec-00',
  bindingInformationAck: 'haha-spec-00',
  haSwitchRequest: 'haha-spec-00',
  bindingCacheInformation: 'hareliability-01 6.2.2',
  aaaInformation: 'hareliability-01 6.2.3',
  bindingCacheEntryInformation: 'haha-spec-00',
};

/**
 * The default draft numbers sit in 248-255, where nothing is registered (SPEC-NOTES 4).
 * Every MH type IANA has registered is in the assigned table, so buildProfile refuses
 * those clashes; mobility options are registered well past the ones this tool knows,
 * so a draft option put low may shadow one (the HAHA draft's 10 is now MESG-ID).
 */
const OPTION_REGISTRY_IN_USE_BELOW = 64;

export interface ProfileEntryJson {
  name: string;
  number: number;
  status: 'assigned' | 'draft';
  /** The draft that defines it (draft entries only). */
  document?: string;
  source: string;
  /** Set when a draft option number may clash with a registered option this tool does not know. */
  warning?: string;
}

export interface ProfileJson {
  sources: readonly string[];
  vhar: { enabled: boolean; source: string; anyScope: boolean; anyScopeSource: string };
  mhTypes: ProfileEntryJson[];
  mhOptions: ProfileEntryJson[];
  constants: { name: string; value: number; default: number; source: string }[];
}

function entries(
  numbers: Readonly<Record<string, number>>, assigned: Readonly<Record<string, number>>,
  drafts: Readonly<Record<string, number>>, origin: Readonly<Record<string, string>>, registeredBelow: number,
): ProfileEntryJson[] {
  const out: ProfileEntryJson[] = [];
  for (const [name, number] of Object.entries(numbers)) {
    if (name in assigned) {
      out.push({ name, number, status: 'assigned', source: 'IANA' });
      continue;
    }
    const e: ProfileEntryJson = { name, number, status: 'draft', source: origin[name] ?? 'built-in defaults' };
    const doc = DRAFT_DOCUMENT[name];
    if (doc) e.document = doc;
    if (number < registeredBelow && name in drafts) e.warning = `${number} may be registered by IANA for another option; use it only if the peers in the capture do`;
    out.push(e);
  }
  return out.sort((a, b) => a.number - b.number);
}

/** The profile as plain JSON data. */
export function profileAsJson(profile: Profile): ProfileJson {
  return {
    sources: profile.sources,
    vhar: { enabled: profile.vhar, source: profile.origin.vhar, anyScope: profile.vharAnyScope, anyScopeSource: profile.origin.vharAnyScope },
    mhTypes: entries(profile.mhTypes, ASSIGNED_MH_TYPES, DRAFT_MH_TYPES, profile.origin.mhTypes, 0),
    mhOptions: entries(profile.mhOptions, ASSIGNED_MH_OPTIONS, DRAFT_MH_OPTIONS, profile.origin.mhOptions, OPTION_REGISTRY_IN_USE_BELOW),
    constants: Object.entries(profile.constants).map(([name, value]) => ({
      name, value, default: (DEFAULT_CONSTANTS as Record<string, number>)[name]!, source: profile.origin.constants[name] ?? 'built-in defaults',
    })),
  };
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

function entryRows(list: readonly ProfileEntryJson[]): string[][] {
  return list.map((e) => [
    String(e.number), e.name, e.status === 'assigned' ? 'assigned' : `draft (${e.document ?? '?'})`,
    e.warning ? `${e.source}; ${e.warning}` : e.source,
  ]);
}

/** A readable description of the profile: messages, options, constants, VHAR, sources. */
export function describeProfile(profile: Profile): string {
  const j = profileAsJson(profile);
  const parts = [
    'Mobility Header messages',
    table(['type', 'message', 'status', 'source'], entryRows(j.mhTypes)),
    '',
    'Mobility options',
    table(['type', 'option', 'status', 'source'], entryRows(j.mhOptions)),
    '',
    'Constants',
    table(['name', 'value', 'default', 'source'], j.constants.map((c) => [c.name, String(c.value), String(c.default), c.source])),
    '',
    `VHAR (ICMPv6 161-167, RA A/B flags): ${j.vhar.enabled ? 'on' : 'off'} (${j.vhar.source})`,
    `ICMPv6 161 as VHAR MN Release Request: ${j.vhar.anyScope ? 'any addresses (vhar-any-scope)' : 'only link-local to link-local, else RFC 8335 Extended Echo Reply'} (${j.vhar.anyScopeSource})`,
    `Sources, in order: ${j.sources.join('; ')}`,
  ];
  return parts.join('\n');
}
