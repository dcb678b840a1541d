/**
 * `read` into a real Sink takes the byte writers; into anything else (the other
 * tests' line collectors) the string formatters. Both give the same output.
 */
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readMain, type ReadOptions } from '../../src/cli/read.js';
import type { Terminal } from '../../src/cli/options.js';
import { Sink } from '../../src/output/sink.js';
import { SAMPLES } from '../filter/helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'mip6scope-read-sink-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const term: Terminal = { stdoutIsTTY: false, env: {} };

/** Output bytes of readMain through a file Sink (small buffer: many flushes), as latin1 (one character per byte). */
function throughSink(files: string[], opts: Partial<ReadOptions>, t: Terminal = term): string {
  const path = join(tmp, 'out');
  const fd = openSync(path, 'w');
  try {
    readMain(files, { format: 'text', ...opts } as ReadOptions, new Sink(fd, 1000), () => undefined, t);
  } finally {
    closeSync(fd);
  }
  return readFileSync(path).toString('latin1');
}

/** The same through a line collector (the string formatters), encoded as a Sink would. */
function throughLines(files: string[], opts: Partial<ReadOptions>, t: Terminal = term): string {
  const lines: string[] = [];
  const sink = { line: (s: string) => { lines.push(s); }, flush: () => undefined, closed: false } as unknown as Sink;
  readMain(files, { format: 'text', ...opts } as ReadOptions, sink, () => undefined, t);
  return Buffer.from(lines.map((l) => `${l}\n`).join(''), 'utf8').toString('latin1');
}

const samples = readdirSync(SAMPLES).filter((f) => f.endsWith('.pcapng')).sort().map((f) => resolve(SAMPLES, f));
const keysFor = (f: string): string[] => { const sa = f.replace(/\.pcapng$/, '.esp_sa'); return existsSync(sa) ? [sa] : []; };

describe('read through a Sink = read through the string formatters', () => {
  for (const format of ['text', 'ndjson', 'json'] as const) {
    it(`-T ${format}, every sample (with its keys)`, () => {
      for (const f of samples) {
        const opts = { format, espSa: keysFor(f) };
        const a = throughSink([f], opts);
        expect(a.length).toBeGreaterThan(0);
        expect(a).toBe(throughLines([f], opts));
      }
    });

    it(`-T ${format}, several files merged (the "file" member)`, () => {
      const files = [samples[0]!, samples[3]!, samples[7]!];
      expect(throughSink(files, { format })).toBe(throughLines(files, { format }));
    });
  }

  it('with -Y, -x, -V, -c and colour', () => {
    const f = resolve(SAMPLES, 'bad-checksum.pcapng');
    const colour: Terminal = { stdoutIsTTY: true, env: {} };
    for (const opts of [{ displayFilter: 'mip6.mhtype == 5' }, { hex: true }, { verbose: true }, { count: 3 }, { format: 'ndjson' as const, count: 2 }]) {
      expect(throughSink([f], opts)).toBe(throughLines([f], opts));
      expect(throughSink([f], opts, colour)).toBe(throughLines([f], opts, colour));
    }
    expect(throughSink([f], {}, colour)).toContain('\x1b[31m[!]');
  });
});
