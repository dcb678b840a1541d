/** `mip6scope lint` and `mip6scope rules` through their exported entry points. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openCapture } from '../../src/capture/open.js';
import { exitCodeFor, lintMain, parseTolerance, type LintOptions } from '../../src/cli/lint.js';
import { rulesMain } from '../../src/cli/rules.js';
import { ALL_RULES } from '../../src/analyze/rules/index.js';
import { defaultSamplesDir } from '../../src/samples/generate.js';
import { hasTshark, NO_TSHARK } from '../craft/external-tools.js';

const sample = (n: string): string => join(defaultSamplesDir(), n);
const tmp = mkdtempSync(join(tmpdir(), 'mip6scope-lint-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function run(files: string[], opts: Partial<LintOptions> = {}): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await lintMain(files, { failOn: 'error', format: 'text', ...opts } as LintOptions, { out: (s) => { out += s; }, err: (s) => { err += `${s}\n`; } });
  return { code, out, err };
}

describe('lint exit codes', () => {
  it('0 for a conformant capture, 1 for errors, --fail-on moves the threshold', async () => {
    expect((await run([sample('registration-and-switch.pcapng')])).code).toBe(0);
    expect((await run([sample('bad-no-backoff.pcapng')])).code).toBe(1);
    // bad-switch-rate has only a warning.
    expect((await run([sample('bad-switch-rate.pcapng')])).code).toBe(0);
    expect((await run([sample('bad-switch-rate.pcapng')], { failOn: 'warning' })).code).toBe(1);
    expect((await run([sample('bad-no-backoff.pcapng')], { failOn: 'never' })).code).toBe(0);
    expect((await run([sample('hard-switch-failover.pcapng')], { failOn: 'info' })).code).toBe(1);
  });
  it('2 for unusable input or a bad option', async () => {
    const r = await run([join(tmp, 'missing.pcapng')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/no such file/);
    expect((await run([sample('refresh.pcapng')], { rules: ['NOPE'] })).code).toBe(2);
    expect(() => parseTolerance('abc')).toThrow();
    expect(parseTolerance('20%,100ms')).toEqual({ fraction: 0.2, floor: 0.1 });
    expect(exitCodeFor([], 'info')).toBe(0);
  });
});

describe('lint outputs', () => {
  it('text: grouped by rule with frames, and a summary table', async () => {
    const r = await run([sample('bad-no-backoff.pcapng')], { timeline: true });
    expect(r.out).toMatch(/^HAS-BACKOFF \(RFC 5142 5\.2, 8\)/m);
    expect(r.out).toMatch(/error\s+#4\s+\+11\.000s\s+Home Agent Switch retransmission 1 after 1 s/);
    expect(r.out).toMatch(/Timeline/);
    expect(r.out).toMatch(/total/);
  });

  it('-T json: findings and summary', async () => {
    const r = await run([sample('bad-bu-sequence.pcapng')], { format: 'json' });
    const j = JSON.parse(r.out) as { findings: Record<string, unknown>[]; summary: { total: number; bySeverity: Record<string, number>; packets: number } };
    expect(j.findings[0]).toEqual({
      rule: 'BU-SEQUENCE', severity: 'error', frame: 2, file: sample('bad-bu-sequence.pcapng'), time: expect.any(Number),
      message: expect.stringMatching(/seq 200/), spec: expect.stringMatching(/RFC 6275/), flow: '2001:db8:1::1004 -> 2001:db8:1::a1',
    });
    expect(j.summary.bySeverity.error).toBe(1);
    expect(j.summary.packets).toBe(3);
  });

  it('-T sarif: SARIF 2.1.0 with the catalog as tool.driver.rules and valid rule indices', async () => {
    const r = await run([sample('bad-unprotected.pcapng')], { format: 'sarif' });
    const s = JSON.parse(r.out) as { version: string; $schema: string; runs: { tool: { driver: { name: string; rules: { id: string; shortDescription: { text: string }; defaultConfiguration: { level: string } }[] } }; results: { ruleId: string; ruleIndex: number; level: string; message: { text: string }; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] };
    expect(s.version).toBe('2.1.0');
    expect(s.$schema).toMatch(/sarif-2\.1\.0/);
    expect(s.runs).toHaveLength(1);
    const run0 = s.runs[0]!;
    expect(run0.tool.driver.name).toBe('mip6scope');
    expect(run0.tool.driver.rules.map((x) => x.id)).toEqual(ALL_RULES.map((x) => x.meta.id));
    for (const rule of run0.tool.driver.rules) expect(['error', 'warning', 'note']).toContain(rule.defaultConfiguration.level);
    expect(run0.results.length).toBe(3);
    for (const res of run0.results) {
      expect(run0.tool.driver.rules[res.ruleIndex]!.id).toBe(res.ruleId);
      expect(['error', 'warning', 'note']).toContain(res.level);
      expect(res.message.text.length).toBeGreaterThan(0);
      expect(res.locations[0]!.physicalLocation.artifactLocation.uri).toBe(sample('bad-unprotected.pcapng'));
    }
  });

  it('-T junit: a testcase per rule run, a failure per finding', async () => {
    const r = await run([sample('bad-no-backoff.pcapng')], { format: 'junit', rules: ['HAS-*'] });
    expect(r.out).toMatch(/^<\?xml/);
    expect((r.out.match(/<testcase /g) ?? []).length).toBe(ALL_RULES.filter((x) => x.meta.id.startsWith('HAS-')).length);
    expect((r.out.match(/<failure /g) ?? []).length).toBe(5);
    expect(r.out).toMatch(/<testcase classname="mip6scope.HAS" name="HAS-BACKOFF">/);
  });

  it('several files merge by time; findings name their file and frame', async () => {
    const a = sample('bad-checksum.pcapng');
    const b = sample('bad-bu-sequence.pcapng');
    const r = await run([a, b], { format: 'json' });
    const j = JSON.parse(r.out) as { findings: { rule: string; file: string; frame: number }[] };
    expect(j.findings.find((f) => f.rule === 'MH-CHECKSUM')).toMatchObject({ file: a, frame: 1 });
    expect(j.findings.find((f) => f.rule === 'BU-SEQUENCE')).toMatchObject({ file: b, frame: 2 });
  });
});

describe('--annotate', () => {
  const out = join(tmp, 'annotated.pcapng');
  it('writes a copy with each finding as a comment on its frame', async () => {
    const r = await run([sample('bad-unprotected.pcapng')], { annotate: out });
    expect(r.code).toBe(1);
    const rd = openCapture(out);
    const comments: [number, string[]][] = [];
    let n = 0;
    for (let f = rd.next(); f; f = rd.next()) { n++; const mine = (f.comments ?? []).filter((c) => c.startsWith('mip6scope ')); if (mine.length) comments.push([f.number, mine]); }
    rd.close();
    expect(n).toBe(7);
    expect(comments.map(([k]) => k)).toEqual([1, 2, 3]);
    expect(comments[0]![1][0]).toMatch(/^mip6scope error MH-UNPROTECTED/);
  });
  it.skipIf(!hasTshark)(`tshark shows the comments as frame.comment${hasTshark ? '' : ` (${NO_TSHARK})`}`, () => {
    const t = spawnSync('tshark', ['-r', out, '-T', 'fields', '-e', 'frame.number', '-e', 'frame.comment'], { encoding: 'utf8' });
    expect(t.status).toBe(0);
    const lines = t.stdout.trim().split('\n').filter((l) => l.includes('mip6scope'));
    expect(lines.map((l) => Number(l.split('\t')[0]))).toEqual([1, 2, 3]);
    expect(lines[2]).toMatch(/Home Agent Switch sent outside ESP/);
    // Our frame.comment is tshark's, frame by frame (tshark joins several with commas).
    const bin = join(__dirname, '..', '..', 'bin', 'mip6scope.js');
    const ours = JSON.parse(spawnSync(process.execPath, [bin, 'read', '-T', 'json', out], { encoding: 'utf8' }).stdout) as { frame: number; fields: Record<string, unknown> }[];
    const theirs = t.stdout.replace(/\n$/, '').split('\n').map((l) => l.split('\t'));
    expect(ours.map((f) => { const c = f.fields['frame.comment']; return [String(f.frame), c === undefined ? '' : ([] as unknown[]).concat(c).join(',')]; })).toEqual(theirs);
  });
  it('annotating an annotated capture replaces its findings and keeps its other comments', async () => {
    const again = join(tmp, 'annotated-again.pcapng');
    expect((await run([out], { annotate: again })).code).toBe(1);
    const all = (path: string): string[][] => {
      const rd = openCapture(path);
      const c: string[][] = [];
      for (let f = rd.next(); f; f = rd.next()) c.push([...(f.comments ?? [])]);
      rd.close();
      return c;
    };
    expect(all(again)).toEqual(all(out));
    // The sample's own comments (what each packet shows) are still there.
    expect(all(again).flat().filter((c) => !c.startsWith('mip6scope ')).length).toBeGreaterThan(0);
  });
  it('read shows the comments as frame.comment, and -Y finds frames by them', () => {
    const bin = join(__dirname, '..', '..', 'bin', 'mip6scope.js');
    const r = spawnSync(process.execPath, [bin, 'read', '-T', 'json', '-Y', 'frame.comment contains "MH-UNPROTECTED"', out], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const frames = JSON.parse(r.stdout) as { frame: number; fields: Record<string, unknown> }[];
    expect(frames.map((f) => f.frame)).toEqual([1, 2, 3]);
    const comments = frames[0]!.fields['frame.comment'];
    expect(Array.isArray(comments) ? comments : [comments]).toContainEqual(expect.stringMatching(/^mip6scope error MH-UNPROTECTED/));
  });
});

describe('rules command', () => {
  it('-T json gives the catalog as [{id, severity, spec, summary}]', () => {
    const r = rulesMain(undefined, { format: 'json' });
    const j = JSON.parse(r.out) as { id: string; severity: string; spec: string; summary: string }[];
    expect(j).toEqual(ALL_RULES.map((x) => ({ id: x.meta.id, severity: x.meta.severity, spec: x.meta.spec, summary: x.meta.summary })));
    for (const entry of j) expect(Object.keys(entry)).toEqual(['id', 'severity', 'spec', 'summary']);
  });
  it('the table shows every id whole, however long (HAS-RETRANSMIT-AFTER-ACK is the longest)', () => {
    const text = rulesMain(undefined).out;
    const ids = text.split('\n').map((l) => /^│ (\S+)\s*│/.exec(l)?.[1]).filter((x): x is string => x !== undefined && x !== 'id');
    expect(ids).toEqual(ALL_RULES.map((x) => x.meta.id));
    expect(ids).toContain('HAS-RETRANSMIT-AFTER-ACK');
    expect(text).not.toMatch(/-…/);
  });
  it('prints the table, a rule page, and refuses unknown ids', () => {
    expect(rulesMain(undefined).out).toMatch(/HAS-BACKOFF/);
    const page = rulesMain('has-backoff');
    expect(page.out).toMatch(/^HAS-BACKOFF {2}\(error, RFC 5142 5\.2, 8\)/);
    expect(page.out).toMatch(/Example: /);
    expect(rulesMain('NOPE').code).toBe(2);
  });
});
