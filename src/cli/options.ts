/**
 * Options every reading command shares (read, lint, live, stats): the profile,
 * number and constant overrides, ESP keys and the NULL heuristic, packet count,
 * the display filter and colour. Everything here is checked before the first
 * packet is read.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { isGzipMagic } from '../capture/gunzip.js';
import { Option, type Command } from 'commander';
import { loadSaFile, parseTcpdumpEspArg, SaTable } from '../esp/index.js';
import { compileFilter, FilterError, type Filter } from '../filter/index.js';
import { isFieldOption } from '../output/field-options.js';
import { colorEnabled, colorize, type Colors } from '../output/color.js';
import { Progress, progressWanted, type ProgressStream } from '../output/progress.js';
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

/** A repeatable option's values, in order. */
export const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

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
    }))
    .option('-Y, --display-filter <filter>', 'show only packets (and findings on packets) matching this Wireshark-syntax display filter')
    .option('--no-color', 'no colour, even on a terminal (NO_COLOR in the environment does the same)');
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
  displayFilter?: string;
  /** false with --no-color. */
  color?: boolean;
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
  // -E is also tshark's field print option (header=y ...), for -T fields: those are not keys.
  const espArgs = (opts.E ?? []).filter((a) => !isFieldOption(a));
  const sources = [...(opts.espSa ?? []).map((f) => ({ f, load: () => loadSaFile(f) })), ...espArgs.map((a) => ({ f: '-E', load: () => parseTcpdumpEspArg(a) }))];
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

/** The -E arguments that are tshark's field print options (-T fields) rather than ESP keys. */
export function fieldOptionsOf(opts: CommonOptionValues): string[] {
  return (opts.E ?? []).filter(isFieldOption);
}

/** Whether two paths name one existing file (a link or another spelling of the path included). */
export function sameFile(a: string, b: string): boolean {
  if (a === '-') return false;
  try {
    const x = statSync(a);
    const y = statSync(b);
    return x.dev === y.dev && x.ino === y.ino;
  } catch {
    return false;
  }
}

/** Commands without -T fields refuse its -E options (they would be silently ignored). */
export function refuseFieldOptions(opts: CommonOptionValues, command: string): void {
  const f = fieldOptionsOf(opts);
  if (f.length) throw new UsageError(`-E ${f[0]}: a print option of -T fields, which ${command} does not have`, 'read and live print fields: mip6scope read -T fields -e FIELD ... -E header=y');
}

/**
 * Compile -Y. Call after the dissection context exists (contextFor): value names
 * of MH types come from the run's profile. A bad filter is a UsageError whose
 * hint shows the filter with a caret under the mistake and the close names.
 */
export function compileDisplayFilter(text: string | undefined): Filter | null {
  if (text === undefined) return null;
  try {
    return compileFilter(text);
  } catch (e) {
    if (e instanceof FilterError) throw new UsageError(`-Y: ${e.message} (column ${e.position + 1})`, e.hint);
    throw e;
  }
}

/** The message for a UsageError, as every command prints it. */
export function usageText(e: UsageError): string {
  return `mip6scope: ${e.message}${e.hint ? `\n  ${e.hint}` : ''}`;
}

/** What a command knows about the terminal; tests replace each part. */
export interface Terminal {
  /** Whether standard output is a terminal (colour). Default: process.stdout.isTTY. */
  stdoutIsTTY?: boolean;
  /** Environment for NO_COLOR / FORCE_COLOR / TERM. Default: process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Where the progress line goes. Default: process.stderr (shown only when it is a terminal). */
  progress?: ProgressStream;
  /** Clock of the progress line (ms). */
  now?: () => number;
}

/** Colours for text output on standard output: off for machine formats, off the terminal, with --no-color or NO_COLOR. */
export function colorsFor(opts: { color?: boolean }, machineOutput: boolean, term: Terminal = {}): Colors {
  if (machineOutput) return colorize(false);
  return colorize(colorEnabled(term.stdoutIsTTY ?? process.stdout.isTTY === true, term.env ?? process.env, opts.color));
}

/** Total bytes of the inputs, or null when one has no known size (standard input, a pipe). */
export function inputBytes(files: readonly string[]): number | null {
  let total = 0;
  for (const f of files) {
    if (f === '-') return null;
    try {
      const st = statSync(f);
      if (!st.isFile()) return null;
      // A compressed capture's size says nothing of how much it holds (nor where a part of it starts).
      if (isGzipFile(f)) return null;
      total += st.size;
    } catch {
      // Missing or unreadable: the pipeline reports it; it adds nothing to read.
    }
  }
  return total;
}

function isGzipFile(path: string): boolean {
  const head = Buffer.alloc(2);
  let fd = -1;
  try {
    fd = openSync(path, 'r');
    return readSync(fd, head, 0, 2, 0) === 2 && isGzipMagic(head);
  } catch {
    return false;
  } finally {
    if (fd >= 0) closeSync(fd);
  }
}

/**
 * A progress line on stderr for reading `files`: only when stderr is a terminal,
 * the output is for people, and `extra` allows it (read: stdout is not the terminal).
 */
export function startProgress(files: readonly string[], machineOutput: boolean, term: Terminal = {}, extra = true): Progress {
  const stream = term.progress ?? process.stderr;
  const enabled = extra && progressWanted(stream.isTTY === true, machineOutput);
  return Progress.start(enabled ? inputBytes(files) : null, { stream, enabled, now: term.now });
}

/** Bytes a packet's record takes in the file, near enough for a progress bar: the data plus a block header. */
export const RECORD_OVERHEAD = 32;
