import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { lintGroup, lintMain, type GroupResult, type LintOptions } from '../../src/cli/lint.js';
import { writeWorkload } from '../../src/bench/workload.js';

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

  it('two threads (file after file through one analyzing thread) and a pool of three give exactly what one thread gives', async () => {
    const one = await run(files, { each: true, jobs: 1, format: 'json' });
    expect(one.code).toBe(1); // the broken samples have errors
    for (const jobs of [2, 3]) {
      const more = await run(files, { each: true, jobs, format: 'json' });
      expect(more.out, `--jobs ${jobs}`).toBe(one.out);
      expect(more.code).toBe(one.code);
    }
    // -Y and a rule selection go to every file's analysis on the analyzing thread.
    for (const opts of [{ displayFilter: 'mip6.mhtype == 5 || esp' }, { rules: ['HAR-*', 'ESP-SEQUENCE'] }] as LintOptions[]) {
      const a = await run(files, { ...opts, each: true, jobs: 1, format: 'json' });
      const b = await run(files, { ...opts, each: true, jobs: 2, format: 'json' });
      expect(b.out).toBe(a.out);
    }
  });

  it('a file that cannot be read among others: reported, the others analyzed as on one thread', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'mip6scope-each-'));
    try {
      const missing = join(tmp, 'missing.pcapng');
      const inputs = [files[0]!, missing, files[1]!];
      const one = await run(inputs, { each: true, jobs: 1, format: 'json', failOn: 'never' });
      const two = await run(inputs, { each: true, jobs: 2, format: 'json', failOn: 'never' });
      expect(two.out).toBe(one.out);
      expect(two.err).toBe(one.err);
      expect(two.err).toMatch(/missing\.pcapng/);
      expect(two.code).toBe(2);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('refuses --annotate with --each and a bad --jobs before reading', async () => {
    expect((await run(files, { each: true, annotate: '/tmp/never.pcapng' })).code).toBe(2);
    const bad = await run(files, { each: true, jobs: '0' });
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--jobs 0/);
  });
});

describe('lint --annotate onto an input', () => {
  it('is refused before reading, by any name of the file, and the capture is left as it was', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mip6scope-annotate-'));
    try {
      const input = join(dir, 'in.pcapng');
      copyFileSync(files[0]!, input);
      symlinkSync(input, join(dir, 'link.pcapng'));
      for (const out of [input, join(dir, 'link.pcapng'), `${dir}/./in.pcapng`]) {
        const r = await run([files[1]!, input], { annotate: out });
        expect(r.code, out).toBe(2);
        expect(r.err).toContain(`is the input file ${input}`);
        expect(r.out).toBe('');
      }
      expect(readFileSync(input).equals(readFileSync(files[0]!))).toBe(true);
      // Standard input cannot be read a second time for the copy.
      const stdin = await run(['-'], { annotate: join(dir, 'out.pcapng') });
      expect(stdin.code).toBe(2);
      expect(stdin.err).toMatch(/standard input can be read only once/);
      expect((await run([input], { annotate: join(dir, 'out.pcapng'), failOn: 'never' })).code).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('lint on two threads (one dissects, one analyzes)', () => {
  it('gives exactly what one engine gives, merged, per file, with -Y and with a rule selection', async () => {
    const cases: [string[], LintOptions][] = [
      [files, {}],
      [files, { displayFilter: 'mip6.mhtype == 5 || esp' }],
      [files, { rules: ['HAR-*', 'ESP-SEQUENCE'] }],
      [[join(samples, 'bad-esp.pcapng')], {}],
      [[join(samples, 'hard-switch-failover.pcapng')], { timeline: true, format: 'text' }],
    ];
    for (const [inputs, opts] of cases) {
      const one = await run(inputs, { ...opts, jobs: 1, format: opts.format ?? 'json' });
      const two = await run(inputs, { ...opts, jobs: 2, format: opts.format ?? 'json' });
      expect(two.out).toBe(one.out);
      expect(two.code).toBe(one.code);
    }
    // Not vacuous: the merged run has findings of several families.
    const rules = new Set(JSON.parse((await run(files, { jobs: 2, format: 'json' })).out).findings.map((f: { rule: string }) => f.rule.split('-')[0]));
    expect(rules).toContain('ESP');
    expect(rules).toContain('HAR');
  });

  it('a replayed ESP packet is dropped for every family, whichever thread runs it', async () => {
    const bad = join(samples, 'bad-esp.pcapng');
    for (const jobs of [1, 2]) {
      const j = JSON.parse((await run([bad], { jobs, format: 'json' })).out);
      expect(j.findings.map((f: { rule: string }) => f.rule)).toEqual(['ESP-SEQUENCE']);
      // With ESP-SEQUENCE switched off the replay is still dropped, just not reported.
      const off = JSON.parse((await run([bad], { jobs, format: 'json', disable: ['ESP-SEQUENCE'] })).out);
      expect(off.findings).toEqual([]);
    }
  });
});

describe('lint --each progress line', () => {
  /** A terminal on stderr that records what is drawn, and a clock a second further on every read. */
  function terminal(isTTY: boolean) {
    const writes: string[] = [];
    let t = 0;
    return { writes, term: { stdoutIsTTY: false, env: {}, progress: { isTTY, write: (s: string) => { writes.push(s); return true; } }, now: () => (t += 1000) } };
  }
  const packetsIn = (ws: string[]): number => Number(/([\d,]+) packets,/.exec(ws.filter((w) => w.includes('packets')).at(-1) ?? '')?.[1]?.replace(/,/g, '') ?? NaN);

  it.each([1, 2, 3])('shows every file\'s packets on one line, with --jobs %i', async (jobs) => {
    const total = JSON.parse((await run(files, { each: true, jobs: 1, format: 'json', failOn: 'never' })).out).summary.packets as number;
    const tty = terminal(true);
    const code = await lintMain(files, { each: true, jobs, failOn: 'never' }, { out: () => {}, err: () => {}, terminal: tty.term });
    expect(code).toBe(0);
    expect(tty.writes.length).toBeGreaterThan(1);
    expect(tty.writes.slice(0, -1).every((w) => /^\r\[[#.]+\] +\d+% [\d,]+ packets, [\d,]+ packets\/s\x1b\[K$/.test(w))).toBe(true);
    // This thread reads every file with one or two threads and redraws every 256 packets; a pool of worker
    // threads (three or more) reports each file when done, so the last line has them all.
    if (jobs <= 2) expect(packetsIn(tty.writes)).toBeGreaterThanOrEqual(total - 255);
    else expect(packetsIn(tty.writes)).toBe(total);
    expect(tty.writes.at(-1)).toBe('\r\x1b[K'); // erased before the report
  });

  it('stays silent in a pipe and with JSON', async () => {
    const pipe = terminal(false);
    await lintMain(files, { each: true, jobs: 2, failOn: 'never' }, { out: () => {}, err: () => {}, terminal: pipe.term });
    expect(pipe.writes).toEqual([]);
    const json = terminal(true);
    await lintMain(files, { each: true, jobs: 2, format: 'json', failOn: 'never' }, { out: () => {}, err: () => {}, terminal: json.term });
    expect(json.writes).toEqual([]);
  });

  it('a file\'s result does not keep its analysis alive: memory does not grow with the number of files', () => {
    // Typed arrays hold the engine's tables: what stays allocated after a full collection is what results keep.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const dir = mkdtempSync(join(tmpdir(), 'mip6scope-each-'));
    try {
      const capture = join(dir, 'w.pcapng');
      writeWorkload(capture, { packets: 20_000, mobileNodes: 5_000 });
      const kept: GroupResult[] = [];
      const held = (): number => { gc(); gc(); return process.memoryUsage().arrayBuffers; };
      kept.push(lintGroup([capture], { failOn: 'never' }));
      const one = held();
      for (let i = 0; i < 6; i++) kept.push(lintGroup([capture], { failOn: 'never' }));
      const grown = held() - one;
      expect(kept.every((r) => r.packets === 20_000 && r.findings.length === 0)).toBe(true);
      // Each analysis's tables take some megabytes; six more results kept may hold a few kilobytes of their own.
      expect(grown).toBeLessThan(1 << 20);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
