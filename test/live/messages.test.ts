/**
 * What a person sees from the installed command when live capture cannot start: run as
 * users run it (bin/mip6scope.js from dist/), without permission, without the libpcap
 * binding, and on an interface that does not exist. Exit code 2 and a hint to act on.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { ROOT, tempDir } from './helpers.js';

const bin = join(ROOT, 'bin', 'mip6scope.js');
const built = join(ROOT, 'dist', 'capture', 'live.js');
const distMissing = !existsSync(built) ? 'dist/ is not built (npm run build)'
  : statSync(built).mtimeMs < statSync(join(ROOT, 'src', 'capture', 'live.ts')).mtimeMs ? 'dist/ is older than src/capture/live.ts (npm run build)' : null;
const bindingMissing = ((): string | null => {
  try { createRequire(import.meta.url)('cap'); return null; } catch (e) { return `the libpcap binding is not built (${(e as Error).message.split('\n')[0]})`; }
})();
const have = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;

/** The CLI's exit code and stderr. */
function cli(args: string[], opts: { prefix?: string[]; nodeArgs?: string[] } = {}): { code: number | null; stderr: string; stdout: string } {
  const [cmd, ...rest] = [...(opts.prefix ?? []), process.execPath, ...(opts.nodeArgs ?? []), bin, ...args];
  const r = spawnSync(cmd!, rest, { encoding: 'utf8', timeout: 20_000 });
  return { code: r.status, stderr: r.stderr, stdout: r.stdout };
}

describe.skipIf(distMissing !== null)('live capture that cannot start', () => {
  if (distMissing) console.warn(`test/live/messages.test.ts skipped: ${distMissing}`);
  let tmp: ReturnType<typeof tempDir>;
  beforeAll(() => { tmp = tempDir(); });
  afterAll(() => tmp?.remove());

  it('without the libpcap binding: says what to install, then to rebuild cap (live -i and live -D)', () => {
    // Make `cap` unloadable for this one process, as on a machine where it was never compiled.
    const hide = join(tmp.dir, 'hide-cap.cjs');
    writeFileSync(hide, [
      "const Module = require('node:module');",
      'const resolve = Module._resolveFilename;',
      'Module._resolveFilename = function (request, ...rest) {',
      "  if (request === 'cap') { const e = new Error(\"Cannot find module 'cap'\"); e.code = 'MODULE_NOT_FOUND'; throw e; }",
      '  return resolve.call(this, request, ...rest);',
      '};',
    ].join('\n'));
    for (const args of [['live', '-i', 'lo', '-c', '1'], ['live', '-D']]) {
      const r = cli(args, { nodeArgs: ['--require', hide] });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/the libpcap binding could not be loaded \(Cannot find module 'cap'\)/);
      expect(r.stderr).toContain('apt-get install libpcap-dev');
      expect(r.stderr).toContain('npm rebuild cap');
      expect(r.stdout).toBe('');
    }
    // Reading files does not need the binding.
    const read = cli(['read', join(ROOT, 'samples', 'refresh.pcapng'), '-c', '1'], { nodeArgs: ['--require', hide] });
    expect(read.code, read.stderr).toBe(0);
  });

  it.skipIf(bindingMissing !== null)('on an interface that is not there: names the ones that are', () => {
    const r = cli(['live', '-i', 'm6-no-such0', '-c', '1']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/^mip6scope: m6-no-such0: no such interface\n {2}interfaces here: .*\blo\b/);
  });

  // Dropping root needs root; the unprivileged user must be able to read the checkout.
  const unprivileged = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'];
  const whyNot = bindingMissing
    ?? (process.getuid?.() !== 0 ? 'dropping to an unprivileged user needs root (CI runs as root)' : null)
    ?? (!have('setpriv') ? 'setpriv (util-linux) is not installed' : null)
    ?? (spawnSync(unprivileged[0]!, [...unprivileged.slice(1), 'test', '-r', bin]).status !== 0 ? `user nobody cannot read ${bin}` : null);
  if (whyNot) console.warn(`permission test skipped: ${whyNot}`);

  it.skipIf(whyNot !== null)('without CAP_NET_RAW: says root or the capability is needed and how to grant it', () => {
    const r = cli(['live', '-i', 'lo', '-c', '1'], { prefix: unprivileged });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/^mip6scope: lo: no permission to capture \(/);
    expect(r.stderr).toContain('root or the CAP_NET_RAW capability');
    expect(r.stderr).toContain('setcap cap_net_raw,cap_net_admin=eip');
    // Listing needs no privilege.
    const list = cli(['live', '-D'], { prefix: unprivileged });
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/^\d+\. lo\b/m);
  });
});
