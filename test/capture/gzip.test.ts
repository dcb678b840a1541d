/**
 * Gzip-compressed captures (capture.pcapng.gz), read as tshark reads them: the
 * same frames as the plain file, from a path or standard input; damaged or cut
 * short, the frames before the damage and a message that says so; any mutation
 * of the compressed bytes is read or refused, never a crash.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32Update, gzipHeaderLength } from '../../src/capture/gunzip.js';
import { openCapture } from '../../src/capture/open.js';
import { CaptureError } from '../../src/capture/reader.js';
import { inputBytes } from '../../src/cli/options.js';
import { SAMPLES } from '../filter/helpers.js';
import { readAll, tempDir, writeTemp } from './helpers.js';

const dir = tempDir();
const CLI = resolve(__dirname, '../../bin/mip6scope.js');
const samples = readdirSync(SAMPLES).filter((n) => /\.pcap(ng)?$/.test(n)).sort();
let n = 0;
const temp = (bytes: Uint8Array): string => writeTemp(dir, `g-${n++}.gz`, bytes);

/** Frames and problems of a capture file. */
function read(path: string, chunkSize?: number) {
  const r = openCapture(path, chunkSize === undefined ? {} : { chunkSize });
  const frames = readAll(r);
  const problems = r.problems.map((p) => `${p.frame}: ${p.message}`);
  r.close();
  return { frames, problems };
}

describe('gzip-compressed captures', () => {
  it('every sample reads as its plain file, frame for frame (small windows too)', () => {
    expect(samples.length).toBeGreaterThan(10);
    for (const name of samples) {
      const plain = read(resolve(SAMPLES, name));
      const gz = temp(gzipSync(readFileSync(resolve(SAMPLES, name))));
      expect(read(gz), name).toEqual(plain);
      expect(read(gz, 1000), name).toEqual(plain);
    }
  });

  it('read, lint and standard input give the plain file\'s output; the size is not taken for the progress or a split', () => {
    const plain = resolve(SAMPLES, 'hard-switch-failover.pcapng');
    const gz = temp(gzipSync(readFileSync(plain)));
    for (const args of [['read'], ['lint'], ['read', '--jobs', '2']]) {
      const a = spawnSync(process.execPath, [CLI, ...args, plain], { encoding: 'utf8' });
      const b = spawnSync(process.execPath, [CLI, ...args, gz], { encoding: 'utf8' });
      expect([b.status, b.stdout, b.stderr], args.join(' ')).toEqual([a.status, a.stdout, a.stderr]);
    }
    const stdin = spawnSync(process.execPath, [CLI, 'read', '-'], { input: readFileSync(gz), encoding: 'utf8' });
    expect(stdin.stdout).toBe(spawnSync(process.execPath, [CLI, 'read', plain], { encoding: 'utf8' }).stdout);
    expect(inputBytes([gz])).toBeNull();
    expect(inputBytes([plain])).toBeGreaterThan(0);
  });

  it('cut short: the frames before the cut, and a message naming damaged compressed data', () => {
    const plain = read(resolve(SAMPLES, 'hard-switch-failover.pcapng'));
    const z = gzipSync(readFileSync(resolve(SAMPLES, 'hard-switch-failover.pcapng')));
    const cut = read(temp(z.subarray(0, Math.floor(z.length / 2))));
    expect(cut.frames.length).toBeGreaterThan(10);
    expect(cut.frames).toEqual(plain.frames.slice(0, cut.frames.length));
    expect(cut.problems).toEqual([`${cut.frames.length + 1}: damaged gzip data: unexpected EOF`]);
  });

  it('cut inside its 8-byte trailer, or with a trailer that does not match the data: every frame, and a message saying so', () => {
    const name = resolve(SAMPLES, 'hard-switch-failover.pcapng');
    const plain = read(name);
    const z = gzipSync(readFileSync(name));
    const trailer = (): string => `${plain.frames.length + 1}: damaged gzip data: the data does not match the CRC-32 and length in the gzip trailer (the file is cut short inside its last 8 bytes, or damaged)`;
    for (const cut of [1, 4, 7, 8]) {
      const r = read(temp(z.subarray(0, z.length - cut)));
      expect(r.frames, `cut ${cut}`).toEqual(plain.frames);
      expect(r.problems, `cut ${cut}`).toEqual([trailer()]);
    }
    for (const at of [1, 5]) {
      const d = Uint8Array.from(z);
      d[d.length - at] ^= 0x40;
      const r = read(temp(d), 1000);
      expect(r.frames).toEqual(plain.frames);
      expect(r.problems, `byte -${at}`).toEqual([trailer()]);
    }
    // The checksum the trailer is checked against is zlib's.
    expect(Buffer.from(z.subarray(z.length - 8, z.length - 4)).readUInt32LE(0)).toBe(~crc32Update(-1, readFileSync(name)) >>> 0);
  });

  it('the CRC-32 is zlib\'s, whatever the pieces the data comes in', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), fc.array(fc.nat({ max: 300 }), { maxLength: 6 }), (bytes, cuts) => {
      const z = gzipSync(bytes);
      const want = Buffer.from(z.subarray(z.length - 8, z.length - 4)).readUInt32LE(0);
      const at = [0, ...cuts.map((c) => c % (bytes.length + 1)).sort((a, b) => a - b), bytes.length];
      let c = -1;
      for (let k = 1; k < at.length; k++) c = crc32Update(c, bytes.subarray(at[k - 1], at[k]));
      expect(~c >>> 0).toBe(want);
    }), { numRuns: 500 });
  });

  it('several gzip members one after the other read as one capture', () => {
    const name = resolve(SAMPLES, 'hard-switch-failover.pcapng');
    const bytes = readFileSync(name);
    const half = Math.floor(bytes.length / 2);
    const two = Buffer.concat([gzipSync(bytes.subarray(0, half)), gzipSync(bytes.subarray(half))]);
    expect(read(temp(two))).toEqual(read(name));
    // Three members, read through windows small enough that trailers and headers fall across reads.
    const third = Math.floor(bytes.length / 3);
    const three = Buffer.concat([gzipSync(bytes.subarray(0, third)), gzipSync(bytes.subarray(third, 2 * third)), gzipSync(bytes.subarray(2 * third))]);
    for (const chunk of [undefined, 1000, 333]) expect(read(temp(three), chunk), `chunk ${chunk}`).toEqual(read(name));
  });

  it('each member\'s trailer is checked: a damaged one ends the capture after that member\'s frames, with a message', () => {
    const name = resolve(SAMPLES, 'hard-switch-failover.pcapng');
    const plain = read(name);
    const bytes = readFileSync(name);
    // Cut at a frame boundary: the first member holds whole frames, so its frames are all read.
    const first = openCapture(name);
    let at = 0;
    let framesBefore = 0;
    for (let f = first.next(); f; f = first.next()) { if (first.frameOffset > bytes.length / 2) break; at = first.frameOffset; framesBefore = f.number - 1; }
    first.close();
    const a = gzipSync(bytes.subarray(0, at));
    const b = gzipSync(bytes.subarray(at));
    for (const [what, k] of [['CRC-32', 8], ['length', 3]] as const) {
      const bad = Buffer.concat([a, b]);
      bad[a.length - k]! ^= 0x01;
      for (const chunk of [undefined, 997]) {
        const r = read(temp(bad), chunk);
        expect(r.frames, `${what} ${chunk}`).toEqual(plain.frames.slice(0, framesBefore));
        expect(r.problems, `${what} ${chunk}`).toEqual([`${framesBefore + 1}: damaged gzip data: the data of the gzip member ending at byte ${a.length} does not match the CRC-32 and length in its trailer (the member is damaged)`]);
      }
    }
    // The last member's trailer is checked as a single member's is.
    const lastBad = Buffer.concat([a, b]);
    lastBad[lastBad.length - 2]! ^= 0x01;
    const r = read(temp(lastBad));
    expect(r.frames).toEqual(plain.frames);
    expect(r.problems).toEqual([`${plain.frames.length + 1}: damaged gzip data: the data does not match the CRC-32 and length in the gzip trailer (the file is cut short inside its last 8 bytes, or damaged)`]);
  });

  it('cut inside or right after the gzip header: damaged, not empty', () => {
    // A header with a file name (FNAME), as gzip FILE writes it; the whole stream, and a capture of nothing, for comparison.
    const named = Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 8, 0, 0, 0, 0, 0, 3]), Buffer.from('capture-with-a-long-name.pcapng\0')]);
    const z = gzipSync(readFileSync(resolve(SAMPLES, 'refresh.pcapng')));
    const withName = Buffer.concat([named, z.subarray(10)]);
    expect(gzipHeaderLength(withName)).toBe(named.length);
    expect(read(temp(withName)).frames.length).toBe(read(resolve(SAMPLES, 'refresh.pcapng')).frames.length);
    for (const cut of [10, 12, 20, 30, named.length, named.length + 5]) {
      expect(() => openCapture(temp(withName.subarray(0, cut))), `cut at ${cut}`).toThrow(cut < named.length ? /ends after \d+ bytes, inside the gzip header/ : /ends after \d+ bytes, before the end of the compressed stream/);
    }
    expect(() => openCapture(temp(z.subarray(0, 10)))).toThrow(/damaged gzip data: it ends after 10 bytes, before the end/);
    expect(gzipHeaderLength(named.subarray(0, 20))).toBe(-1);
  });

  it('nothing inside, or not a capture inside: refused with the reason', () => {
    expect(() => openCapture(temp(gzipSync(new Uint8Array(0))))).toThrow(/empty file \(compressed\)/);
    expect(() => openCapture(temp(gzipSync(Buffer.from('hello, world\n'))))).toThrow(/not a pcap or pcapng file \(starts with 68 65 6c 6c\)/);
  });

  it('any damage to the compressed bytes: frames read or a CaptureError, never another exception', () => {
    const z = gzipSync(readFileSync(resolve(SAMPLES, 'refresh.pcapng')));
    fc.assert(fc.property(fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }), fc.option(fc.nat(), { nil: undefined }), (flips, cut) => {
      const d = Uint8Array.from(z);
      for (const [at, x] of flips) d[at % d.length] ^= x;
      const bytes = cut === undefined ? d : d.subarray(0, cut % (d.length + 1));
      try {
        read(temp(bytes));
      } catch (e) {
        expect(e).toBeInstanceOf(CaptureError);
      }
    }), { numRuns: 500 });
  });
});
