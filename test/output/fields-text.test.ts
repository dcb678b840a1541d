/**
 * The field dump on any packet and any -E text: every field of the registry,
 * printed from mutated sample packets, gives one line with one column per field
 * (escaping keeps tabs and newlines out of the values); the -E parser takes or
 * refuses any text with a FieldsError.
 */
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Frame } from '../../src/capture/frame.js';
import { openCapture } from '../../src/capture/open.js';
import { allFields } from '../../src/dissect/fields.js';
import { createDissector, dissectFrame } from '../../src/dissect/index.js';
import { FieldsError, FieldsPrinter, parseFieldOptions } from '../../src/output/fields-text.js';
import { SAMPLES } from '../filter/helpers.js';

function framesOf(name: string): Frame[] {
  const r = openCapture(resolve(SAMPLES, name));
  const out: Frame[] = [];
  for (let f = r.next(); f; f = r.next()) out.push({ ...f, data: Uint8Array.from(f.data), comments: f.comments });
  r.close();
  return out;
}

describe('-T fields on fuzzed packets', () => {
  const frames = readdirSync(SAMPLES).filter((n) => n.endsWith('.pcapng')).sort().flatMap(framesOf);
  const names = [...allFields().map((d) => d.abbrev), 'frame.time_relative', 'frame.time_delta', 'frame.time_delta_displayed', '_ws.col.Info', '_ws.col.Source'];

  it('one line, one column per field, whatever the bytes', () => {
    const ctx = createDissector();
    const printer = new FieldsPrinter(names);
    let withValues = 0;
    fc.assert(fc.property(fc.record({
      index: fc.nat(),
      flips: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { maxLength: 6 }),
      cut: fc.option(fc.nat(), { nil: undefined }),
      comment: fc.option(fc.string({ unit: 'binary', maxLength: 20 }), { nil: undefined }),
    }), (m) => {
      const src = frames[m.index % frames.length]!;
      const data = Uint8Array.from(src.data);
      for (const [at, x] of m.flips) if (data.length) data[at % data.length] ^= x;
      const bytes = m.cut === undefined ? data : data.subarray(0, m.cut % (data.length + 1));
      const frame: Frame = { ...src, data: bytes, caplen: bytes.length, comments: m.comment === undefined ? src.comments : [m.comment] };
      dissectFrame(ctx, frame);
      printer.seen(frame);
      const line = printer.line(ctx.tree, frame);
      expect(line).not.toMatch(/[\n\r]/);
      const cols = line.split('\t');
      expect(cols).toHaveLength(names.length);
      if (cols[names.indexOf('mip6.mhtype')] !== '') withValues++;
    }), { numRuns: 3000 });
    // Not a test of empty lines only: many mutated packets (those not cut short in front) keep their Mobility Header.
    expect(withValues).toBeGreaterThan(200);
  });

  it('-E text is taken or refused with a FieldsError, never anything else', () => {
    const key = fc.constantFrom('header', 'separator', 'occurrence', 'aggregator', 'quote', 'escape', 'bom', 'other', '');
    fc.assert(fc.property(fc.array(fc.tuple(key, fc.string({ maxLength: 3 })), { maxLength: 4 }), (opts) => {
      try {
        const o = parseFieldOptions(opts.map(([k, v]) => `${k}=${v}`));
        expect(o.separator).toHaveLength(1);
        expect(o.aggregator).toHaveLength(1);
      } catch (e) {
        expect(e).toBeInstanceOf(FieldsError);
      }
    }), { numRuns: 2000 });
  });
});
