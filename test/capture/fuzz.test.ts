import fc from 'fast-check';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCapture } from '../../src/capture/open.js';
import { PcapngWriter } from '../../src/capture/pcapng-writer.js';
import { CaptureError, type CaptureReader } from '../../src/capture/reader.js';
import { MAX_PCAP_RECORD } from '../../src/capture/pcap.js';
import { BE_SECTION, LE_SECTION, PCAP_LE_USEC } from './fixtures.js';
import { concat, readAll, tempDir, writeTemp, type SavedFrame } from './helpers.js';
import { readFileSync } from 'node:fs';

const dir = tempDir();
let fileCounter = 0;

/** Opens bytes as a capture; null when openCapture refused them (which must be a CaptureError). */
function tryOpen(bytes: Uint8Array, chunkSize?: number): CaptureReader | null {
  const path = writeTemp(dir, `fuzz-${fileCounter++}.bin`, bytes);
  try {
    return openCapture(path, chunkSize === undefined ? {} : { chunkSize });
  } catch (e) {
    expect(e).toBeInstanceOf(CaptureError);
    return null;
  }
}

/** Reads to the end, checking the invariants every delivered frame must hold. */
function drain(r: CaptureReader): SavedFrame[] {
  const frames = readAll(r);
  frames.forEach((f, i) => {
    expect(f.number).toBe(i + 1);
    expect(f.caplen).toBe(f.data.length);
    expect(f.tsNsec).toBeGreaterThanOrEqual(0);
    expect(f.tsNsec).toBeLessThan(1e9);
    expect(Number.isFinite(f.tsSec)).toBe(true);
  });
  expect(r.next()).toBeNull();
  r.close();
  return frames;
}

const writerSample = (() => {
  const path = join(dir, 'writer-sample.pcapng');
  const w = new PcapngWriter(path, { sectionComment: 'fuzz' });
  const a = w.addInterface({ linktype: 1 });
  const b = w.addInterface({ linktype: 101, tsresolNs: true });
  for (let i = 0; i < 6; i++) w.writePacket(i % 2 === 0 ? a : b, 1700000000 + i, i * 1000, Uint8Array.from({ length: 7 + i }, (_, k) => k ^ i), undefined, i === 3 ? ['c'] : undefined);
  w.close();
  return new Uint8Array(readFileSync(path));
})();

const VALID: readonly [string, Uint8Array][] = [
  ['pcapng, both byte orders', concat(LE_SECTION, BE_SECTION)],
  ['pcapng from the writer', writerSample],
  ['pcap', concat(PCAP_LE_USEC, PCAP_LE_USEC.subarray(24), PCAP_LE_USEC.subarray(24))],
];

/** For each valid capture: the frames, and for frame i the shortest prefix that still yields it. */
const references = VALID.map(([name, bytes]) => {
  const frames = drain(tryOpen(bytes)!);
  const needs: number[] = [];
  for (let k = 0, n = 0; k <= bytes.length && n < frames.length; k++) {
    const r = tryOpen(bytes.subarray(0, k));
    const got = r === null ? 0 : drain(r).length;
    while (n < got) needs[n++] = k;
  }
  return { name, bytes, frames, needs };
});

describe('capture readers under fuzzing', () => {
  it('random bytes: openCapture throws only CaptureError, next() never throws', () => {
    const magics = [[], [0x0a, 0x0d, 0x0d, 0x0a], [0xd4, 0xc3, 0xb2, 0xa1], [0xa1, 0xb2, 0x3c, 0x4d], [0x34, 0xcd, 0xb2, 0xa1]];
    fc.assert(
      fc.property(
        fc.constantFrom(...magics),
        fc.uint8Array({ maxLength: 400 }),
        fc.option(fc.integer({ min: 1, max: 64 }), { nil: undefined }),
        (magic, rest, chunkSize) => {
          const r = tryOpen(concat(Uint8Array.from(magic), rest), chunkSize);
          if (r !== null) drain(r);
        },
      ),
      { numRuns: 300 },
    );
  });

  it.each(references.map((ref) => [ref.name, ref] as const))(
    'mutated %s: frames before the first changed byte are delivered identically',
    (_name, ref) => {
      expect(ref.frames.length).toBeGreaterThan(1);
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: ref.bytes.length - 1 }),
          fc.oneof(
            fc.record({ kind: fc.constant('flip' as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
            fc.record({ kind: fc.constant('cut' as const) }),
            fc.record({ kind: fc.constant('insert' as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 40 }) }),
          ),
          fc.option(fc.integer({ min: 1, max: 48 }), { nil: undefined }),
          (at, mutation, chunkSize) => {
            let mutated: Uint8Array;
            if (mutation.kind === 'cut') mutated = ref.bytes.subarray(0, at);
            else if (mutation.kind === 'insert') mutated = concat(ref.bytes.subarray(0, at), mutation.bytes, ref.bytes.subarray(at));
            else {
              mutated = ref.bytes.slice();
              mutation.bytes.forEach((b, i) => {
                if (at + i < mutated.length) mutated[at + i] ^= b | 1;
              });
            }
            const r = tryOpen(mutated, chunkSize);
            const intact = ref.needs.filter((k) => k <= at).length;
            if (r === null) {
              // Refusal is only acceptable when the damage reaches the file header, before any frame.
              expect(intact).toBe(0);
              return;
            }
            const frames = drain(r);
            expect(frames.slice(0, intact)).toEqual(ref.frames.slice(0, intact));
          },
        ),
        { numRuns: 250 },
      );
    },
  );
});

/** A pcap whose snaplen (3) its first record exceeds: next() warns once, so skipBefore() leaves that record to it. */
const overSnaplen = (() => {
  const b = concat(PCAP_LE_USEC, PCAP_LE_USEC.subarray(24));
  b[16] = 3;
  b[17] = 0;
  return b;
})();

/**
 * The frames from the first whose record starts at or after `before` (each with
 * its record's offset) and the problems, walking there with next() only, or
 * with skipBefore() `max` frames at a time first (as the second thread of a
 * split read does), then next() for what it left.
 */
function fromOffset(r: CaptureReader, before: number, max: number | null): { frames: (SavedFrame & { offset: number })[]; problems: unknown[] } {
  if (max !== null) while (r.skipBefore(before, max) > 0);
  let f = r.next();
  while (f !== null && r.frameOffset < before) f = r.next();
  const frames: (SavedFrame & { offset: number })[] = [];
  for (; f !== null; f = r.next()) {
    frames.push({
      number: f.number, tsSec: f.tsSec, tsNsec: f.tsNsec, linktype: f.linktype, caplen: f.caplen, len: f.len,
      data: Array.from(f.data), interfaceId: f.interfaceId, comments: f.comments === null ? null : [...f.comments], offset: r.frameOffset,
    });
  }
  const problems = [...r.problems];
  r.close();
  return { frames, problems };
}

describe('skipBefore', () => {
  const inputs: readonly [string, Uint8Array][] = [...VALID, ['pcap with records past its snaplen', overSnaplen]];

  it.each(inputs.map(([name, bytes]) => [name, bytes] as const))(
    '%s, intact and damaged: the frames from an offset on, and every problem, are what next() alone gives',
    (_name, bytes) => {
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: bytes.length + 8 }),
          fc.integer({ min: 1, max: 4 }),
          fc.option(fc.tuple(fc.integer({ min: 0, max: bytes.length - 1 }), fc.uint8Array({ minLength: 1, maxLength: 6 }), fc.boolean()), { nil: undefined }),
          fc.option(fc.integer({ min: 1, max: 48 }), { nil: undefined }),
          (before, max, damage, chunkSize) => {
            let input = bytes;
            if (damage !== undefined) {
              const [at, flip, cut] = damage;
              if (cut) input = bytes.subarray(0, at);
              else {
                input = bytes.slice();
                flip.forEach((b, i) => { if (at + i < input.length) input[at + i] ^= b | 1; });
              }
            }
            const a = tryOpen(input, chunkSize);
            if (a === null) return;
            // The same file opened again (problems name it).
            const b = openCapture(a.path, chunkSize === undefined ? {} : { chunkSize });
            const walked = fromOffset(a, before, null);
            const skipped = fromOffset(b, before, max);
            expect(skipped).toEqual(walked);
          },
        ),
        { numRuns: 300 },
      );
    },
  );

  it('leaves a pcap record longer than any a reader accepts to next(), though its bytes are all there', () => {
    // snaplen 0 (not given): records up to MAX_PCAP_RECORD bytes are read; this one is one byte longer, then a good one.
    const long = new Uint8Array(16 + MAX_PCAP_RECORD + 1);
    new DataView(long.buffer).setUint32(8, MAX_PCAP_RECORD + 1, true);
    const header = PCAP_LE_USEC.slice(0, 24);
    header.fill(0, 16, 20);
    const bytes = concat(header, long, PCAP_LE_USEC.subarray(24));
    const walked = fromOffset(tryOpen(bytes)!, Infinity, null);
    expect(walked.problems).toMatchObject([{ frame: 1, fatal: true, message: expect.stringMatching(/exceeds the 262144-byte maximum/) }]);
    const r = tryOpen(bytes)!;
    expect(r.skipBefore(Infinity, 10)).toBe(0);
    expect(r.next()).toBeNull();
    expect(r.problems.map((p) => p.message)).toEqual(walked.problems.map((p) => (p as { message: string }).message));
    r.close();
  });

  it('passes over frames without delivering them, counting them', () => {
    const r = tryOpen(writerSample)!;
    expect(r.skipBefore(Infinity, 4)).toBe(4);
    expect(r.next()!.number).toBe(5);
    expect(r.skipBefore(0, 10)).toBe(0);
    expect(r.next()!.number).toBe(6);
    expect(r.skipBefore(Infinity, 10)).toBe(0);
    expect(r.next()).toBeNull();
    r.close();
  });
});
