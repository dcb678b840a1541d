import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { openCapture } from '../../src/capture/open.js';
import { CaptureError } from '../../src/capture/reader.js';
import { PCAP_LE_USEC } from './fixtures.js';
import { concat, hex, readAll, tempDir, writeTemp, type SavedFrame } from './helpers.js';

const dir = tempDir();
const require = createRequire(import.meta.url);

const PCAP_BE_USEC = hex(`
  a1 b2 c3 d4                  # magic, big-endian, microseconds
  00 02 00 04                  # version 2.4
  00 00 00 00  00 00 00 00     # thiszone, sigfigs
  00 00 05 dc                  # snaplen 1500
  00 00 00 65                  # linktype 101 (raw IP)
  65 53 f1 00  00 0f 42 3f     # 1700000000 s, 999999 µs
  00 00 00 02  00 00 05 dc     # captured 2 of 1500
  45 00
`);

const PCAP_LE_NSEC = hex(`
  4d 3c b2 a1                  # magic, little-endian, nanoseconds
  02 00 04 00  00 00 00 00  00 00 00 00
  00 00 04 00                  # snaplen 262144
  e5 00 00 00                  # linktype 229 (IPv6)
  00 f1 53 65  15 cd 5b 07     # 1700000000 s, 123456789 ns
  03 00 00 00  03 00 00 00
  60 0a 0b
  00 f1 53 65  00 ca 9a 3b     # 1000000000 ns: a whole second stored as fraction, carried
  01 00 00 00  01 00 00 00
  60
`);

const PCAP_BE_NSEC = hex(`
  a1 b2 3c 4d                  # magic, big-endian, nanoseconds
  00 02 00 04  00 00 00 00  00 00 00 00
  00 00 ff ff
  00 00 00 71                  # linktype 113 (Linux cooked)
  00 00 00 01  00 00 00 01     # 1 s, 1 ns
  00 00 00 01  00 00 00 09
  ff
`);

/** Kuznetzov's patched libpcap: record headers carry ifindex, protocol, packet type and a pad byte. */
const PCAP_MODIFIED = hex(`
  34 cd b2 a1                  # magic a1b2cd34, little-endian
  02 00 04 00  00 00 00 00  00 00 00 00  ff ff 00 00  01 00 00 00
  0a 00 00 00  14 00 00 00     # 10 s, 20 µs
  02 00 00 00  02 00 00 00
  02 00 00 00  dd 86 00 00     # ifindex 2, protocol 0x86dd, packet type 0, pad
  aa bb
`);

function frame(over: Partial<SavedFrame>): SavedFrame {
  return { number: 1, tsSec: 0, tsNsec: 0, linktype: 1, caplen: 0, len: 0, data: [], interfaceId: 0, comments: null, ...over };
}

describe('pcap reader', () => {
  it('reads little-endian microsecond files and keeps only the low 16 bits of the link type', () => {
    const r = openCapture(writeTemp(dir, 'le-usec.pcap', PCAP_LE_USEC));
    expect(r.format).toBe('pcap');
    expect(r.interfaces).toEqual([{ linktype: 1, snaplen: 65535, tsresolNs: 1000 }]);
    expect(readAll(r)).toEqual([
      frame({ number: 1, tsSec: 1700000000, tsNsec: 123456000, caplen: 4, len: 60, data: [0xde, 0xad, 0xbe, 0xef] }),
      frame({ number: 2, tsSec: 1700000001, tsNsec: 0, caplen: 2, len: 2, data: [0xca, 0xfe] }),
    ]);
    expect(r.problems).toEqual([]);
    expect(r.sectionComments).toEqual([]);
  });

  it('reads big-endian microsecond files', () => {
    const r = openCapture(writeTemp(dir, 'be-usec.pcap', PCAP_BE_USEC));
    expect(readAll(r)).toEqual([frame({ tsSec: 1700000000, tsNsec: 999999000, linktype: 101, caplen: 2, len: 1500, data: [0x45, 0] })]);
  });

  it('reads little-endian nanosecond files, carrying an oversized fraction into the seconds', () => {
    const r = openCapture(writeTemp(dir, 'le-nsec.pcap', PCAP_LE_NSEC));
    expect(r.interfaces[0]!.tsresolNs).toBe(1);
    expect(readAll(r)).toEqual([
      frame({ number: 1, tsSec: 1700000000, tsNsec: 123456789, linktype: 229, caplen: 3, len: 3, data: [0x60, 0x0a, 0x0b] }),
      frame({ number: 2, tsSec: 1700000001, tsNsec: 0, linktype: 229, caplen: 1, len: 1, data: [0x60] }),
    ]);
  });

  it('reads big-endian nanosecond files', () => {
    const r = openCapture(writeTemp(dir, 'be-nsec.pcap', PCAP_BE_NSEC));
    expect(readAll(r)).toEqual([frame({ tsSec: 1, tsNsec: 1, linktype: 113, caplen: 1, len: 9, data: [0xff] })]);
  });

  it('reads the modified-pcap variant with its longer record headers', () => {
    const r = openCapture(writeTemp(dir, 'modified.pcap', PCAP_MODIFIED));
    expect(readAll(r)).toEqual([frame({ tsSec: 10, tsNsec: 20000, caplen: 2, len: 2, data: [0xaa, 0xbb] })]);
    expect(r.problems).toEqual([]);
  });

  it('delivers the whole frames of a truncated file, then reports the truncated record', () => {
    // Cut inside the second record's data, then inside its header.
    for (const cut of [PCAP_LE_USEC.length - 1, 24 + 16 + 4 + 5]) {
      const r = openCapture(writeTemp(dir, `trunc-${cut}.pcap`, PCAP_LE_USEC.subarray(0, cut)));
      expect(readAll(r).map((f) => f.data)).toEqual([[0xde, 0xad, 0xbe, 0xef]]);
      expect(r.problems).toEqual([
        expect.objectContaining({ frame: 2, fatal: false, message: expect.stringMatching(/^truncated record/), hint: expect.stringMatching(/cut short/) }),
      ]);
      expect(r.next()).toBeNull();
    }
  });

  it('stops at a record longer than 256 KiB and names the frame', () => {
    const bytes = PCAP_LE_USEC.slice();
    // Second record's captured length := 0x00040001 (256 KiB + 1).
    bytes.set([0x01, 0x00, 0x04, 0x00], 24 + 16 + 4 + 8);
    const r = openCapture(writeTemp(dir, 'huge-record.pcap', concat(bytes, new Uint8Array(300_000))));
    expect(readAll(r)).toHaveLength(1);
    expect(r.problems).toEqual([expect.objectContaining({ frame: 2, fatal: true, message: expect.stringMatching(/corrupt record.*262145/) })]);
  });

  it('reports once that records exceed the declared snaplen but still reads them', () => {
    const bytes = PCAP_LE_USEC.slice();
    bytes.set([0x03, 0x00, 0x00, 0x00], 16); // snaplen 3 < 4-byte first record
    const r = openCapture(writeTemp(dir, 'over-snaplen.pcap', bytes));
    expect(readAll(r)).toHaveLength(2);
    expect(r.problems).toEqual([expect.objectContaining({ frame: 1, fatal: false, message: expect.stringMatching(/longer than the file's snaplen 3/) })]);
  });

  it('refuses a file whose header is cut short or whose version is not 2', () => {
    expect(() => openCapture(writeTemp(dir, 'short-header.pcap', PCAP_LE_USEC.subarray(0, 20)))).toThrow(/truncated pcap file header/);
    const v3 = PCAP_LE_USEC.slice();
    v3[4] = 3;
    const err = (() => {
      try {
        openCapture(writeTemp(dir, 'v3.pcap', v3));
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(err).toBeInstanceOf(CaptureError);
    expect((err as CaptureError).message).toMatch(/v3\.pcap: unsupported pcap version 3\.4/);
    expect((err as CaptureError).hint).toMatch(/editcap/);
  });

  it('gives identical frames with a read buffer smaller than a record', () => {
    const path = writeTemp(dir, 'chunks.pcap', concat(PCAP_LE_USEC, PCAP_LE_USEC.subarray(24), PCAP_LE_USEC.subarray(24)));
    const reference = readAll(openCapture(path));
    expect(reference).toHaveLength(6);
    for (const chunkSize of [1, 2, 5, 17, 24, 40]) {
      expect(readAll(openCapture(path, { chunkSize })), `chunk ${chunkSize}`).toEqual(reference);
    }
  });
});

interface OraclePacket {
  header: { timestampSeconds: number; timestampMicroseconds: number; capturedLength: number; originalLength: number };
  data: Buffer;
}

/** All packets as the independent pcap-parser package sees them. */
function oracle(path: string): Promise<OraclePacket[]> {
  const pcapParser = require('pcap-parser') as { parse(p: string): NodeJS.EventEmitter };
  return new Promise((resolve, reject) => {
    const out: OraclePacket[] = [];
    const p = pcapParser.parse(path);
    p.on('packet', (pkt: OraclePacket) => out.push({ header: { ...pkt.header }, data: Buffer.from(pkt.data) }));
    p.on('error', reject);
    p.on('end', () => resolve(out));
  });
}

describe('pcap reader against pcap-parser', () => {
  it.each([
    ['little-endian', PCAP_LE_USEC],
    ['big-endian', PCAP_BE_USEC],
  ])('agrees on frame count, timestamps and bytes (%s microsecond file)', async (_name, bytes) => {
    const path = writeTemp(dir, `oracle-${_name}.pcap`, bytes);
    const theirs = await oracle(path);
    const ours = readAll(openCapture(path));
    expect(theirs.length).toBeGreaterThan(0);
    expect(ours.map((f) => [f.tsSec, f.tsNsec / 1000, f.caplen, f.len, f.data])).toEqual(
      theirs.map((p) => [
        p.header.timestampSeconds,
        p.header.timestampMicroseconds,
        p.header.capturedLength,
        p.header.originalLength,
        Array.from(p.data),
      ]),
    );
  });
});
