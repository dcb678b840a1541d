/**
 * What a command loads at start: a lint of a small capture takes a few hundred
 * milliseconds, most of it loading the program, so the pieces only some runs need
 * (the capture writer of --annotate, the findings table, address parsing for
 * filters and key files, the field printer of read and live, YAML profiles,
 * gzip input) are loaded when first needed. Each is checked both ways: not
 * loaded by a run that does not need it, loaded by one that does (so the check
 * itself is shown to see it). The installed executable runs as a child process,
 * with a preload that lists every module loaded, ES and CommonJS.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultSamplesDir } from '../../src/samples/generate.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const bin = join(repo, 'bin', 'mip6scope.js');
const sample = (n: string): string => join(defaultSamplesDir(), n);
const tmp = mkdtempSync(join(tmpdir(), 'mip6scope-startup-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// ES modules through a load hook; CommonJS ones from the require cache as the process exits.
const hooks = join(tmp, 'hooks.mjs');
writeFileSync(hooks, `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) { appendFileSync(process.env.LOADED_LIST, url + '\\n'); return next(url, context); }
`);
const preload = join(tmp, 'preload.mjs');
writeFileSync(preload, `import { register, createRequire } from 'node:module';
import { appendFileSync } from 'node:fs';
register(${JSON.stringify(pathToFileURL(hooks).href)});
const require = createRequire(import.meta.url);
process.on('exit', () => appendFileSync(process.env.LOADED_LIST, Object.keys(require.cache).join('\\n') + '\\n'));
`);

let runs = 0;
/** The modules a run of mip6scope loaded (paths and URLs, one string). */
function loadedBy(...args: string[]): string {
  if (!existsSync(join(repo, 'dist', 'cli', 'main.js'))) throw new Error('dist/ is missing: run npm run build (npm test does it first)');
  const list = join(tmp, `loaded-${runs++}.txt`);
  writeFileSync(list, '');
  const r = spawnSync(process.execPath, ['--import', pathToFileURL(preload).href, bin, ...args], {
    encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', LOADED_LIST: list }, cwd: tmp,
  });
  expect(r.status, r.stderr).not.toBe(2);
  return readFileSync(list, 'utf8');
}

const ANNOTATE = /dist\/capture\/pcapng-writer\.js/;
const TABLE = /node_modules\/cli-table3\//;
const IPADDR = /node_modules\/ipaddr\.js\//;
const FIELD_PRINTER = /dist\/output\/fields-text\.js/;
const YAML = /node_modules\/yaml\//;
const GZIP = /node_modules\/fflate\//;

describe('start-up: what each run loads', () => {
  it('a lint of a clean capture loads none of the optional pieces', () => {
    const loaded = loadedBy('lint', sample('refresh.pcapng'));
    expect(loaded).toMatch(/dist\/cli\/lint\.js/);
    for (const piece of [ANNOTATE, TABLE, IPADDR, FIELD_PRINTER, YAML, GZIP]) expect(loaded).not.toMatch(piece);
  });

  it('each is loaded by a run that needs it', () => {
    expect(loadedBy('lint', '--annotate', join(tmp, 'out.pcapng'), sample('refresh.pcapng'))).toMatch(ANNOTATE);
    // Findings are summed up in a table.
    expect(loadedBy('lint', sample('bad-checksum.pcapng'))).toMatch(TABLE);
    expect(loadedBy('lint', '-Y', 'ipv6.src == 2001:db8:1::a1', sample('refresh.pcapng'))).toMatch(IPADDR);
    const read = loadedBy('read', '-T', 'fields', '-e', 'frame.number', sample('refresh.pcapng'));
    expect(read).toMatch(FIELD_PRINTER);
    expect(read).not.toMatch(IPADDR);
    const profile = join(tmp, 'profile.yaml');
    writeFileSync(profile, 'constants:\n  MAX_HA_SWITCH_TRANSMIT_RATE: 2\n');
    expect(loadedBy('lint', '--profile', profile, sample('refresh.pcapng'))).toMatch(YAML);
  });
});
