import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openCapture } from '../../src/capture/open.js';
import { CaptureError } from '../../src/capture/reader.js';
import { BE_SECTION, LE_SECTION } from './fixtures.js';
import { concat, hex, readAll, tempDir, tsharkAvailable, tsharkFields, writeTemp } from './helpers.js';

const dir = tempDir();

const LE_FRAMES = [
  {
    number: 1,
    tsSec: 1700000000,
    tsNsec: 123456000,
    linktype: 1,
    caplen: 4,
    len: 60,
    data: [0xde, 0xad, 0xbe, 0xef],
    interfaceId: 0,
    comments: ['c1'],
  },
  {
    number: 2,
    tsSec: 1700000001,
    tsNsec: 987654321,
    linktype: 229,
    caplen: 3,
    len: 3,
    data: [0x60, 0, 0],
    interfaceId: 1,
    comments: null,
  },
  { number: 3, tsSec: 0, tsNsec: 0, linktype: 1, caplen: 5, len: 5, data: [1, 2, 3, 4, 5], interfaceId: 0, comments: null },
];

const BE_FRAMES = [
  {
    number: 1,
    tsSec: 1005,
    tsNsec: 500000000,
    linktype: 101,
    caplen: 2,
    len: 2,
    data: [0xab, 0xcd],
    interfaceId: 0,
    comments: ['first', '2nd'],
  },
  { number: 2, tsSec: 1700000000, tsNsec: 500000000, linktype: 113, caplen: 1, len: 1, data: [0x7f], interfaceId: 1, comments: null },
];

describe('pcapng reader', () => {
  it('reads a little-endian section: interfaces, resolutions, comments, SPB, unknown block skipped', () => {
    const r = openCapture(writeTemp(dir, 'le.pcapng', LE_SECTION));
    expect(r.format).toBe('pcapng');
    // Known before the first next(): the reader looks ahead to the first packet.
    expect(r.interfaces).toEqual([
      { linktype: 1, snaplen: 0, tsresolNs: 1000 },
      { linktype: 229, snaplen: 65535, tsresolNs: 1, name: 'v6' },
    ]);
    expect(r.sectionComments).toEqual(['hello']);
    expect(readAll(r)).toEqual(LE_FRAMES);
    expect(r.problems).toEqual([]);
    expect(r.next()).toBeNull();
    r.close();
  });

  it('reads a big-endian section: power-of-two resolution, tsoffset, milliseconds, obsolete Packet Block', () => {
    const r = openCapture(writeTemp(dir, 'be.pcapng', BE_SECTION));
    expect(r.interfaces).toEqual([
      { linktype: 101, snaplen: 0, tsresolNs: 1e9 / 1024 },
      { linktype: 113, snaplen: 65535, tsresolNs: 1e6, description: 'sll' },
    ]);
    expect(readAll(r)).toEqual(BE_FRAMES);
    expect(r.problems).toEqual([]);
  });

  it('reads several sections of different byte orders, resetting interfaces at each', () => {
    const r = openCapture(writeTemp(dir, 'two-sections.pcapng', concat(LE_SECTION, BE_SECTION)));
    const frames = readAll(r);
    expect(frames.map((f) => f.number)).toEqual([1, 2, 3, 4, 5]);
    expect(frames.slice(0, 3)).toEqual(LE_FRAMES);
    // Interface 0 of the second section is the raw-IP one, not the first section's Ethernet.
    expect(frames.slice(3).map((f) => ({ ...f, number: 0 }))).toEqual(BE_FRAMES.map((f) => ({ ...f, number: 0 })));
    expect(r.sectionComments).toEqual(['hello']);
    expect(r.interfaces.map((i) => i.linktype)).toEqual([101, 113]);
    expect(r.problems).toEqual([]);
  });

  it('gives the same frames whatever the read-buffer size (records straddle chunk boundaries)', () => {
    const path = writeTemp(dir, 'chunks.pcapng', concat(LE_SECTION, BE_SECTION));
    const reference = readAll(openCapture(path));
    for (const chunkSize of [1, 3, 7, 16, 33, 64, 100, 4096]) {
      const r = openCapture(path, { chunkSize });
      expect(readAll(r), `chunk ${chunkSize}`).toEqual(reference);
      expect(r.problems).toEqual([]);
    }
  });

  it('stops at a block whose trailing length disagrees, after delivering the frames before it', () => {
    const bytes = LE_SECTION.slice();
    // The second EPB starts 44+20+40+16+48 = 168 bytes in and is 36 bytes long: damage its trailer.
    bytes[168 + 32] = 0x99;
    const r = openCapture(writeTemp(dir, 'bad-trailer.pcapng', bytes));
    expect(readAll(r).map((f) => f.number)).toEqual([1]);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatchObject({ frame: 2, fatal: true });
    expect(r.problems[0]!.message).toMatch(/corrupt block.*trailing length/);
    expect(r.problems[0]!.file).toContain('bad-trailer.pcapng');
  });

  it.each([
    ['shorter than 12', 0x08],
    ['not a multiple of 4', 0x26],
  ])('stops at a block whose total length is %s', (_why, badLen) => {
    const bytes = LE_SECTION.slice();
    bytes[168 + 4] = badLen;
    const r = openCapture(writeTemp(dir, `bad-len-${badLen}.pcapng`, bytes));
    expect(readAll(r)).toEqual(LE_FRAMES.slice(0, 1));
    expect(r.problems).toEqual([expect.objectContaining({ frame: 2, fatal: true, message: expect.stringMatching(/invalid total length/) })]);
  });

  it('reports a packet block for an interface the section never declared', () => {
    const bytes = LE_SECTION.slice();
    bytes[168 + 8] = 7; // interface 7 of 2
    const r = openCapture(writeTemp(dir, 'bad-if.pcapng', bytes));
    expect(readAll(r)).toHaveLength(1);
    expect(r.problems[0]!.message).toMatch(/interface 7 but the section declares 2/);
  });

  it('delivers every whole frame of a truncated file, then reports the truncated record', () => {
    for (const cut of [LE_SECTION.length - 1, LE_SECTION.length - 20, LE_SECTION.length - 24 + 3]) {
      const r = openCapture(writeTemp(dir, `trunc-${cut}.pcapng`, LE_SECTION.subarray(0, cut)));
      expect(readAll(r)).toEqual(LE_FRAMES.slice(0, 2));
      expect(r.problems).toEqual([
        expect.objectContaining({ frame: 3, fatal: false, message: expect.stringMatching(/^truncated record/) }),
      ]);
      expect(r.problems[0]!.hint).toMatch(/cut short/);
    }
  });

  it('throws CaptureError when even the section header is cut short or damaged', () => {
    const short = writeTemp(dir, 'shb-short.pcapng', LE_SECTION.subarray(0, 30));
    expect(() => openCapture(short)).toThrow(CaptureError);
    const badBom = LE_SECTION.slice();
    badBom[8] = 0x00;
    expect(() => openCapture(writeTemp(dir, 'shb-bom.pcapng', badBom))).toThrow(/byte-order magic/);
    const v2 = LE_SECTION.slice();
    v2[12] = 2;
    expect(() => openCapture(writeTemp(dir, 'shb-v2.pcapng', v2))).toThrow(/unsupported pcapng version 2\.0/);
  });

  it('cuts an SPB to the interface snaplen', () => {
    const bytes = hex(`
      0a 0d 0d 0a  1c 00 00 00  4d 3c 2b 1a  01 00 00 00  ff ff ff ff ff ff ff ff  1c 00 00 00
      01 00 00 00  14 00 00 00  01 00 00 00  03 00 00 00  14 00 00 00   # IDB: Ethernet, snaplen 3
      03 00 00 00  18 00 00 00  06 00 00 00  01 02 03 04 05 06 00 00  18 00 00 00   # SPB, original 6
    `);
    const r = openCapture(writeTemp(dir, 'spb-snap.pcapng', bytes));
    const [f] = readAll(r);
    expect(f).toMatchObject({ caplen: 3, len: 6, data: [1, 2, 3] });
  });

  it('keeps reading after malformed options, reporting them once per block', () => {
    const bytes = hex(`
      0a 0d 0d 0a  24 00 00 00  4d 3c 2b 1a  01 00 00 00  ff ff ff ff ff ff ff ff
      01 00 40 00 "abcd"            # opt_comment claiming 64 bytes in a block that has 4
      24 00 00 00
      01 00 00 00  14 00 00 00  01 00 00 00  00 00 00 00  14 00 00 00
      03 00 00 00  14 00 00 00  01 00 00 00  aa 00 00 00  14 00 00 00
    `);
    const r = openCapture(writeTemp(dir, 'bad-opt.pcapng', bytes));
    expect(readAll(r)).toHaveLength(1);
    expect(r.problems).toEqual([expect.objectContaining({ fatal: false, message: expect.stringMatching(/malformed options/) })]);
    expect(r.sectionComments).toEqual([]);
  });
});

describe.skipIf(!tsharkAvailable)('pcapng fixtures against tshark', () => {
  it('tshark reads the hand-written sections to the same packets, timestamps and comments', () => {
    const path = writeTemp(dir, 'both-tshark.pcapng', concat(LE_SECTION, BE_SECTION));
    const ours = readAll(openCapture(path));
    // tshark also lists the unknown block as a record without encapsulation; keep packets only.
    const rows = tsharkFields(path, ['frame.time_epoch', 'frame.comment', 'frame.len', 'frame.cap_len', 'frame.encap_type']).filter(
      (r) => r[4] !== '',
    );
    expect(rows.map((r) => [r[0] === '' ? '0.000000000' : r[0], r[1], Number(r[2]), Number(r[3])])).toEqual(
      ours.map((f) => [`${f.tsSec}.${String(f.tsNsec).padStart(9, '0')}`, (f.comments ?? []).join(','), f.len, f.caplen]),
    );
  });
});

describe('pcapng timestamp resolutions', () => {
  /** One little-endian section with a single interface of the given if_tsresol byte and one EPB of `ticks`. */
  function oneTick(tsresol: number, ticks: bigint): Uint8Array {
    const b = Buffer.alloc(28 + 28 + 36);
    b.writeUInt32LE(0x0a0d0d0a, 0);
    b.writeUInt32LE(28, 4);
    b.writeUInt32LE(0x1a2b3c4d, 8);
    b.writeUInt16LE(1, 12);
    b.writeBigInt64LE(-1n, 16);
    b.writeUInt32LE(28, 24);
    // IDB with if_tsresol and opt_endofopt
    b.writeUInt32LE(1, 28);
    b.writeUInt32LE(28, 32);
    b.writeUInt16LE(1, 36);
    b.writeUInt16LE(9, 44);
    b.writeUInt16LE(1, 46);
    b.writeUInt8(tsresol, 48);
    b.writeUInt32LE(28, 52);
    // EPB with no data
    b.writeUInt32LE(6, 56);
    b.writeUInt32LE(32, 60);
    b.writeUInt32LE(Number(ticks >> 32n), 68);
    b.writeUInt32LE(Number(ticks & 0xffffffffn), 72);
    b.writeUInt32LE(32, 84);
    return new Uint8Array(b.subarray(0, 88));
  }

  it.each([
    ['10^-6', 6, 10n ** 6n],
    ['10^-9', 9, 10n ** 9n],
    ['10^-3', 3, 10n ** 3n],
    ['10^-10', 10, 10n ** 10n],
    ['10^-12 (picoseconds)', 12, 10n ** 12n],
    ['2^-10', 0x8a, 1n << 10n],
    ['2^-30', 0x9e, 1n << 30n],
    ['2^-40', 0xa8, 1n << 40n],
  ])('%s: seconds and nanoseconds match exact integer arithmetic', (_name, tsresol, perSec) => {
    // The last-but-one overflows 64 bits for the finest resolutions; the field keeps its low 64 bits.
    for (const wide of [0n, 1n, perSec - 1n, perSec * 1_700_000_000n + perSec / 3n, 0xffffffffffffffffn]) {
      const ticks = wide & 0xffffffffffffffffn;
      const r = openCapture(writeTemp(dir, `res-${tsresol}-${ticks}.pcapng`, oneTick(tsresol, ticks)));
      const f = r.next();
      expect(r.problems).toEqual([]);
      expect(f).not.toBeNull();
      expect([f!.tsSec, f!.tsNsec]).toEqual([Number(ticks / perSec), Number(((ticks % perSec) * 1_000_000_000n) / perSec)]);
    }
  });

  it('any resolution and tick count: matches exact integer arithmetic', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.integer({ min: 0, max: 18 }), fc.integer({ min: 0x80, max: 0x80 + 63 })),
        fc.bigInt({ min: 0n, max: 0xffffffffffffffffn }),
        (tsresol, ticks) => {
          const perSec = tsresol & 0x80 ? 1n << BigInt(tsresol & 0x7f) : 10n ** BigInt(tsresol);
          const r = openCapture(writeTemp(dir, 'res-prop.pcapng', oneTick(tsresol, ticks)));
          const f = r.next()!;
          r.close();
          expect([f.tsSec, f.tsNsec]).toEqual([Number(ticks / perSec), Number(((ticks % perSec) * 1_000_000_000n) / perSec)]);
        },
      ),
      { numRuns: 400 },
    );
  });
});
