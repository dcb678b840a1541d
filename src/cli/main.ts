/**
 * Command-line wiring only: parse flags, build the pipeline, set the exit code.
 * Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or unreadable input.
 */
import { Command, CommanderError } from 'commander';
import { CaptureError } from '../capture/reader.js';
import { registerRead } from './read.js';
import { registerProfile } from './profile.js';
import { UsageError } from './options.js';

export const VERSION = '0.1.0';

export async function main(argv: string[]): Promise<number> {
  let code = 0;
  const setExit = (c: number): void => { code = Math.max(code, c); };
  const program = new Command();
  program
    .name('mip6scope')
    .description('Packet dissector and conformance analyzer for Mobile IPv6 home-agent reliability signalling')
    // -v as tshark has it: -V is the subcommands' --verbose, and commander would otherwise take it for the version anywhere on the line.
    .version(VERSION, '-v, --version', 'print the version')
    .exitOverride()
    .showHelpAfterError('(run mip6scope help for the commands)');
  registerRead(program, setExit);
  registerProfile(program, setExit);
  await registerOptional(program, setExit);
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
      return 2;
    }
    if (e instanceof UsageError || e instanceof CaptureError) {
      process.stderr.write(`mip6scope: ${e.message}\n${e.hint ? `  ${e.hint}\n` : ''}`);
      return 2;
    }
    throw e;
  }
  return code;
}

/** Commands that live in their own modules (analyzer, live capture, stats), wired when present. */
async function registerOptional(program: Command, setExit: (c: number) => void): Promise<void> {
  const mods: [string, string][] = [['./lint.js', 'registerLint'], ['./rules.js', 'registerRules'], ['./live.js', 'registerLive'], ['./stats.js', 'registerStats']];
  for (const [path, fn] of mods) {
    try {
      const m = (await import(path)) as Record<string, unknown>;
      const reg = m[fn];
      if (typeof reg === 'function') (reg as (p: Command, s: (c: number) => void) => void)(program, setExit);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw e;
    }
  }
}
