import fc from 'fast-check';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCapture } from '../../src/capture/open.js';
import { PcapngWriter } from '../../src/capture/pcapng-writer.js';
import { CaptureError, type CaptureReader } from '../../src/capture/reader.js';
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
