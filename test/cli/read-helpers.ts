/** readMain in-process, its lines and messages collected (no terminal, no colour). */
import { readMain, type ReadOptions } from '../../src/cli/read.js';
import type { Terminal } from '../../src/cli/options.js';
import type { Sink } from '../../src/output/sink.js';

const term: Terminal = { stdoutIsTTY: false, env: {} };

export interface ReadRun { code: number; lines: string[]; err: string }

export function runRead(files: string[], opts: Partial<ReadOptions>): ReadRun {
  const lines: string[] = [];
  const err: string[] = [];
  const sink = { line: (s: string) => { lines.push(s); }, flush: () => undefined, closed: false } as unknown as Sink;
  const code = readMain(files, { format: 'text', ...opts } as ReadOptions, sink, (s) => err.push(s), term);
  return { code, lines, err: err.join('\n') };
}
