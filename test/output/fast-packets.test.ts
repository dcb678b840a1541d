/**
 * The byte writers of `read` (SummaryWriter, JsonWriter) against the string
 * formatters they stand in for (summaryLine, JSON.stringify(packetJson())), byte
 * for byte: every packet of every shipped sample, fuzzed variants of them, and
 * hand-made trees with fields of every type and awkward text.
 */
import { closeSync, existsSync, openSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { Frame } from '../../src/capture/frame.js';
import { openCapture } from '../../src/capture/open.js';
import { buildRunConfig } from '../../src/cli/options.js';
import { contextFor } from '../../src/cli/pipeline.js';
import { createDissector, dissectFrame, type DissectContext } from '../../src/dissect/index.js';
import { defineField, FT } from '../../src/dissect/fields.js';
import { Tree } from '../../src/dissect/tree.js';
import { colorize } from '../../src/output/color.js';
import { registeredMhMessages } from '../../src/dissect/context.js';
import { mip6Fields } from '../../src/dissect/mh/header.js';
import { helloFields } from '../../src/dissect/mh/harel.js';
import { baFields, buFields } from '../../src/dissect/mh/rfc6275.js';
import { JsonWriter, SummaryWriter } from '../../src/output/fast-packets.js';
import { infoWriterFor } from '../../src/output/info-bytes.js';
import { packetJson, summaryLine } from '../../src/output/packets.js';
import { Sink } from '../../src/output/sink.js';
import { SAMPLES } from '../filter/helpers.js';

const devNull = openSync('/dev/null', 'w');
afterAll(() => closeSync(devNull));

const colors = colorize(true);

/** Writers and a Sink big enough never to flush, so each packet's bytes can be read back. */
function harness() {
  const sink = new Sink(devNull, 1 << 30);
  const plainSummary = new SummaryWriter();
  const colorSummary = new SummaryWriter(colors);
  const json = new JsonWriter();
  // Compared as latin1 (one character per byte): exact, and readable where it is ASCII.
  const bytes = (write: () => void): string => {
    sink.pos = 0;
    write();
    return sink.buf.toString('latin1', 0, sink.pos);
  };
  const utf8 = (s: string): string => Buffer.from(s, 'utf8').toString('latin1');
  /** Every output of one dissected packet, both ways. */
  const check = (tree: Tree, frame: Frame, first: number, file = 'a "file" ✓.pcapng'): void => {
    expect(bytes(() => plainSummary.write(sink, tree, frame, first))).toBe(utf8(`${summaryLine(tree, frame, first)}\n`));
    expect(bytes(() => colorSummary.write(sink, tree, frame, first))).toBe(utf8(`${summaryLine(tree, frame, first, colors)}\n`));
    const j = packetJson(tree, frame);
    const s = JSON.stringify(j);
    // A new layout goes through packetJson() the first time, then through its shape: both ways checked.
    expect(bytes(() => json.write(sink, tree, frame, ''))).toBe(utf8(`${s}\n`));
    expect(bytes(() => json.write(sink, tree, frame, ','))).toBe(utf8(`,${s}\n`));
    expect(bytes(() => json.write(sink, tree, frame, ''))).toBe(utf8(`${s}\n`));
    j.file = file;
    expect(bytes(() => json.write(sink, tree, frame, '', file))).toBe(utf8(`${JSON.stringify(j)}\n`));
  };
  return { check };
}

const samples = readdirSync(SAMPLES).filter((f) => f.endsWith('.pcapng')).sort();

/** The context `read` would use for a sample (its keys when it ships them). */
function sampleContext(name: string): DissectContext {
  const sa = resolve(SAMPLES, name.replace(/\.pcapng$/, '.esp_sa'));
  return contextFor(buildRunConfig({ espSa: existsSync(sa) ? [sa] : [] }, () => undefined));
}

/** The frames of a sample (copies: the reader reuses its buffer). */
function framesOf(name: string): Frame[] {
  const r = openCapture(resolve(SAMPLES, name));
  const out: Frame[] = [];
  try {
    for (let f = r.next(); f; f = r.next()) out.push({ ...f, data: Uint8Array.from(f.data) });
  } finally {
    r.close();
  }
  return out;
}

describe('fast packet output = the string formatters', () => {
  it('has samples to check', () => {
    expect(samples.length).toBeGreaterThan(10);
  });

  for (const name of samples) {
    it(`every packet of ${name}`, () => {
      const ctx = sampleContext(name);
      const h = harness();
      let first = -1;
      for (const f of framesOf(name)) {
        dissectFrame(ctx, f);
        const t = f.tsSec + f.tsNsec / 1e9;
        if (first < 0) first = t;
        h.check(ctx.tree, f, first);
      }
    });
  }

  it('fuzzed sample packets: bytes flipped, cut short, other times and numbers', () => {
    const frames = samples.flatMap((n) => framesOf(n));
    const ctx = createDissector();
    const h = harness();
    const mutation = fc.record({
      index: fc.nat(),
      flips: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { maxLength: 6 }),
      cut: fc.option(fc.nat(), { nil: undefined }),
      number: fc.oneof(fc.integer({ min: 1, max: 200 }), fc.integer({ min: 1, max: 2 ** 32 }), fc.constant(123456)),
      tsSec: fc.oneof(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 1_768_467_000, max: 1_768_468_000 })),
      tsNsec: fc.oneof(fc.integer({ min: 0, max: 999_999_999 }), fc.integer({ min: 0, max: 999_999 }).map((u) => u * 1000)),
      first: fc.oneof(fc.constant(-1), fc.double({ min: 0, max: 5e9, noNaN: true })),
    });
    fc.assert(fc.property(mutation, (m) => {
      const src = frames[m.index % frames.length]!;
      const data = Uint8Array.from(src.data);
      for (const [at, x] of m.flips) if (data.length) data[at % data.length] ^= x;
      const bytes = m.cut === undefined ? data : data.subarray(0, m.cut % (data.length + 1));
      const frame: Frame = { ...src, data: bytes, caplen: bytes.length, number: m.number, tsSec: m.tsSec, tsNsec: m.tsNsec };
      dissectFrame(ctx, frame);
      const t = frame.tsSec + frame.tsNsec / 1e9;
      h.check(ctx.tree, frame, m.first < 0 ? t : m.first);
    }), { numRuns: 4000 });
  });
});

describe('folded JSON values', () => {
  it('a packet repeated until its steady numbers are folded, then changed anywhere', () => {
    const frames = samples.flatMap((n) => framesOf(n));
    const h = harness();
    const run = fc.record({
      index: fc.nat(),
      repeat: fc.integer({ min: 1, max: 12 }),
      changes: fc.array(fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 6 }),
    });
    fc.assert(fc.property(run, ({ index, repeat, changes }) => {
      const ctx = createDissector(); // a fresh writer state per run is not needed: shapes are shared on purpose
      const src = frames[index % frames.length]!;
      const packets = [...Array<number[][]>(repeat).fill([]), ...changes];
      for (const flips of packets) {
        const data = Uint8Array.from(src.data);
        for (const [at, x] of flips) if (data.length) data[at % data.length] ^= x;
        const frame: Frame = { ...src, data };
        dissectFrame(ctx, frame);
        h.check(ctx.tree, frame, frame.tsSec);
      }
    }), { numRuns: 1500 });
  });
});

describe('fast packet output on hand-made trees', () => {
  // Fields of every type, and keys an object would not keep in order (or at all).
  const F = {
    proto: defineField({ abbrev: 'zz_test', name: 'Test', type: FT.Protocol }),
    uint: defineField({ abbrev: 'zz_test.uint', name: 'UInt', type: FT.UInt }),
    int: defineField({ abbrev: 'zz_test.int', name: 'Int', type: FT.Int }),
    bool: defineField({ abbrev: 'zz_test.bool', name: 'Bool', type: FT.Bool }),
    ipv6: defineField({ abbrev: 'zz_test.ipv6', name: 'IPv6', type: FT.IPv6 }),
    ipv4: defineField({ abbrev: 'zz_test.ipv4', name: 'IPv4', type: FT.IPv4 }),
    bytes: defineField({ abbrev: 'zz_test.bytes', name: 'Bytes', type: FT.Bytes }),
    ether: defineField({ abbrev: 'zz_test.ether', name: 'Ether', type: FT.Ether }),
    string: defineField({ abbrev: 'zz_test.string', name: 'String', type: FT.String }),
    u64: defineField({ abbrev: 'zz_test.u64', name: 'UInt64', type: FT.UInt64 }),
    choice: defineField({ abbrev: 'zz_test.choice', name: 'Choice', type: FT.Choice, vals: { 0: 'good', 1: 'bad "quoted"\n', 2: 'ünïcode →' } }),
    prefix: defineField({ abbrev: 'zz_test.prefix', name: 'Prefix', type: FT.IPv6Prefix }),
    quoted: defineField({ abbrev: 'zz "quoted" → key', name: 'Quoted', type: FT.UInt }),
    index: defineField({ abbrev: '7', name: 'Index-like', type: FT.UInt }),
    proto2: defineField({ abbrev: '__proto__', name: 'Proto', type: FT.UInt }),
  };
  const plainFields = [F.proto, F.uint, F.int, F.bool, F.ipv6, F.ipv4, F.bytes, F.ether, F.string, F.u64, F.choice, F.prefix, F.quoted];
  const awkward = fc.oneof(
    fc.string({ maxLength: 30 }),
    fc.string({ unit: 'binary', maxLength: 20 }),
    fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 10 }).map((cs) => String.fromCharCode(...cs)),
    fc.constantFrom('', 'MIPv6', 'a "b" \\ c', 'tab\there', '→', '\ud83d'),
  );
  const value = fc.oneof(fc.integer({ min: 0, max: 70000 }), fc.integer(), fc.double(), fc.constantFrom(0, 1, 2, 3, -0, 2 ** 53, 1e21, NaN, Infinity));
  const item = fc.record({
    field: fc.oneof({ weight: 20, arbitrary: fc.constantFrom(...plainFields) }, { weight: 1, arbitrary: fc.constantFrom(F.index, F.proto2) }),
    start: fc.nat({ max: 80 }),
    length: fc.nat({ max: 40 }),
    value,
    buf: fc.nat({ max: 1 }),
  });
  const treeSpec = fc.record({
    data: fc.uint8Array({ minLength: 0, maxLength: 96 }),
    extra: fc.uint8Array({ minLength: 0, maxLength: 64 }),
    items: fc.array(item, { maxLength: 30 }),
    src: fc.integer({ min: -1, max: 30 }),
    dst: fc.integer({ min: -1, max: 30 }),
    protocol: awkward,
    info: fc.oneof(awkward, fc.constant(null), fc.constant('throw')),
    notes: fc.array(fc.record({ severity: fc.constantFrom('error', 'warning', 'note', 'chat' as const), text: awkward, item: fc.integer({ min: -1, max: 29 }) }), { maxLength: 3 }),
    len: fc.nat({ max: 70000 }),
  });

  it('match the string formatters, fields of every type and awkward text included', () => {
    const tree = new Tree(64);
    const h = harness();
    fc.assert(fc.property(treeSpec, (spec) => {
      tree.reset(spec.data);
      tree.addBuffer(spec.extra, 'Extra');
      for (const it of spec.items) tree.add(-1, it.field, it.buf, it.start, it.length, it.value);
      tree.protocol = spec.protocol;
      tree.srcItem = spec.src < tree.count ? spec.src : -1;
      tree.dstItem = spec.dst < tree.count ? spec.dst : -1;
      const info = spec.info;
      if (info === 'throw') tree.info = () => { throw new Error('boom'); };
      else if (info !== null) tree.info = () => info;
      for (const n of spec.notes) tree.note(n.item < tree.count ? n.item : -1, n.severity, 'test.group', n.text);
      const frame: Frame = {
        number: 1, tsSec: 1_768_467_600, tsNsec: 4_000_000, linktype: 229, caplen: spec.data.length, len: spec.len,
        data: spec.data, interfaceId: 0, comments: null,
      };
      h.check(tree, frame, 1_768_467_599.5);
    }), { numRuns: 5000 });
  });
});

describe('Info writers = the formatters they stand in for', () => {
  createDissector();
  const messages = registeredMhMessages();
  const cases = [
    { key: 'bindingUpdate' as const, fields: Object.values(buFields) },
    { key: 'bindingAck' as const, fields: Object.values(baFields) },
    { key: 'homeAgentHello' as const, fields: Object.values(helloFields) },
  ];
  const filler = mip6Fields.mhtype;
  const out = Buffer.alloc(4096);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);

  for (const { key, fields } of cases) {
    it(`${key}: any tree shape, fields missing, repeated, outside the message, odd values`, () => {
      const formatter = messages.get(key)!.info;
      const writer = infoWriterFor(formatter, 0);
      expect(infoWriterFor(formatter, -1)).toBeNull();
      expect(writer).not.toBeNull();
      const tree = new Tree(64);
      const value = fc.oneof(fc.integer({ min: 0, max: 0xffff }), fc.constantFrom(0, 1, 2, 150, 143, 128, 127, 255, 256, -1, -0, 0.5, NaN, Infinity, 2 ** 40, 1e21));
      const item = fc.record({ field: fc.oneof(fc.constantFrom(...fields), fc.constant(filler)), parent: fc.integer({ min: -1, max: 40 }), value });
      fc.assert(fc.property(fc.array(item, { minLength: 1, maxLength: 40 }), fc.nat({ max: 40 }), (items, root) => {
        tree.reset(new Uint8Array(0));
        items.forEach((it, i) => tree.add(it.parent < i ? it.parent : -1, it.field, 0, 0, 0, it.value));
        const r = root % tree.count;
        const end = writer!(tree, r, out, view, 0);
        expect(out.toString('latin1', 0, end)).toBe(formatter(tree, r));
      }), { numRuns: 5000 });
    });
  }

  it('no writer for other formatters', () => {
    expect(infoWriterFor(() => 'x', 0)).toBeNull();
    expect(infoWriterFor(null, 0)).toBeNull();
  });
});
