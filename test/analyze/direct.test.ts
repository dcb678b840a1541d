/**
 * Facts read straight from the bytes (analyze/direct.ts) against the dissector:
 * on every frame it accepts, the dissection has no expert note and extractFacts()
 * gives the same Facts; it accepts nearly all of the benchmark's traffic; lint
 * reports the same findings with it as without it (-Y turns it off).
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AddressTable } from '../../src/analyze/address.js';
import { directFacts } from '../../src/analyze/direct.js';
import { extractFacts, Facts, mhKinds } from '../../src/analyze/facts.js';
import { resolveFields } from '../../src/analyze/fields.js';
import { writeWorkload } from '../../src/bench/workload.js';
import {
  alternateCareOfAddress, bindingAck, bindingAuthorizationData, bindingRefreshAdvice, bindingUpdate, concat, espNullAround, ethernet, ETHERTYPE_IPV6,
  homeAddressOption, homeAgentHello, ipv6, ipv6Address, mobility, mobilityHeader, nonceIndices, routingType2, type OptionItem,
} from '../../src/craft/index.js';
import { haAddress, haMac, haToMnSpi, mnCareOf, mnHome, mnToHaSpi, ROUTER_MAC } from '../../src/samples/lab.js';
import { BufferFrame, type Frame } from '../../src/capture/frame.js';
import { openCapture } from '../../src/capture/open.js';
import { lintMain, type LintOptions } from '../../src/cli/lint.js';
import { createDissector, dissectFrame } from '../../src/dissect/index.js';
import type { DissectContext } from '../../src/dissect/context.js';
import { fieldByAbbrev } from '../../src/dissect/fields.js';
import { DirectSummary, SummaryWriter } from '../../src/output/fast-packets.js';
import { Sink } from '../../src/output/sink.js';
import { getDefaultProfile } from '../../src/profile/profile.js';
import { SCENARIOS } from '../../src/samples/scenarios.js';
import { eachPeerCapture, PEER_DIR } from '../peer-dir.js';
import { mendMhChecksum } from './helpers.js';
import { samplePath, sampleSas, saTableOf } from '../samples/lab-sa.js';

const tmp = mkdtempSync(join(tmpdir(), 'mip6scope-direct-'));
const workload = join(tmp, 'workload.pcapng');
beforeAll(() => { writeWorkload(workload, { packets: 20_000, mobileNodes: 400 }); });
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const F = resolveFields();
const CSUM = fieldByAbbrev('mip6.csum')!;
const CSUM_CALCULATED = fieldByAbbrev('mip6.csum.calculated')!;
const SAMPLES = SCENARIOS.map((make) => samplePath(`${make().name}.pcapng`));

const devNull = openSync('/dev/null', 'w');
afterAll(() => closeSync(devNull));
const lineSink = new Sink(devNull, 1 << 20);
/** The bytes `write` puts into a Sink, as text. */
function lineOf(write: (sink: Sink) => void): string {
  lineSink.pos = 0;
  write(lineSink);
  return lineSink.buf.toString('utf8', 0, lineSink.pos);
}

/** What rules read of a Facts object (item numbers only as present or not). */
function view(f: Facts) {
  return {
    time: f.time, frame: f.frame, file: f.file, fileIndex: f.fileIndex, src: f.src, dst: f.dst, home: f.home,
    srcLinkLocal: f.srcLinkLocal, dstLinkLocal: f.dstLinkLocal, dstMulticast: f.dstMulticast, srcGlobal: f.srcGlobal,
    kind: f.kind, kindNo: f.kindNo, hasMh: f.mhItem >= 0, mhType: f.mhType, inEsp: f.inEsp, hasEsp: f.espItem >= 0, spi: f.spi, espSeq: f.espSeq,
    icv: f.icv, espOpened: f.espOpened, espVerdict: f.espVerdict, espHighestBefore: f.espHighestBefore, seq: f.seq, lifetime: f.lifetime,
    status: f.status, identifier: f.identifier, subtype: f.subtype, group: f.group, preference: f.preference, interval: f.interval,
    refreshAdvice: f.refreshAdvice, numAddrs: f.numAddrs, cookie: f.cookie, ack: f.ack, active: f.active, homeFlag: f.homeFlag,
    replyRequested: f.replyRequested, rekey: f.rekey, backup: f.backup, vhar: f.vhar, vharSpi: f.vharSpi, vharSeq: f.vharSeq,
    listed: [...f.listed], optionTypes: [...f.optionTypes], ipAddressCodes: [...f.ipAddressCodes], notes: f.notes.length,
  };
}

/**
 * Reads frames both ways with one dissection context and two address tables
 * kept in step (a declined frame's addresses go into both, as lint does).
 */
class Twin {
  readonly ctx: DissectContext;
  private readonly kinds;
  private readonly direct = new Facts();
  private readonly dissected = new Facts();
  private readonly a1 = new AddressTable();
  private readonly a2 = new AddressTable();
  accepted = 0;
  frames = 0;
  /** Frames whose summary line was written from their bytes (DirectSummary). */
  summaries = 0;
  readonly acceptedKinds = new Set<string>();
  private readonly directSummary: DirectSummary;
  private readonly treeSummary = new SummaryWriter();

  constructor(mhTypes = getDefaultProfile().mhTypes, ctx = createDissector()) {
    this.ctx = ctx;
    this.kinds = mhKinds(mhTypes);
    this.directSummary = new DirectSummary(ctx, new SummaryWriter());
  }

  /** Both ways on one frame; on acceptance, returns the two views and the dissection's notes. */
  frame(fr: Frame, file = 'x'): { direct: ReturnType<typeof view>; dissected: ReturnType<typeof view>; notes: string[] } | null {
    this.frames++;
    // read's summary line from the bytes, when taken, is the dissection's (with the default and a -t time text).
    const timeText = this.frames % 2 === 0 ? undefined : '2026-01-15 09:00:00.000001';
    const line = this.directSummary.accepts(fr) ? lineOf((sink) => this.directSummary.write(sink, fr, 1768467000, timeText)) : null;
    const ok = directFacts(this.direct, this.ctx, fr, file, 0, this.kinds, this.a1);
    dissectFrame(this.ctx, fr);
    extractFacts(this.dissected, this.ctx, fr, file, 0, F, this.kinds, this.a2);
    if (line !== null) {
      this.summaries++;
      expect(ok).toBe(true);
      expect(line).toBe(lineOf((sink) => this.treeSummary.write(sink, this.ctx.tree, fr, 1768467000, timeText)));
    }
    if (!ok) {
      extractFacts(this.direct, this.ctx, fr, file, 0, F, this.kinds, this.a1);
      return null;
    }
    this.accepted++;
    this.acceptedKinds.add(this.direct.kind);
    return { direct: view(this.direct), dissected: view(this.dissected), notes: this.ctx.tree.notes.map((n) => `${n.group}: ${n.text}`) };
  }

  /** Every frame of a capture; the frames accepted must agree. */
  file(path: string): void {
    const r = openCapture(path);
    try {
      for (let fr = r.next(); fr; fr = r.next()) {
        const got = this.frame(fr, path);
        if (got === null) continue;
        expect(got.notes, `${path} frame ${fr.number}`).toEqual([]);
        expect(got.direct, `${path} frame ${fr.number}`).toEqual(got.dissected);
      }
    } finally {
      r.close();
    }
  }
}

describe('facts from the bytes', () => {
  it('agree with the dissection on every frame they accept, in every sample', () => {
    const twin = new Twin();
    for (const s of SAMPLES) twin.file(s);
    // The samples' registrations, switches and Hellos are taken; their broken and other packets are not.
    expect([...twin.acceptedKinds].sort()).toEqual(['bindingAck', 'bindingUpdate', 'homeAgentHello', 'homeAgentSwitch']);
    expect(twin.accepted).toBeGreaterThan(twin.frames / 3);
    expect(twin.accepted).toBeLessThan(twin.frames);
    // Summary lines: BUs, BAs and Hellos (a Home Agent Switch's line is the dissector's).
    expect(twin.summaries).toBeGreaterThan(twin.frames / 4);
    expect(twin.summaries).toBeLessThan(twin.accepted);
  });

  it('take nearly all of the benchmark workload, agreeing frame by frame', () => {
    const twin = new Twin();
    twin.file(workload);
    expect(twin.frames).toBe(20_000);
    expect(twin.accepted).toBeGreaterThan(0.99 * twin.frames);
    expect(twin.summaries).toBeGreaterThan(0.98 * twin.frames);
  });

  it('decline every frame the dissector notes something on: bad checksums, reserved bits, misplaced options', () => {
    const twin = new Twin();
    let noted = 0;
    for (const name of ['bad-checksum.pcapng', 'bad-options.pcapng', 'bad-esp.pcapng']) {
      const r = openCapture(samplePath(name));
      for (let fr = r.next(); fr; fr = r.next()) {
        const got = twin.frame(fr);
        if (twin.ctx.tree.notes.length > 0) noted++;
        if (got !== null) expect(got.notes, `${name} frame ${fr.number}`).toEqual([]);
      }
      r.close();
    }
    expect(noted).toBeGreaterThan(2);
    expect(twin.accepted).toBeGreaterThan(0);
  });

  it('dispatch on the profile\'s message numbers (a renumbered profile)', () => {
    const mhTypes = { ...getDefaultProfile().mhTypes, homeAgentSwitch: 200, bindingUpdate: 201 };
    const twin = new Twin(mhTypes, createDissector({ ...getDefaultProfile(), mhTypes }));
    for (const s of SAMPLES) twin.file(s);
    twin.file(workload);
    // Type 5 and 12 are now unknown numbers: left to the dissector.
    expect(twin.acceptedKinds.has('bindingUpdate')).toBe(false);
    expect(twin.acceptedKinds.has('homeAgentSwitch')).toBe(false);
    expect(twin.acceptedKinds.has('bindingAck')).toBe(true);
  });

  it('leave ESP to the dissector when an SA table is loaded or the NULL heuristic is off', () => {
    const off = new Twin(undefined, createDissector(getDefaultProfile(), { espNull: false }));
    off.file(workload);
    expect(off.accepted).toBe(0);
    // The workload is all ESP: with the lab's keys loaded, every frame is dissected (and its ICV checked).
    const keyed = new Twin();
    keyed.ctx.saTable = saTableOf(sampleSas(samplePath('maintenance-switch.pcapng')));
    keyed.file(samplePath('maintenance-switch.pcapng'));
    expect(keyed.frames).toBeGreaterThan(10);
    expect(keyed.accepted).toBe(0);
  });

  it('agree with the dissection on the peer tool\'s captures', (ctx) => {
    if (!existsSync(PEER_DIR)) { ctx.skip(`no peer captures at ${PEER_DIR}`); return; }
    const twin = new Twin();
    // Agreement is checked on what is read.
    eachPeerCapture((path) => twin.file(path));
    expect(twin.frames).toBeGreaterThan(20);
  });

  it('agree with the dissection on damaged frames (fuzzed from the samples and the workload)', () => {
    // Frames to start from: one of each accepted kind and some others.
    const base: { data: Uint8Array; linktype: number }[] = [];
    for (const s of [...SAMPLES, workload]) {
      const r = openCapture(s);
      let n = 0;
      for (let fr = r.next(); fr && n < 40; fr = r.next(), n++) base.push({ data: fr.data.slice(), linktype: fr.linktype });
      r.close();
    }
    const twin = new Twin();
    const probe = createDissector();
    // An edit anywhere in the frame, or (more often) in the IPv6 headers and the Mobility Header, where the checks are.
    const edit = fc.record({ at: fc.nat(), xor: fc.integer({ min: 1, max: 255 }), near: fc.boolean() });
    const MH = fieldByAbbrev('mip6')!;
    const IPV6 = fieldByAbbrev('ipv6')!;
    fc.assert(fc.property(fc.nat({ max: base.length - 1 }), fc.array(edit, { maxLength: 3 }), fc.nat({ max: 40 }), fc.constantFrom(1, 113, 276, 101, 0, 108),
      fc.nat({ max: 40 }), (which, edits, cut, relink, pad) => {
        const b = base[which]!;
        const data = b.data.slice(0, Math.max(0, b.data.length - (cut > 30 ? cut - 30 : 0)));
        dissectFrame(probe, { number: 1, tsSec: 0, tsNsec: 0, linktype: b.linktype, caplen: b.data.length, len: b.data.length, data: b.data, interfaceId: 0, comments: null });
        const ip = probe.tree.first(IPV6);
        const mh = probe.tree.first(MH);
        const from = ip >= 0 ? probe.tree.start[ip]! : 0;
        const to = mh >= 0 && probe.tree.bufferOf(mh) === b.data ? probe.tree.start[mh]! + probe.tree.length[mh]! : data.length;
        for (const e of edits) {
          if (data.length === 0) break;
          const at = e.near && to > from ? from + (e.at % (to - from)) : e.at % data.length;
          if (at < data.length) data[at] ^= e.xor;
        }
        const linktype = cut === 7 ? relink : b.linktype;
        const fr: Frame = { number: 1, tsSec: 1768467600, tsNsec: 0, linktype, caplen: data.length, len: data.length, data, interfaceId: 0, comments: null };
        mendMhChecksum(probe, fr);
        // The same bytes where a file reader leaves them: in place in its buffer, after other bytes and before the
        // next record's (here the rest of the frame before the cut, then more), none of which are the frame's.
        const buffer = new Uint8Array(pad + b.data.length + 64).fill(0x5a);
        buffer.set(b.data, pad);
        buffer.set(data, pad);
        const placed = new BufferFrame(buffer);
        Object.assign(placed, { number: fr.number, tsSec: fr.tsSec, tsNsec: fr.tsNsec, linktype: fr.linktype, len: fr.len });
        placed.place(buffer, pad, data.length);
        expect(placed.data).toEqual(data);
        expect(directOnce(twin.ctx, placed)).toEqual(directOnce(twin.ctx, fr));
        const got = twin.frame(fr);
        if (got === null) return;
        expect(got.notes).toEqual([]);
        expect(got.direct).toEqual(got.dissected);
        const summary = new DirectSummary(twin.ctx, new SummaryWriter());
        expect(summary.accepts(placed) ? lineOf((sink) => summary.write(sink, placed, 1768467000)) : null)
          .toBe(summary.accepts(fr) ? lineOf((sink) => summary.write(sink, fr, 1768467000)) : null);
      }), { numRuns: 6000 });
    // The fuzzing reached accepted frames, not only declined ones.
    expect(twin.accepted).toBeGreaterThan(200);
    expect(twin.summaries).toBeGreaterThan(100);
  });
});

/** directFacts() alone on a frame, with an address table of its own: what it takes, or null. */
function directOnce(ctx: DissectContext, fr: Frame): ReturnType<typeof view> | null {
  const f = new Facts();
  return directFacts(f, ctx, fr, 'x', 0, mhKinds(getDefaultProfile().mhTypes), new AddressTable()) ? view(f) : null;
}

/** A frame of raw bytes on Ethernet. */
function frameOf(data: Uint8Array, linktype = 1): Frame {
  return { number: 1, tsSec: 1768467600, tsNsec: 0, linktype, caplen: data.length, len: data.length, data, interfaceId: 0, comments: null };
}

/** A BU from MN 1 to HA 1 as the workload sends it (ESP NULL, Home Address option), with the options given. */
function buFrame(options: OptionItem[], spi = mnToHaSpi(1, 1)): Uint8Array {
  const payload = espNullAround(mobility({ ...bindingUpdate({ sequence: 7, flags: { A: true, H: true }, lifetimeUnits: 150 }), options }), { spi, seq: 1, icvLength: 12 });
  return ethernet(ROUTER_MAC, haMac(1), ETHERTYPE_IPV6, ipv6({ src: mnCareOf(1), dst: haAddress(1), extensions: [homeAddressOption(mnHome(1))], payload }));
}

/** `data` with byte `at` set to `value` and the Mobility Header's checksum made right again (the dissector computes it). */
function mended(data: Uint8Array, at: number, value: number): Uint8Array {
  const out = data.slice();
  out[at] = value;
  const probe = createDissector();
  dissectFrame(probe, frameOf(out));
  const calc = probe.tree.first(CSUM_CALCULATED);
  if (calc >= 0) {
    const c = probe.tree.start[probe.tree.first(CSUM)]!;
    out[c] = probe.tree.value[calc]! >> 8;
    out[c + 1] = probe.tree.value[calc]! & 0xff;
  }
  return out;
}

describe('facts from the bytes, on packets at the edge of each check', () => {
  /** Both ways; the verdict (accepted or not) and, when accepted, that the two agree and nothing was noted. */
  function accepted(data: Uint8Array, linktype = 1): boolean {
    const got = new Twin().frame(frameOf(data, linktype));
    if (got === null) return false;
    expect(got.notes).toEqual([]);
    expect(got.direct).toEqual(got.dissected);
    return true;
  }

  it('a BU with options in order is taken; Binding Authorization Data before another option is the dissector\'s', () => {
    expect(accepted(buFrame([nonceIndices(1, 2), bindingAuthorizationData(new Uint8Array(12))]))).toBe(true);
    expect(accepted(buFrame([alternateCareOfAddress(mnCareOf(1))]))).toBe(true);
    expect(accepted(buFrame([bindingAuthorizationData(new Uint8Array(12)), nonceIndices(1, 2)]))).toBe(false);
    // Not allowed in a BU (RFC 6275 6.1.7): noted.
    expect(accepted(buFrame([bindingRefreshAdvice(10)]))).toBe(false);
  });

  it('a BA with two Binding Refresh Advice options gives the first one\'s interval, as the dissection\'s first field', () => {
    const payload = espNullAround(mobility({ ...bindingAck({ status: 0, sequence: 7, lifetimeUnits: 150 }), options: [bindingRefreshAdvice(10), bindingRefreshAdvice(20)] }),
      { spi: haToMnSpi(1, 1), seq: 1, icvLength: 12 });
    const data = ethernet(haMac(1), ROUTER_MAC, ETHERTYPE_IPV6, ipv6({ src: haAddress(1), dst: mnCareOf(1), extensions: [routingType2(mnHome(1))], payload }));
    const twin = new Twin();
    const got = twin.frame(frameOf(data));
    expect(got?.direct.refreshAdvice).toBe(40);
    expect(got?.direct).toEqual(got?.dissected);
  });

  it('a reserved SPI (below 256) is the dissector\'s (it notes it)', () => {
    expect(accepted(buFrame([], 255))).toBe(false);
    expect(accepted(buFrame([], 256))).toBe(true);
  });

  it('a Home Address option off its 8n+6 alignment is the dissector\'s', () => {
    const data = buFrame([]);
    // Ethernet 14 + IPv6 40: the Destination Options header is [next, 2, PadN 1 2 0 0, 201 16 address]; move the option to offset 2.
    const d = 14 + 40;
    expect([data[d + 2], data[d + 6], data[d + 7]]).toEqual([1, 201, 16]);
    const moved = data.slice();
    moved.set(data.subarray(d + 6, d + 24), d + 2);
    moved.set([1, 2, 0, 0], d + 20);
    expect(accepted(data)).toBe(true);
    expect(accepted(moved)).toBe(false);
  });

  it('an unprotected Mobility Header with a wrong Payload Proto, Header Len or option length, or a type 2 routing header with 2 segments left, is the dissector\'s', () => {
    const bu = ethernet(ROUTER_MAC, haMac(1), ETHERTYPE_IPV6, ipv6({
      src: mnCareOf(1), dst: haAddress(1), extensions: [homeAddressOption(mnHome(1))],
      payload: mobility(bindingUpdate({ sequence: 7, flags: { A: true, H: true }, lifetimeUnits: 150 })),
    }));
    const ba = ethernet(haMac(1), ROUTER_MAC, ETHERTYPE_IPV6, ipv6({
      src: haAddress(1), dst: mnCareOf(1), extensions: [routingType2(mnHome(1))],
      payload: mobility({ ...bindingAck({ status: 0, sequence: 7, lifetimeUnits: 150 }), options: [bindingRefreshAdvice(0)] }),
    }));
    // Ethernet 14, IPv6 40, then 24 bytes of Destination Options or routing header: the Mobility Header at 78.
    const mh = 14 + 40 + 24;
    expect([bu[mh], bu[mh + 1], ba[mh + 1], ba[mh + 12], ba[mh + 13]]).toEqual([59, 1, 1, 2, 2]);
    expect(accepted(bu)).toBe(true);
    expect(accepted(ba)).toBe(true);
    expect(accepted(mended(bu, mh, 58))).toBe(false);
    expect(accepted(mended(bu, mh + 1, 2))).toBe(false);
    // Length 0: the interval's two zero bytes would read as Pad1 options.
    expect(accepted(mended(ba, mh + 13, 0))).toBe(false);
    expect(accepted(mended(ba, 14 + 40 + 3, 2))).toBe(false);
    expect(accepted(mended(ba, 14 + 40 + 3, 0))).toBe(true);
  });

  it('an ESP payload the NULL heuristic would take as UDP at a shorter ICV is the dissector\'s', () => {
    // HA-to-HA Hello under ESP with a 16-byte ICV. At the 12-byte ICV the heuristic tries first, the trailer falls
    // inside the real ICV: make it read Pad Length 0, Next Header 17, and choose the Hello's sequence number so the
    // Mobility Header's checksum reads as that UDP datagram's length (22).
    const src = ipv6Address(haAddress(1));
    const dst = ipv6Address(haAddress(2));
    let mh: Uint8Array | null = null;
    for (let seq = 0; seq < 0x10000 && mh === null; seq++) {
      const m = mobilityHeader(homeAgentHello({ sequence: seq, preference: 10, lifetime: 3, helloInterval: 1, groupId: 7, active: true }), { src, dst });
      if (m[4] === 0 && m[5] === 22) mh = m;
    }
    expect(mh?.length).toBe(16);
    const icv = new Uint8Array(16).fill(0xaa);
    icv[2] = 0;
    icv[3] = 17;
    const esp = concat(Uint8Array.of(0x20, 0, 0, 1, 0, 0, 0, 1), mh!, Uint8Array.of(1, 2, 2, 135), icv);
    const data = ethernet(haMac(1), haMac(2), ETHERTYPE_IPV6, ipv6({ src, dst, nextHeader: 50, payload: esp }));
    const twin = new Twin();
    expect(twin.frame(frameOf(data))).toBeNull();
    // The dissector took it as UDP; with the ICV's two bytes put back, as the Hello it is, and so do the facts.
    expect(twin.ctx.tree.first(fieldByAbbrev('udp')!)).toBeGreaterThanOrEqual(0);
    const plain = data.slice();
    plain[plain.length - 13] = 0xaa;
    expect(accepted(plain)).toBe(true);
  });
});

describe('read with summary lines from the bytes', () => {
  const bin = fileURLToPath(new URL('../../bin/mip6scope.js', import.meta.url));
  const read = (...args: string[]): string => {
    const r = spawnSync(process.execPath, [bin, 'read', ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 1 << 26 });
    expect(r.status).toBe(0);
    return r.stdout;
  };

  it('prints what it prints with every frame dissected (-Y frame), on every sample and with a -t format', () => {
    const all = [...SAMPLES, workload];
    const out = read(...all);
    expect(out.split('\n').length).toBeGreaterThan(20_000);
    expect(out).toBe(read('-Y', 'frame', ...all));
    expect(read('-t', 'ad', ...SAMPLES)).toBe(read('-t', 'ad', '-Y', 'frame', ...SAMPLES));
    // A capture whose first frame is printed from its bytes: the times are still relative to it.
    expect(read(workload)).toBe(read('-Y', 'frame', workload));
  });
});

describe('lint with facts from the bytes', () => {
  async function lint(files: string[], opts: Partial<LintOptions> = {}): Promise<unknown> {
    let out = '';
    await lintMain(files, { failOn: 'never', format: 'json', jobs: '1', ...opts } as LintOptions, { out: (s) => { out += s; }, err: () => {}, terminal: { stdoutIsTTY: false, env: {} } });
    return JSON.parse(out);
  }

  it('reports what it reports with every frame dissected (-Y frame), on every sample and merged', async () => {
    for (const s of SAMPLES) expect(await lint([s]), s).toEqual(await lint([s], { displayFilter: 'frame' }));
    const two = [samplePath('maintenance-switch.pcapng'), samplePath('bad-no-backoff.pcapng')];
    expect(await lint(two)).toEqual(await lint(two, { displayFilter: 'frame' }));
  });
});
