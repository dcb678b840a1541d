/** `mip6scope profile`: print the active profile (numbers, constants, where they came from). */
import { Option, type Command } from 'commander';
import { describeProfile, profileAsJson } from '../profile/describe.js';
import { addCommonOptions, buildRunConfig, refuseFieldOptions, type CommonOptionValues } from './options.js';

export function registerProfile(program: Command, setExit: (code: number) => void): void {
  const cmd = program
    .command('profile')
    .description('print the active profile: MH message and option numbers, constants')
    .addOption(new Option('-T, --format <format>', 'output format').choices(['text', 'json']).default('text'));
  addCommonOptions(cmd);
  cmd.action((opts: CommonOptionValues & { format: string }) => {
    refuseFieldOptions(opts, 'profile');
    const cfg = buildRunConfig(opts);
    process.stdout.write(opts.format === 'json' ? `${JSON.stringify(profileAsJson(cfg.profile), null, 2)}\n` : `${describeProfile(cfg.profile)}\n`);
    setExit(0);
  });
}
