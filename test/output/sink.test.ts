/** The Sink: the bytes of every line, in order, whatever the buffer size and however written. */
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { Sink } from '../../src/output/sink.js';

const tmp = mkdtempSync(join(tmpdir(), 'mip6scope-sink-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function capture(limit: number, use: (s: Sink) => void): Buffer {
  const path = join(tmp, 'out');
  const fd = openSync(path, 'w');
  try {
    const s = new Sink(fd, limit);
    use(s);
    s.flush();
  } finally {
    closeSync(fd);
  }
  return readFileSync(path);
}

describe('Sink', () => {
  const line = fc.oneof(
    fc.string({ maxLength: 50 }),
    fc.string({ unit: 'binary', maxLength: 50 }),
    fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 20 }).map((cs) => String.fromCharCode(...cs)),
    fc.integer({ min: 0, max: 5000 }).map((n) => 'é→'.repeat(n)),
  );

  it('line(): each string in UTF-8 and a newline, across flushes and oversized lines', () => {
    fc.assert(fc.property(fc.array(line, { maxLength: 40 }), fc.constantFrom(1, 16, 100, 1 << 16), (lines, limit) => {
      const got = capture(limit, (s) => { for (const l of lines) s.line(l); });
      expect(got.equals(Buffer.from(lines.map((l) => `${l}\n`).join(''), 'utf8'))).toBe(true);
    }), { numRuns: 300 });
  });

  it('text(): each string in UTF-8 as it is, mixed with lines, across flushes and oversized pieces', () => {
    fc.assert(fc.property(fc.array(fc.tuple(line, fc.boolean()), { maxLength: 40 }), fc.constantFrom(1, 16, 100, 1 << 16), (pieces, limit) => {
      const got = capture(limit, (s) => { for (const [p, asLine] of pieces) { if (asLine) s.line(p); else s.text(p); } });
      expect(got.equals(Buffer.from(pieces.map(([p, asLine]) => (asLine ? `${p}\n` : p)).join(''), 'utf8'))).toBe(true);
    }), { numRuns: 300 });
  });

  it('room()/done(): bytes written in place, mixed with lines, an outsized record growing the buffer', () => {
    const want: Buffer[] = [];
    const got = capture(64, (s) => {
      for (let i = 0; i < 200; i++) {
        const n = i === 100 ? 100_000 : i % 37;
        expect(s.room(n)).toBe(true);
        for (let k = 0; k < n; k++) s.buf[s.pos + k] = 97 + ((i + k) % 26);
        want.push(Buffer.from(s.buf.subarray(s.pos, s.pos + n)));
        s.done(s.pos + n);
        s.line(`line ${i} ✓`);
        want.push(Buffer.from(`line ${i} ✓\n`));
      }
    });
    expect(got.equals(Buffer.concat(want))).toBe(true);
  });

  it('the view follows the buffer when it grows', () => {
    capture(64, (s) => {
      s.room(1 << 20);
      expect(s.view.buffer).toBe(s.buf.buffer);
      expect(s.view.byteOffset).toBe(s.buf.byteOffset);
      expect(s.view.byteLength).toBe(s.buf.byteLength);
    });
  });
});
