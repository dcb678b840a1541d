/** Facts through the ring between the dissecting and the analyzing thread: nothing a rule reads may change on the way. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AddressTable } from '../../src/analyze/address.js';
import { FactExtractor, Facts, packetKinds } from '../../src/analyze/facts.js';
import { resolveFields } from '../../src/analyze/fields.js';
import { openCapture } from '../../src/capture/open.js';
import { createDissector, dissectFrame } from '../../src/dissect/index.js';
import { samplePath } from '../samples/lab-sa.js';
import { SCENARIOS } from '../../src/samples/scenarios.js';
import { createRing, RingReader, RingWriter } from '../../src/analyze/ring.js';
import { FactsDecoder, FactsEncoder } from '../../src/analyze/wire.js';
import { getDefaultProfile } from '../../src/profile/profile.js';

const kinds = packetKinds(getDefaultProfile().mhTypes);

/** The fields rules read, as plain data. */
function view(f: Facts) {
  return {
    time: f.time, frame: f.frame, fileIndex: f.fileIndex, file: f.file, src: f.src, dst: f.dst, home: f.home,
    srcLinkLocal: f.srcLinkLocal, dstLinkLocal: f.dstLinkLocal, dstMulticast: f.dstMulticast, srcGlobal: f.srcGlobal,
    kind: f.kind, kindNo: f.kindNo, hasMh: f.mhItem >= 0, mhType: f.mhType, inEsp: f.inEsp, hasEsp: f.espItem >= 0, spi: f.spi, espSeq: f.espSeq,
    icv: f.icv, espOpened: f.espOpened, espVerdict: f.espVerdict, espHighestBefore: f.espHighestBefore, seq: f.seq, lifetime: f.lifetime, status: f.status, identifier: f.identifier, subtype: f.subtype,
    group: f.group, preference: f.preference, interval: f.interval, refreshAdvice: f.refreshAdvice, numAddrs: f.numAddrs, cookie: f.cookie,
    ack: f.ack, active: f.active, homeFlag: f.homeFlag, replyRequested: f.replyRequested, rekey: f.rekey, backup: f.backup, vhar: f.vhar,
    vharSpi: f.vharSpi, vharSeq: f.vharSeq, listed: [...f.listed], optionTypes: [...f.optionTypes], ipAddressCodes: [...f.ipAddressCodes],
    notes: f.notes.map((n) => ({ ...n })),
  };
}

const small = fc.integer({ min: -1, max: 0x7fffffff });
const u32 = fc.oneof(fc.constant(-1), fc.integer({ min: 0, max: 2 ** 32 - 1 }));
const key = fc.oneof(fc.constant(-1), fc.constant(0), fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }));
const factsArb = fc.record({
  time: fc.double({ min: 0, max: 4e9, noNaN: true }), frame: fc.integer({ min: 1, max: 2 ** 31 - 1 }), fileIndex: fc.integer({ min: 0, max: 2 }),
  src: fc.integer({ min: 0, max: 50 }), dst: fc.integer({ min: 0, max: 50 }), home: fc.integer({ min: 0, max: 50 }),
  flags: fc.array(fc.boolean(), { minLength: 15, maxLength: 15 }),
  kind: fc.constantFrom(...kinds), mhType: fc.integer({ min: -1, max: 255 }), spi: u32, espSeq: u32,
  icv: fc.constantFrom('', 'good', 'bad', 'unchecked'),
  verdict: fc.constantFrom('', 'new', 'replay', 'outside', 'gap'), highestBefore: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 2 ** 32 - 1 })),
  ints: fc.array(small, { minLength: 10, maxLength: 10 }), cookie: key, vharSpi: u32, vharSeq: key,
  listed: fc.array(fc.integer({ min: 1, max: 50 }), { maxLength: 5 }), optionTypes: fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 6 }),
  ipAddressCodes: fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 3 }),
  notes: fc.array(fc.record({
    item: fc.integer({ min: -1, max: 2000 }), severity: fc.constantFrom('error', 'warning', 'note', 'chat'),
    group: fc.constantFrom('mip6.checksum', 'mip6.option.align', 'mip6.reserved'), text: fc.string({ maxLength: 30, unit: 'binary' }),
  }), { maxLength: 2 }),
});

type FactsRecord = typeof factsArb extends fc.Arbitrary<infer T> ? T : never;

function build(r: FactsRecord, files: string[]): Facts {
  const f = new Facts();
  f.time = r.time; f.frame = r.frame; f.fileIndex = r.fileIndex; f.file = files[r.fileIndex]!; f.src = r.src; f.dst = r.dst; f.home = r.home;
  [f.srcLinkLocal, f.dstLinkLocal, f.dstMulticast, f.srcGlobal, f.inEsp, f.espOpened, f.ack, f.active, f.homeFlag, f.replyRequested, f.rekey, f.backup, f.vhar] = r.flags;
  f.mhItem = r.flags[13] ? 0 : -1;
  f.espItem = r.flags[14] ? 0 : -1;
  f.kind = r.kind; f.kindNo = kinds.indexOf(r.kind); f.mhType = r.mhType; f.spi = r.spi; f.espSeq = r.espSeq; f.icv = r.icv;
  [f.seq, f.lifetime, f.status, f.identifier, f.subtype, f.group, f.preference, f.interval, f.refreshAdvice, f.numAddrs] = r.ints;
  f.cookie = r.cookie; f.vharSpi = r.vharSpi; f.vharSeq = r.vharSeq;
  // The anti-replay verdict a dissecting thread may have given (SaWindows).
  f.espVerdict = r.verdict as Facts['espVerdict']; f.espHighestBefore = r.verdict === '' ? 0 : r.highestBefore;
  f.listed.push(...r.listed); f.optionTypes.push(...r.optionTypes); f.ipAddressCodes.push(...r.ipAddressCodes);
  f.notes = r.notes;
  return f;
}

describe('facts on the wire', () => {
  it('arrive with every field a rule reads, through wrap-arounds of a small ring, their addresses interned on the analyzing side', { timeout: 60_000 }, () => {
    const files = ['a.pcapng', 'b.pcap', 'c.pcapng'];
    const address = (i: number): Uint8Array => Uint8Array.of(0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, i);
    const text = (i: number): string => (i === 0 ? '?' : `2001:db8::${i.toString(16)}`);
    fc.assert(fc.property(fc.array(factsArb, { minLength: 1, maxLength: 40 }), (records) => {
      const sab = createRing(1024);
      const writer = new RingWriter(sab);
      const reader = new RingReader(sab);
      const encoder = new FactsEncoder(writer);
      const received = new AddressTable();
      const decoder = new FactsDecoder(reader, kinds, received, files);
      // One record at a time, so the ring (1024 words) wraps without ever filling (the reader is this thread).
      for (const r of records) {
        const f = build(r, files);
        // As extraction does: each address goes to the encoder's recorder, the facts keep its number.
        const number = (i: number): number => (i === 0 ? 0 : encoder.addresses.intern(address(i), 0));
        f.src = number(r.src);
        f.dst = number(r.dst);
        f.home = number(r.home);
        f.clearLists();
        for (const i of r.listed) f.listed.push(number(i));
        f.optionTypes.push(...r.optionTypes);
        f.ipAddressCodes.push(...r.ipAddressCodes);
        encoder.send(f);
        writer.publish();
        const got = decoder.next();
        expect(got).not.toBeNull();
        // Every address arrives as an id of the receiving table that names it.
        const names = (g: Facts) => [g.src, g.dst, g.home, ...g.listed].map((id) => received.name(id));
        expect(names(got!)).toEqual([r.src, r.dst, r.home, ...r.listed].map(text));
        const rest = (v: ReturnType<typeof view>) => ({ ...v, src: 0, dst: 0, home: 0, listed: [] });
        expect(rest(view(got!))).toEqual(rest(view(f)));
      }
      writer.close();
      expect(decoder.next()).toBeNull();
      // The same address has one id however often it came.
      expect(received.size).toBe(new Set(records.flatMap((r) => [r.src, r.dst, r.home, ...r.listed]).filter((i) => i !== 0)).size);
    }), { numRuns: 300 });
  });

  it('a writer facing a full ring stops at once when the reader has failed, instead of waiting', () => {
    const sab = createRing(128);
    const writer = new RingWriter(sab);
    const reader = new RingReader(sab);
    reader.fail();
    expect(() => { for (let i = 0; i < 100; i++) { const at = writer.reserve(10); writer.data[at] = 10; writer.data[at + 1] = 1; writer.commit(10); } })
      .toThrow(/analysis thread stopped$/);
  });

  it('carry the kind as the number the extractor gave it: its place in packetKinds, for the default profile and a renumbered one', () => {
    const renumbered = { ...getDefaultProfile().mhTypes, homeAgentSwitch: 200, bindingUpdate: 201 };
    let seen = 0;
    for (const mhTypes of [getDefaultProfile().mhTypes, renumbered]) {
      const order = packetKinds(mhTypes);
      const extractor = new FactExtractor(resolveFields(), mhTypes, new AddressTable());
      const kinds = new Set<string>();
      for (const make of SCENARIOS) {
        const ctx = createDissector();
        const r = openCapture(samplePath(`${make().name}.pcapng`));
        for (let f = r.next(); f; f = r.next()) {
          dissectFrame(ctx, f);
          const facts = extractor.extract(ctx, f, 'x', 0);
          expect(order[facts.kindNo]).toBe(facts.kind);
          kinds.add(facts.kind);
          seen++;
        }
        r.close();
      }
      // Both see MH messages and ICMPv6; with the renumbering, BUs and HA Switches are of unknown MH types.
      expect(kinds.has('icmpv6') && kinds.has('bindingAck')).toBe(true);
      expect(kinds.has('mhUnknown')).toBe(mhTypes === renumbered);
      expect(kinds.has('bindingUpdate')).toBe(mhTypes !== renumbered);
    }
    expect(seen).toBeGreaterThan(100);
  });
});
