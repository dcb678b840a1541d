/**
 * Options every reading command shares (read, lint, live, stats): the profile,
 * number and constant overrides, ESP keys and the NULL heuristic, packet count.
 * Everything here is checked before the first packet is read.
 */
import { Option, type Command } from 'commander';
import { loadSaFile, parseTcpdumpEspArg, SaTable } from '../esp/index.js';
import { buildProfile, ProfileError, type Profile, type ProfileOverrides } from '../profile/profile.js';
import { loadProfileFile, parseAssignment } from '../profile/load.js';

export interface RunConfig {
  profile: Profile;
  espNull: boolean;
  saTable: SaTable | null;
  /** Stop after this many packets (0: no limit). */
  count: number;
}

/** A problem in the command line or a configuration file: exit code 2, message on stderr. */
export class UsageError extends Error {
  constructor(message: string, readonly hint = '') {
    super(message);
    this.name = 'UsageError';
  }
}

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

export function addCommonOptions(cmd: Command): Command {
  return cmd
    .option('--profile <file>', 'profile file (YAML or JSON) with draft message/option numbers and constants')
    .option('--mh-type <name=number>', 'number of a draft MH message, e.g. homeAgentHello=200 (repeatable)', collect, [])
    .option('--mh-option <name=number>', 'number of a draft mobility option (repeatable)', collect, [])
    .option('--const <name=value>', 'protocol constant, e.g. MAX_HA_SWITCH_TRANSMIT_RATE=2 (repeatable)', collect, [])
    .option('--esp-sa <file>', 'ESP keys: Wireshark esp_sa, `ip xfrm state` output or tcpdump secrets (repeatable)', collect, [])
    .option('-E <spec>', "ESP keys in tcpdump's -E syntax (spi@addr algo:secret, or 'file PATH')", collect, [])
    .option('--no-esp-null', 'do not try ESP with NULL encryption heuristically')
    .addOption(new Option('-c, --count <n>', 'stop after n packets').argParser((v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n <= 0) throw new UsageError(`-c ${v}: give a whole number of packets greater than 0`);
      return n;
    }));
}

export interface CommonOptionValues {
  profile?: string;
  mhType?: string[];
  mhOption?: string[];
  const?: string[];
  espSa?: string[];
  E?: string[];
  espNull?: boolean;
  count?: number;
}

/** Build the run configuration; throws UsageError with file/line detail on any bad input. */
export function buildRunConfig(opts: CommonOptionValues, warn: (msg: string) => void = (m) => process.stderr.write(`${m}\n`)): RunConfig {
  const layers: ProfileOverrides[] = [];
  try {
    if (opts.profile) layers.push(loadProfileFile(opts.profile));
    const flags: ProfileOverrides = { mhTypes: {}, mhOptions: {}, constants: {}, source: 'command-line flags' };
    for (const a of opts.mhType ?? []) { const [k, v] = parseAssignment(a, '--mh-type'); flags.mhTypes![k] = v; }
    for (const a of opts.mhOption ?? []) { const [k, v] = parseAssignment(a, '--mh-option'); flags.mhOptions![k] = v; }
    for (const a of opts.const ?? []) { const [k, v] = parseAssignment(a, '--const'); flags.constants![k] = v; }
    if ((opts.mhType?.length ?? 0) + (opts.mhOption?.length ?? 0) + (opts.const?.length ?? 0) > 0) layers.push(flags);
  } catch (e) {
    if (e instanceof ProfileError) throw new UsageError(e.message, e.hint);
    throw e;
  }
  let profile: Profile;
  try {
    profile = buildProfile(...layers);
  } catch (e) {
    if (e instanceof ProfileError) throw new UsageError(e.message, e.hint);
    throw e;
  }

  let saTable: SaTable | null = null;
  const sources = [...(opts.espSa ?? []).map((f) => ({ f, load: () => loadSaFile(f) })), ...(opts.E ?? []).map((a) => ({ f: '-E', load: () => parseTcpdumpEspArg(a) }))];
  for (const { f, load } of sources) {
    let res;
    try {
      res = load();
    } catch (e) {
      throw new UsageError(`${f}: cannot read ESP keys: ${(e as Error).message}`, 'check the path given to --esp-sa');
    }
    for (const err of res.errors) warn(`${err.file}:${err.line}: ${err.message} (line skipped)`);
    if (res.sas.length === 0 && res.errors.length > 0) throw new UsageError(`${f}: no usable ESP key in the file`, 'see the messages above for each line');
    saTable ??= new SaTable();
    for (const sa of res.sas) saTable.add(sa);
  }
  return { profile, espNull: opts.espNull !== false, saTable, count: opts.count ?? 0 };
}
