import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintMain, type LintOptions } from '../../src/cli/lint.js';

const samples = join(__dirname, '..', '..', 'samples');
const files = readdirSync(samples).filter((f) => f.endsWith('.pcapng')).sort().map((f) => join(samples, f));

async function run(args: string[], opts: LintOptions): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await lintMain(args, opts, { out: (s) => { out += s; }, err: (s) => { err += `${s}\n`; } });
  return { code, out, err };
}

describe('lint --each', () => {
  it('analyzes every file on its own: the same findings as one run per file, in file order', async () => {
    const each = await run(files, { each: true, jobs: 1, format: 'json', failOn: 'never' });
    const separately: unknown[] = [];
    for (const f of files) separately.push(...JSON.parse((await run([f], { format: 'json', failOn: 'never' })).out).findings);
    expect(each.code).toBe(0);
    expect(JSON.parse(each.out).findings).toEqual(separately);
    // Merging instead would see HA1 of one capture as HA1 of another: different findings.
    const merged = JSON.parse((await run(files, { format: 'json', failOn: 'never' })).out).findings;
    expect(merged).not.toEqual(separately);
  });

  it('worker threads give exactly what one thread gives', async () => {
    const one = await run(files, { each: true, jobs: 1, format: 'json' });
    const two = await run(files, { each: true, jobs: 2, format: 'json' });
    expect(two.out).toBe(one.out);
    expect(two.code).toBe(one.code);
    expect(two.code).toBe(1); // the broken samples have errors
  });

  it('refuses --annotate with --each and a bad --jobs before reading', async () => {
    expect((await run(files, { each: true, annotate: '/tmp/never.pcapng' })).code).toBe(2);
    const bad = await run(files, { each: true, jobs: '0' });
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--jobs 0/);
  });
});
