/**
 * Dissection never throws: random frames on every link type, and random
 * mutations (byte flips, truncation) of real packets from the samples, the
 * tcpdump captures (with their keys, so decryption paths run) and crafted
 * Mobile IPv6 / ICMPv6 / ESP packets.
 */
import fc from 'fast-check';
import { existsSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCapture } from '../../src/capture/open.js';
import {
  bindingUpdate, dhaadReply, espNullAround, homeAddressOption, homeAgentInformationOption, icmpv6, ipv6, mobility, parameterProblem,
  routerAdvertisement, routingType2,
} from '../../src/craft/index.js';
import { dissectFrame } from '../../src/dissect/index.js';
import { loadSaFile, SaTable } from '../../src/esp/index.js';
import { hasPeer, makeFrame, newCtx, PEER, SAMPLES } from './helpers.js';

const LINK_TYPES = [0, 1, 12, 14, 101, 108, 113, 228, 229, 276];

/** Frames of a capture, copied (the reader reuses its buffer). */
function framesOf(path: string): { linktype: number; data: Uint8Array }[] {
  const r = openCapture(path);
  const out: { linktype: number; data: Uint8Array }[] = [];
  try {
    for (let f = r.next(); f !== null; f = r.next()) out.push({ linktype: f.linktype, data: Uint8Array.from(f.data) });
  } finally {
    r.close();
  }
  return out;
}

function corpus(): { linktype: number; data: Uint8Array }[] {
  const out: { linktype: number; data: Uint8Array }[] = [];
  for (const f of readdirSync(SAMPLES).filter((n) => n.endsWith('.pcapng'))) out.push(...framesOf(resolve(SAMPLES, f)).slice(0, 12));
  if (hasPeer) for (const f of readdirSync(PEER).filter((n) => n.endsWith('.pcap'))) out.push(...framesOf(resolve(PEER, f)).slice(0, 3));
  const HOA = '2001:db8:1::1000';
  const COA = '2001:db8:99::1';
  const HA = '2001:db8:1::a1';
  const bu = mobility(bindingUpdate({ sequence: 1, lifetimeUnits: 4 }));
  const crafted = [
    ipv6({ src: COA, dst: HA, extensions: [homeAddressOption(HOA)], payload: espNullAround(bu, { spi: 0x1000, seq: 1, icvLength: 16 }) }),
    ipv6({ src: HA, dst: COA, extensions: [routingType2(HOA)], payload: espNullAround(bu, { spi: 0x1001, seq: 2 }) }),
    ipv6({ src: 'fe80::1', dst: 'ff02::1', payload: icmpv6(routerAdvertisement({ flags: { H: true, A: true }, routerLifetime: 9, options: [homeAgentInformationOption(1, 2)] })) }),
    ipv6({ src: HA, dst: COA, payload: icmpv6(dhaadReply(3, [HA, HOA])) }),
    ipv6({ src: HA, dst: COA, payload: icmpv6(parameterProblem(0, 6, ipv6({ src: COA, dst: HA, payload: bu }))) }),
  ];
  for (const c of crafted) out.push({ linktype: 229, data: c });
  return out;
}

function ctxWithKeys() {
  const ctx = newCtx();
  if (hasPeer && existsSync(resolve(PEER, 'esp-secrets.txt'))) {
    const t = new SaTable();
    for (const s of loadSaFile(resolve(PEER, 'esp-secrets.txt')).sas) t.add(s);
    ctx.saTable = t;
  }
  return ctx;
}

describe('dissection never throws', () => {
  it('random frames on every link type', () => {
    const ctx = ctxWithKeys();
    fc.assert(
      fc.property(fc.constantFrom(...LINK_TYPES), fc.uint8Array({ maxLength: 300 }), (lt, data) => {
        dissectFrame(ctx, makeFrame(data, lt));
        expect(ctx.tree.count).toBeGreaterThan(0);
      }),
      { numRuns: 3000 },
    );
  });

  it('random frames that start like IPv6 or IPv4 get deep into the dissectors', () => {
    const ctx = ctxWithKeys();
    const nh = fc.constantFrom(0, 1, 4, 17, 41, 43, 44, 50, 51, 58, 59, 60, 135);
    fc.assert(
      fc.property(nh, fc.uint8Array({ minLength: 40, maxLength: 400 }), fc.boolean(), (next, data, v4) => {
        const d = Uint8Array.from(data);
        if (v4) { d[0] = 0x45; d[9] = next; d[2] = d.length >> 8; d[3] = d.length & 255; }
        else { d[0] = 0x60; d[6] = next; d[4] = (d.length - 40) >> 8; d[5] = (d.length - 40) & 255; }
        dissectFrame(ctx, makeFrame(d, 101));
      }),
      { numRuns: 3000 },
    );
  });

  it('random mutations of real packets', () => {
    const packets = corpus();
    expect(packets.length).toBeGreaterThan(20);
    const ctx = ctxWithKeys();
    fc.assert(
      fc.property(
        fc.nat(packets.length - 1),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
        fc.option(fc.nat(), { nil: undefined }),
        (which, flips, cut) => {
          const p = packets[which]!;
          const d = Uint8Array.from(p.data);
          for (const [at, v] of flips) if (d.length) d[at % d.length] = v;
          const data = cut === undefined || d.length === 0 ? d : d.subarray(0, cut % (d.length + 1));
          dissectFrame(ctx, makeFrame(data, p.linktype));
          // Outputs format the Info column later; that must not throw either.
          if (ctx.tree.info) ctx.tree.info(ctx.tree, ctx.tree.infoItem);
        },
      ),
      { numRuns: 4000 },
    );
  });
});
