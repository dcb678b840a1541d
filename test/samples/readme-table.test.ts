/**
 * samples/README.md says, per capture, what `mip6scope lint` reports: rule ids
 * with severity and count, and the exit code. Run lint (through lintMain, as the
 * CLI does) on every capture and hold the table to it exactly, both ways, so the
 * table cannot drift from the analyzer or the captures.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintMain, type LintOptions } from '../../src/cli/lint.js';
import { defaultSamplesDir } from '../../src/samples/generate.js';

const dir = defaultSamplesDir();
const readme = readFileSync(join(dir, 'README.md'), 'utf8');

interface Row { what: string; args: string[]; findings: Record<string, number>; exit: number }

/** "HAS-BACKOFF error ×5, HAS-RATE warning ×1" or "none" -> { 'HAS-BACKOFF error': 5, ... }. */
function parseFindings(cell: string): Record<string, number> {
  if (cell.trim() === 'none') return {};
  const out: Record<string, number> = {};
  for (const part of cell.split(',')) {
    const m = /^\s*([A-Z0-9-]+) (error|warning|info) ×(\d+)\s*$/.exec(part);
    if (!m) throw new Error(`samples/README.md: cannot read "${part.trim()}" (write RULE-ID severity ×count)`);
    const key = `${m[1]} ${m[2]}`;
    if (key in out) throw new Error(`samples/README.md: ${key} listed twice in "${cell}"`);
    out[key] = Number(m[3]);
  }
  return out;
}

/** The rows of the markdown table whose header row starts with `header`. */
function tableRows(header: string): string[][] {
  const lines = readme.split('\n');
  const start = lines.findIndex((l) => l.startsWith(header));
  if (start < 0) throw new Error(`samples/README.md has no table starting "${header}"`);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(line.slice(1, line.trimEnd().length - 1).split(' | ').map((c) => c.trim()));
  }
  return rows;
}

/** `name.pcapng` -> the capture's path. */
const capture = (cell: string): string => {
  const m = /^`([^`]+\.pcapng)`$/.exec(cell);
  if (!m) throw new Error(`samples/README.md: capture cell ${cell} is not \`name.pcapng\``);
  return m[1]!;
};

const captureRows: Row[] = tableRows('| capture | what it shows | lint findings | exit code |').map((c) => {
  if (c.length !== 4) throw new Error(`samples/README.md: expected 4 cells in ${c.join(' | ')}`);
  const name = capture(c[0]!);
  return { what: name, args: [name], findings: parseFindings(c[2]!), exit: Number(c[3]) };
});

/** "`mip6scope lint samples/a.pcapng --esp-sa samples/a.esp_sa`" -> files and options. */
const commandRows: Row[] = tableRows('| command | lint findings | exit code |').map((c) => {
  const m = /^`mip6scope lint (.+)`$/.exec(c[0]!);
  if (!m || c.length !== 3) throw new Error(`samples/README.md: cannot read command row ${c.join(' | ')}`);
  return { what: m[1]!, args: m[1]!.split(' '), findings: parseFindings(c[1]!), exit: Number(c[2]) };
});

/** Run lint as `mip6scope lint ARGS` would (only the --esp-sa option is understood here). */
async function lint(args: readonly string[]): Promise<{ findings: Record<string, number>; exit: number }> {
  const files: string[] = [];
  const espSa: string[] = [];
  const local = (p: string): string => join(dir, p.replace(/^samples\//, ''));
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--esp-sa') espSa.push(local(args[++i]!));
    else if (args[i]!.startsWith('-')) throw new Error(`the README test does not know the option ${args[i]}`);
    else files.push(local(args[i]!));
  }
  let out = '';
  let err = '';
  const opts: LintOptions = { failOn: 'error', format: 'json', espSa };
  const exit = await lintMain(files, opts, { out: (s) => { out += s; }, err: (s) => { err += s; } });
  if (exit === 2) throw new Error(`lint ${args.join(' ')} failed: ${err}`);
  const findings: Record<string, number> = {};
  for (const f of (JSON.parse(out) as { findings: { rule: string; severity: string }[] }).findings) {
    const key = `${f.rule} ${f.severity}`;
    findings[key] = (findings[key] ?? 0) + 1;
  }
  return { findings, exit };
}

describe('samples/README.md lint table', () => {
  it('lists every capture in samples/ once, and only captures that exist', () => {
    const listed = captureRows.map((r) => r.what);
    expect(new Set(listed).size, 'a capture listed twice').toBe(listed.length);
    expect([...listed].sort()).toEqual(readdirSync(dir).filter((n) => n.endsWith('.pcapng')).sort());
    for (const r of commandRows) for (const a of r.args.filter((x) => x.startsWith('samples/'))) expect(existsSync(join(dir, a.slice('samples/'.length))), a).toBe(true);
  });

  for (const row of [...captureRows, ...commandRows]) {
    it(`mip6scope lint ${row.what}: ${Object.keys(row.findings).length === 0 ? 'none' : Object.entries(row.findings).map(([k, n]) => `${k} ×${n}`).join(', ')}, exit ${row.exit}`, async () => {
      const got = await lint(row.args);
      expect(got.findings).toEqual(row.findings);
      expect(got.exit).toBe(row.exit);
    });
  }
});
