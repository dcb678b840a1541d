/**
 * Test packets for the draft dissectors written by hand: an IPv6 header with
 * chosen addresses and hop limit around an upper layer whose checksum is filled
 * in here (RFC 8200 8.1), so the hex in the tests shows only the fields under test.
 */
import type { Frame } from '../../../src/capture/frame.js';
import { createDissector, dissectFrame, type DissectContext } from '../../../src/dissect/index.js';
import type { Tree } from '../../../src/dissect/tree.js';
import { buildProfile, type ProfileOverrides } from '../../../src/profile/profile.js';
import { hex } from '../mh/helpers.js';

export { hex };

export const LINKTYPE_RAW = 101;

/** Addresses as 32 hex digits. */
export const ADDR = {
  ha1: '20010db80001000000000000000000a1',
  ha2: '20010db80001000000000000000000a2',
  ll1: 'fe8000000000000000000000000000a1',
  ll2: 'fe8000000000000000000000000000a2',
  vrrpGroup: 'ff020000000000000000000000000012',
} as const;

export const PROTO = { mh: 135, icmpv6: 58, vrrp: 112 } as const;
const CHECKSUM_AT: Record<number, number> = { 135: 4, 58: 2, 112: 6 };

/** IPv6 header + upper layer, with the upper layer's checksum computed over the pseudo-header. */
export function ip6(src: string, dst: string, nextHeader: number, upper: Uint8Array, hopLimit = 255, fixChecksum = true): Uint8Array {
  const s = hex(src.padStart(32, '0'));
  const d = hex(dst.padStart(32, '0'));
  const out = new Uint8Array(40 + upper.length);
  out.set([0x60, 0, 0, 0, upper.length >> 8, upper.length & 0xff, nextHeader, hopLimit]);
  out.set(s, 8);
  out.set(d, 24);
  out.set(upper, 40);
  const at = CHECKSUM_AT[nextHeader];
  if (fixChecksum && at !== undefined) {
    const u = out.subarray(40);
    u[at] = u[at + 1] = 0;
    let sum = 0;
    const add = (b: Uint8Array): void => {
      for (let i = 0; i < b.length; i += 2) sum += (b[i]! << 8) | (b[i + 1] ?? 0);
    };
    add(s);
    add(d);
    sum += (u.length >>> 16) + (u.length & 0xffff) + nextHeader;
    add(u);
    while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
    const c = ~sum & 0xffff;
    u[at] = c >> 8;
    u[at + 1] = c & 0xff;
  }
  return out;
}

/** A Mobility Header (hex) between two global home agent addresses. */
export function mhPacket(text: string): Uint8Array {
  return ip6(ADDR.ha1, ADDR.ha2, PROTO.mh, hex(text), 64);
}

/** An ICMPv6 message (hex) between two link-local addresses unless others are given. */
export function icmpPacket(text: string, src: string = ADDR.ll1, dst: string = ADDR.ll2): Uint8Array {
  return ip6(src, dst, PROTO.icmpv6, hex(text));
}

const contexts = new Map<string, DissectContext>();

/** A dissector for a profile (cached per overrides, since building one registers the name tables). */
export function dissectorFor(overrides: ProfileOverrides = {}): DissectContext {
  const key = JSON.stringify(overrides);
  let c = contexts.get(key);
  if (!c) {
    c = createDissector(buildProfile(overrides));
    contexts.set(key, c);
  }
  return c;
}

export function dissect(data: Uint8Array, ctx: DissectContext = dissectorFor()): Tree {
  const frame: Frame = { number: 1, tsSec: 0, tsNsec: 0, linktype: LINKTYPE_RAW, caplen: data.length, len: data.length, data, interfaceId: 0, comments: null };
  dissectFrame(ctx, frame);
  return ctx.tree;
}

// Field readers shared with the MH dissector tests.
export { groups, info, value, values } from '../mh/helpers.js';
