import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCapture } from '../../src/capture/open.js';
import { PcapngWriter, ticksToHiLo, writePcap } from '../../src/capture/pcapng-writer.js';
import { readAll, tempDir, tsharkAvailable, tsharkFields } from './helpers.js';

const dir = tempDir();

/** Writes a capture exercising both resolutions, comments (one non-ASCII), truncation and padding. */
function writeSample(path: string): void {
  const w = new PcapngWriter(path, { sectionComment: 'section note', userAppl: 'mip6scope tests' });
  const eth = w.addInterface({ linktype: 1, name: 'eth0', description: 'home link' });
  const raw = w.addInterface({ linktype: 229, tsresolNs: true, snaplen: 9000, comment: 'tunnel' });
  w.writePacket(eth, 1700000000, 123456789, Uint8Array.of(1, 2, 3, 4, 5), 64, ['binding update', 'é→ü']);
  w.writePacket(raw, 1700000001, 987654321, Uint8Array.of(0x60, 0, 0, 0, 0, 0, 0x87, 0x40));
  w.writePacket(eth, 1700000002, 0, new Uint8Array(0));
  w.writePacket(raw, 4102444800, 1, Uint8Array.of(0x60), 1, ['year 2100']);
  w.close();
}

const EXPECTED = [
  { number: 1, tsSec: 1700000000, tsNsec: 123456000, linktype: 1, caplen: 5, len: 64, data: [1, 2, 3, 4, 5], interfaceId: 0, comments: ['binding update', 'é→ü'] },
  { number: 2, tsSec: 1700000001, tsNsec: 987654321, linktype: 229, caplen: 8, len: 8, data: [0x60, 0, 0, 0, 0, 0, 0x87, 0x40], interfaceId: 1, comments: null },
  { number: 3, tsSec: 1700000002, tsNsec: 0, linktype: 1, caplen: 0, len: 0, data: [], interfaceId: 0, comments: null },
  { number: 4, tsSec: 4102444800, tsNsec: 1, linktype: 229, caplen: 1, len: 1, data: [0x60], interfaceId: 1, comments: ['year 2100'] },
];

describe('PcapngWriter', () => {
  it('writes a file our reader reads back exactly (µs interface truncates to whole microseconds)', () => {
    const path = join(dir, 'sample.pcapng');
    writeSample(path);
    const r = openCapture(path);
    expect(r.sectionComments).toEqual(['section note']);
    expect(r.interfaces).toEqual([
      { linktype: 1, snaplen: 262144, tsresolNs: 1000, name: 'eth0', description: 'home link' },
      { linktype: 229, snaplen: 9000, tsresolNs: 1 },
    ]);
    expect(readAll(r)).toEqual(EXPECTED);
    expect(r.problems).toEqual([]);
  });

  it('lays out the section header as the format requires (little-endian, length -1, lengths repeated)', () => {
    const path = join(dir, 'header.pcapng');
    new PcapngWriter(path).close();
    expect(Buffer.from(readFileSync(path)).toString('hex')).toBe(
      '0a0d0d0a' + '1c000000' + '4d3c2b1a' + '01000000' + 'ffffffffffffffff' + '1c000000',
    );
  });

  it('pads packet data and comments to 4 bytes and ends options with opt_endofopt', () => {
    const path = join(dir, 'layout.pcapng');
    const w = new PcapngWriter(path);
    const id = w.addInterface({ linktype: 101 });
    w.writePacket(id, 0, 5000, Uint8Array.of(0xaa), 1, ['x']);
    w.close();
    const bytes = Buffer.from(readFileSync(path)).toString('hex');
    const epb = bytes.slice((28 + 20) * 2);
    expect(epb).toBe(
      '06000000' + '30000000' + '00000000' + '00000000' + '05000000' + '01000000' + '01000000' +
        'aa000000' + '01000100' + '78000000' + '00000000' + '30000000',
    );
  });

  it('writes to a descriptor it was given and leaves that descriptor open', () => {
    const path = join(dir, 'by-fd.pcapng');
    const fd = openSync(path, 'w');
    const w = new PcapngWriter(fd);
    w.writePacket(w.addInterface({ linktype: 1 }), 1, 0, Uint8Array.of(9));
    w.close();
    closeSync(fd); // would throw EBADF had the writer closed it
    expect(readAll(openCapture(path)).map((f) => f.data)).toEqual([[9]]);
  });

  it('streams many packets and one larger than its buffer', () => {
    const path = join(dir, 'many.pcapng');
    const w = new PcapngWriter(path);
    const id = w.addInterface({ linktype: 1, snaplen: 0 });
    const big = new Uint8Array(3 * 1024 * 1024).map((_, i) => i & 0xff);
    for (let i = 0; i < 5000; i++) w.writePacket(id, i, 0, Uint8Array.of(i & 0xff, i >> 8));
    w.writePacket(id, 9999, 0, big);
    w.close();
    const r = openCapture(path, { chunkSize: 4096 });
    const frames = readAll(r);
    expect(frames).toHaveLength(5001);
    expect(frames[4321]!.data).toEqual([4321 & 0xff, 4321 >> 8]);
    expect(frames[5000]!.caplen).toBe(big.length);
    expect(Buffer.from(frames[5000]!.data).equals(Buffer.from(big))).toBe(true);
  });

  it('rejects unknown interfaces and impossible timestamps', () => {
    const w = new PcapngWriter(join(dir, 'bad.pcapng'));
    expect(() => w.writePacket(0, 1, 0, Uint8Array.of(1))).toThrow(/interface 0 was not added/);
    const id = w.addInterface({ linktype: 1 });
    expect(() => w.writePacket(id, 1, 1_000_000_000, Uint8Array.of(1))).toThrow(RangeError);
    w.close();
  });

  it('splits 64-bit tick counts exactly beyond 2^53', () => {
    const out = { hi: 0, lo: 0 };
    ticksToHiLo(4102444800, 999_999_999, 1e9, out);
    const ticks = (BigInt(out.hi) << 32n) + BigInt(out.lo);
    expect(ticks).toBe(4102444800n * 1_000_000_000n + 999_999_999n);
  });
});

describe.skipIf(!tsharkAvailable)('PcapngWriter output read by tshark', () => {
  it('tshark sees the same frames, epoch timestamps and comments', () => {
    const path = join(dir, 'tshark.pcapng');
    writeSample(path);
    const rows = tsharkFields(path, ['frame.number', 'frame.time_epoch', 'frame.comment', 'frame.len', 'frame.cap_len']);
    expect(rows).toEqual(
      EXPECTED.map((f) => [
        String(f.number),
        // tshark prints nine digits whatever the interface resolution.
        `${f.tsSec}.${String(f.tsNsec).padStart(9, '0')}`,
        (f.comments ?? []).join(','),
        String(f.len),
        String(f.caplen),
      ]),
    );
  });

  it('tshark reads writePcap files in every byte order and resolution', () => {
    const frames = [
      { tsSec: 1700000000, tsNsec: 123456789, data: Uint8Array.of(1, 2, 3) },
      { tsSec: 1700000001, tsNsec: 5000, data: Uint8Array.of(4), origLen: 99 },
    ];
    for (const nanosecond of [false, true]) {
      for (const bigEndian of [false, true]) {
        const path = join(dir, `w-${nanosecond}-${bigEndian}.pcap`);
        writePcap(path, 101, frames, { nanosecond, bigEndian });
        const rows = tsharkFields(path, ['frame.time_epoch', 'frame.len', 'frame.cap_len']);
        const ns = (n: number) => (nanosecond ? n : Math.floor(n / 1000) * 1000);
        expect(rows).toEqual(frames.map((f) => [`${f.tsSec}.${String(ns(f.tsNsec)).padStart(9, '0')}`, String(f.origLen ?? f.data.length), String(f.data.length)]));
        const ours = readAll(openCapture(path));
        expect(ours.map((f) => [f.tsSec, f.tsNsec, f.len, f.data, f.linktype])).toEqual(
          frames.map((f) => [f.tsSec, ns(f.tsNsec), f.origLen ?? f.data.length, Array.from(f.data), 101]),
        );
      }
    }
  });
});
