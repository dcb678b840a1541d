import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import type { CaptureReader } from '../../src/capture/reader.js';

/**
 * Bytes from readable hex: whitespace separates, `#` starts a comment to the end of the line,
 * and "quoted text" stands for its ASCII bytes.
 */
export function hex(text: string): Uint8Array {
  const out: number[] = [];
  for (const rawLine of text.split('\n')) {
    const line = rawLine.replace(/#.*$/, '');
    for (const tok of line.match(/"[^"]*"|\S+/g) ?? []) {
      if (tok.startsWith('"')) {
        for (const ch of tok.slice(1, -1)) out.push(ch.charCodeAt(0));
      } else {
        if (!/^[0-9a-fA-F]{2}$/.test(tok)) throw new Error(`bad hex token ${tok}`);
        out.push(parseInt(tok, 16));
      }
    }
  }
  return Uint8Array.from(out);
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(parts.flatMap((p) => Array.from(p)));
}

/** A frame copied out of the reader's buffer, so it survives the next call. */
export interface SavedFrame {
  number: number;
  tsSec: number;
  tsNsec: number;
  linktype: number;
  caplen: number;
  len: number;
  data: number[];
  interfaceId: number;
  comments: string[] | null;
}

export function readAll(r: CaptureReader): SavedFrame[] {
  const out: SavedFrame[] = [];
  for (let f = r.next(); f !== null; f = r.next()) {
    out.push({
      number: f.number,
      tsSec: f.tsSec,
      tsNsec: f.tsNsec,
      linktype: f.linktype,
      caplen: f.caplen,
      len: f.len,
      data: Array.from(f.data),
      interfaceId: f.interfaceId,
      comments: f.comments === null ? null : [...f.comments],
    });
  }
  return out;
}

/** A temporary directory removed after the test file finishes. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mip6scope-capture-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function writeTemp(dir: string, name: string, bytes: Uint8Array): string {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
}

export const tsharkAvailable: boolean = (() => {
  const r = spawnSync('tshark', ['--version'], { encoding: 'utf8' });
  return r.status === 0;
})();

/** Runs tshark on a file and returns its tab-separated field rows. */
export function tsharkFields(path: string, fields: string[]): string[][] {
  const args = ['-r', path, '-T', 'fields', '-E', 'separator=/t'];
  for (const f of fields) args.push('-e', f);
  const r = spawnSync('tshark', args, { encoding: 'utf8' });
  // Status 2 with output: tshark read what it could of a damaged file.
  if (r.status !== 0 && !(r.status === 2 && r.stdout.length > 0)) throw new Error(`tshark failed on ${path}: ${r.stderr}`);
  return r.stdout
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => l.split('\t'));
}
