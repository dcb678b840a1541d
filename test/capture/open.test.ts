import { spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { linkTypeName } from '../../src/capture/linktypes.js';
import { openCapture, openCaptureFd } from '../../src/capture/open.js';
import { CaptureError } from '../../src/capture/reader.js';
import { BE_SECTION, LE_SECTION, PCAP_LE_USEC } from './fixtures.js';
import { concat, readAll, tempDir, writeTemp } from './helpers.js';

const dir = tempDir();

function captureError(fn: () => unknown): CaptureError {
  try {
    fn();
  } catch (e) {
    if (e instanceof CaptureError) return e;
    throw e;
  }
  throw new Error('expected a CaptureError');
}

describe('openCapture refuses unusable input with a message naming the file and what to do', () => {
  it('missing file', () => {
    const e = captureError(() => openCapture(join(dir, 'nope.pcap')));
    expect(e.message).toMatch(/nope\.pcap: no such file/);
    expect(e.file).toBe(join(dir, 'nope.pcap'));
    expect(e.frame).toBe(0);
    expect(e.hint).toMatch(/check the path/);
  });

  it('empty file', () => {
    const e = captureError(() => openCapture(writeTemp(dir, 'empty.pcap', new Uint8Array(0))));
    expect(e.message).toMatch(/empty\.pcap: empty file/);
  });

  it('a file shorter than any magic', () => {
    expect(() => openCapture(writeTemp(dir, 'three.pcap', Uint8Array.of(0xd4, 0xc3, 0xb2)))).toThrow(/too short to be a capture \(3 bytes\)/);
  });

  it('unknown magic: shows the first bytes and suggests editcap', () => {
    const e = captureError(() => openCapture(writeTemp(dir, 'notes.txt', new TextEncoder().encode('hello world'))));
    expect(e.message).toMatch(/notes\.txt: not a pcap or pcapng file \(starts with 68 65 6c 6c\)/);
    expect(e.hint).toMatch(/editcap/);
  });

  it.each([
    ['zip', [0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0], /zip archive/, /unzip/],
    ['zstd', [0x28, 0xb5, 0x2f, 0xfd, 0, 0, 0, 0], /zstd-compressed/, /zstd -d/],
  ])('recognises a %s file and says how to get at the capture', (name, bytes, what, hint) => {
    const e = captureError(() => openCapture(writeTemp(dir, `x.${name}`, Uint8Array.from(bytes))));
    expect(e.message).toMatch(what);
    expect(e.hint).toMatch(hint);
  });

  it('a directory', () => {
    const d = join(dir, 'a-directory');
    mkdirSync(d);
    expect(() => openCapture(d)).toThrow(/a-directory: is a directory/);
  });
});

describe('openCaptureFd', () => {
  it('reads from a descriptor it does not own and leaves it open', () => {
    const path = writeTemp(dir, 'fd.pcapng', LE_SECTION);
    const fd = openSync(path, 'r');
    const r = openCaptureFd(fd, 'my label', { chunkSize: 8 });
    expect(readAll(r)).toHaveLength(3);
    r.close();
    closeSync(fd); // throws EBADF if the reader had closed it
  });
});

describe('linkTypeName', () => {
  it('names common link types and marks unknown ones', () => {
    expect(linkTypeName(1)).toBe('ETHERNET');
    expect(linkTypeName(101)).toBe('RAW');
    expect(linkTypeName(113)).toBe('LINUX_SLL');
    expect(linkTypeName(229)).toBe('IPV6');
    expect(linkTypeName(276)).toBe('LINUX_SLL2');
    expect(linkTypeName(150)).toBe('USER3');
    expect(linkTypeName(65000)).toBe('unknown (65000)');
  });
});

/**
 * Standard input is exercised for real: the capture modules are compiled on their own into a
 * temporary directory and a child node process reads '-' from a pipe.
 */
const compiled = (() => {
  const out = join(dir, 'compiled');
  const require = createRequire(import.meta.url);
  const tsc = require.resolve('typescript/bin/tsc');
  const src = join(import.meta.dirname, '../../src/capture/open.ts');
  const r = spawnSync(
    process.execPath,
    [tsc, '--outDir', out, '--rootDir', join(import.meta.dirname, '../../src/capture'), '--module', 'NodeNext', '--moduleResolution', 'NodeNext',
      '--target', 'ES2022', '--strict', '--skipLibCheck', '--types', 'node', src],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) return { ok: false as const, why: `could not compile the capture modules: ${r.stdout}${r.stderr}` };
  writeFileSync(join(out, 'package.json'), '{"type":"module"}');
  writeFileSync(
    join(out, 'read-stdin.js'),
    `import { openCapture } from './open.js';
     try {
       const r = openCapture('-', { chunkSize: Number(process.argv[2]) });
       const frames = [];
       for (let f = r.next(); f !== null; f = r.next()) frames.push([f.number, f.tsSec, f.tsNsec, f.linktype, Array.from(f.data)]);
       process.stdout.write(JSON.stringify({ format: r.format, frames, problems: r.problems }));
     } catch (e) {
       process.stdout.write(JSON.stringify({ error: e.message, name: e.name }));
     }`,
  );
  return { ok: true as const, script: join(out, 'read-stdin.js') };
})();

function expectedFrames(bytes: Uint8Array): unknown[] {
  return readAll(openCapture(writeTemp(dir, `ref-${bytes.length}`, bytes))).map((f) => [f.number, f.tsSec, f.tsNsec, f.linktype, f.data]);
}

describe.skipIf(!compiled.ok)(compiled.ok ? "reading standard input ('-')" : `reading standard input: skipped, ${compiled.why}`, () => {
  const script = compiled.ok ? compiled.script : '';

  it.each([
    ['pcapng', concat(LE_SECTION, BE_SECTION)],
    ['pcap', PCAP_LE_USEC],
  ])('reads a %s capture piped in one go', (format, bytes) => {
    const r = spawnSync(process.execPath, [script, '16'], { input: bytes, encoding: 'utf8' });
    const out = JSON.parse(r.stdout);
    expect(out.format).toBe(format);
    expect(out.frames).toEqual(expectedFrames(bytes));
    expect(out.problems).toEqual([]);
  });

  it('reads a pipe that delivers the capture in small, delayed pieces', async () => {
    const bytes = concat(LE_SECTION, BE_SECTION);
    const child = spawn(process.execPath, [script, '4194304'], { stdio: ['pipe', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    for (let i = 0; i < bytes.length; i += 37) {
      child.stdin.write(bytes.subarray(i, i + 37));
      await new Promise((res) => setTimeout(res, 5));
    }
    child.stdin.end();
    await new Promise((res) => child.on('close', res));
    const out = JSON.parse(stdout);
    expect(out.frames).toEqual(expectedFrames(bytes));
    expect(out.problems).toEqual([]);
  });

  it('names standard input when what is piped in is not a capture', () => {
    const r = spawnSync(process.execPath, [script, '16'], { input: 'GET / HTTP/1.1\r\n', encoding: 'utf8' });
    const out = JSON.parse(r.stdout);
    expect(out.name).toBe('CaptureError');
    expect(out.error).toMatch(/^standard input: not a pcap or pcapng file \(starts with 47 45 54 20\)/);
  });
});
