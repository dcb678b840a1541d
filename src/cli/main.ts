/**
 * Command-line wiring only: parse flags, build the pipeline, set the exit code.
 * Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or unreadable input.
 */
import { Command, CommanderError } from 'commander';
import { CaptureError } from '../capture/reader.js';
import { OutputError, outputError } from '../output/write-fully.js';
import { UsageError } from './options.js';

export const VERSION = '0.1.0';

export async function main(argv: string[]): Promise<number> {
  let code = 0;
  const setExit = (c: number): void => { code = Math.max(code, c); };
  // Output written through process.stdout (rules, lint's reports) fails later, as an event: a reader
  // gone from the pipe ends it quietly; a full disk is reported as the synchronous writers report it.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') return;
    const o = outputError('the output', e);
    process.stderr.write(`mip6scope: ${o.message}\n  ${o.hint}\n`);
    process.exitCode = 2;
  });
  const program = new Command();
  program
    .name('mip6scope')
    .description('Packet dissector and conformance analyzer for Mobile IPv6 home-agent reliability signalling')
    // -v as tshark has it: -V is the subcommands' --verbose, and commander would otherwise take it for the version anywhere on the line.
    .version(VERSION, '-v, --version', 'print the version')
    .exitOverride()
    .showHelpAfterError('(run mip6scope help for the commands)');
  await registerCommands(program, setExit, commandNamed(argv));
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
      return 2;
    }
    if (e instanceof UsageError || e instanceof CaptureError || e instanceof OutputError) {
      process.stderr.write(`mip6scope: ${e.message}\n${e.hint ? `  ${e.hint}\n` : ''}`);
      return 2;
    }
    throw e;
  }
  return code;
}

type Register = (p: Command, s: (c: number) => void) => void;

/** Each command's module and the function that registers it, in the order `help` lists them. */
const COMMANDS: readonly [name: string, path: string, fn: string][] = [
  ['read', './read.js', 'registerRead'],
  ['profile', './profile.js', 'registerProfile'],
  ['lint', './lint.js', 'registerLint'],
  ['rules', './rules.js', 'registerRules'],
  ['fields', './fields.js', 'registerFields'],
  ['live', './live.js', 'registerLive'],
  ['stats', './stats.js', 'registerStats'],
];

/**
 * The command the line names, when it is one of ours: then only its module is
 * loaded (loading every command's dependencies costs a quarter of a second at
 * each start). Anything else (help, a typo, options first) loads them all, so
 * help and commander's suggestions see every command.
 */
export function commandNamed(argv: readonly string[]): string | null {
  const word = argv[2];
  return word !== undefined && COMMANDS.some(([name]) => name === word) ? word : null;
}

/** Register the named command, or every command when `only` is null. */
async function registerCommands(program: Command, setExit: (c: number) => void, only: string | null): Promise<void> {
  for (const [name, path, fn] of COMMANDS) {
    if (only !== null && name !== only) continue;
    const m = (await import(path)) as Record<string, unknown>;
    (m[fn] as Register)(program, setExit);
  }
}
