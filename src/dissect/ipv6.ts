/**
 * IPv6 (RFC 8200) and its extension header chain: hop-by-hop, destination options
 * (Home Address option, RFC 6275 6.3), routing (type 2, RFC 6275 6.4), fragment
 * (reassembled so a fragmented Mobility Header is dissected), AH (shown, skipped),
 * no next header; everything else is handed on by Next Header number.
 */
import { u16, u32 } from './bytes.js';
import type { DissectContext } from './context.js';
import { registerIpProtocol } from './context.js';
import { defineAlias, defineFields, FT } from './fields.js';

export const IP_PROTOCOLS: Record<number, string> = {
  0: 'IPv6 Hop-by-Hop Option', 1: 'ICMP', 4: 'IPv4', 6: 'TCP', 17: 'UDP', 41: 'IPv6', 43: 'Routing Header for IPv6',
  44: 'Fragment Header for IPv6', 50: 'Encap Security Payload', 51: 'Authentication Header', 58: 'ICMPv6',
  59: 'IPv6 No Next Header', 60: 'Destination Options for IPv6', 112: 'VRRP', 135: 'Mobility Header',
};

export const ipv6Fields = defineFields('ipv6', {
  _root: { abbrev: 'ipv6', name: 'Internet Protocol Version 6', type: FT.Protocol },
  version: { name: 'Version', type: FT.UInt },
  tclass: { name: 'Traffic Class', type: FT.UInt, hex: 2, dumpHex: 8 },
  flow: { name: 'Flow Label', type: FT.UInt, hex: 5, dumpHex: 6 },
  plen: { name: 'Payload Length', type: FT.UInt, unit: 'bytes' },
  nxt: { name: 'Next Header', type: FT.UInt, vals: IP_PROTOCOLS },
  hlim: { name: 'Hop Limit', type: FT.UInt },
  src: { name: 'Source Address', type: FT.IPv6 },
  dst: { name: 'Destination Address', type: FT.IPv6 },
  addr: { name: 'Source or Destination Address', type: FT.IPv6, blurb: 'matches either end (hidden)' },
  home_address: { abbrev: 'ipv6.home_address', name: 'Home Address', type: FT.IPv6, blurb: 'from the Home Address option or type 2 routing header' },
  // Extension headers.
  hopopts: { name: 'IPv6 Hop-by-Hop Option', type: FT.Protocol },
  dstopts: { name: 'Destination Options for IPv6', type: FT.Protocol },
  'ext.nxt': { abbrev: 'ipv6.ext.nxt', name: 'Next Header', type: FT.UInt, vals: IP_PROTOCOLS },
  'ext.len': { abbrev: 'ipv6.ext.len', name: 'Length', type: FT.UInt, blurb: '8-octet units, not counting the first 8' },
  opt: { name: 'Option', type: FT.Protocol, vals: { 0: 'Pad1', 1: 'PadN', 5: 'Router Alert', 194: 'Jumbo Payload', 201: 'Home Address' } },
  'opt.type': { abbrev: 'ipv6.opt.type', name: 'Type', type: FT.UInt, hex: 2 },
  'opt.length': { abbrev: 'ipv6.opt.length', name: 'Length', type: FT.UInt },
  'opt.mipv6.hoa': { abbrev: 'ipv6.opt.mipv6.hoa', name: 'Home Address', type: FT.IPv6 },
  routing: { name: 'Routing Header for IPv6', type: FT.Protocol },
  'routing.type': { abbrev: 'ipv6.routing.type', name: 'Type', type: FT.UInt, vals: { 0: 'Source Route', 2: 'Type 2 Routing (Mobile IPv6)', 3: 'RPL', 4: 'Segment Routing' } },
  'routing.segleft': { abbrev: 'ipv6.routing.segleft', name: 'Segments Left', type: FT.UInt },
  'routing.mipv6.home_address': { abbrev: 'ipv6.routing.mipv6.home_address', name: 'Home Address', type: FT.IPv6 },
  'routing.data': { abbrev: 'ipv6.routing.data', name: 'Type-specific data', type: FT.Bytes },
  fraghdr: { name: 'Fragment Header for IPv6', type: FT.Protocol },
  'fraghdr.offset': { abbrev: 'ipv6.fraghdr.offset', name: 'Offset', type: FT.UInt, unit: 'bytes' },
  'fraghdr.more': { abbrev: 'ipv6.fraghdr.more', name: 'More Fragments', type: FT.Bool },
  'fraghdr.ident': { abbrev: 'ipv6.fraghdr.ident', name: 'Identification', type: FT.UInt, hex: 8 },
  reassembled_in: { abbrev: 'ipv6.reassembled_in', name: 'Reassembled in', type: FT.UInt },
  'reassembled.length': { abbrev: 'ipv6.reassembled.length', name: 'Reassembled Length', type: FT.UInt },
  'reassembled.count': { abbrev: 'ipv6.fragment.count', name: 'Fragment count', type: FT.UInt },
  data: { abbrev: 'data', name: 'Data', type: FT.Bytes },
});
// Wireshark's name for the Home Address option's address.
defineAlias('ipv6.opt.mipv6.home_address', ipv6Fields['opt.mipv6.hoa']);

export const ahFields = defineFields('ah', {
  _root: { abbrev: 'ah', name: 'Authentication Header', type: FT.Protocol },
  next_header: { name: 'Next header', type: FT.UInt, vals: IP_PROTOCOLS },
  length: { name: 'Length', type: FT.UInt },
  spi: { name: 'AH SPI', type: FT.UInt, hex: 8 },
  sequence: { name: 'AH Sequence', type: FT.UInt },
  icv: { name: 'AH ICV', type: FT.Bytes },
});

/** Fragment sets older than this (seconds) are dropped (RFC 8200 4.5: 60 s). */
const REASSEMBLY_TIMEOUT = 60;
/** Bounded reassembly state: never hold more than this many pending sets. */
const MAX_PENDING = 1024;

/** Dissect an IPv6 header at buffers[buf][off..end). */
export function dissectIpv6(ctx: DissectContext, buf: number, off: number, end: number, parent: number): void {
  const tree = ctx.tree;
  const b = tree.buffers[buf]!;
  if (end - off < 40) {
    const r = tree.add(parent, ipv6Fields._root, buf, off, end - off);
    tree.note(r, 'error', 'ipv6.short', `IPv6 header truncated: ${end - off} of 40 bytes`);
    tree.protocol = 'IPv6';
    return;
  }
  const vtf = u32(b, off);
  const plen = u16(b, off + 4);
  let nh = b[off + 6]!;
  const root = tree.add(parent, ipv6Fields._root, buf, off, 40);
  tree.add(root, ipv6Fields.version, buf, off, 1, vtf >>> 28);
  tree.add(root, ipv6Fields.tclass, buf, off, 2, (vtf >>> 20) & 0xff);
  tree.add(root, ipv6Fields.flow, buf, off + 1, 3, vtf & 0xfffff);
  tree.add(root, ipv6Fields.plen, buf, off + 4, 2, plen);
  tree.add(root, ipv6Fields.nxt, buf, off + 6, 1, nh);
  tree.add(root, ipv6Fields.hlim, buf, off + 7, 1, b[off + 7]!);
  const src = tree.add(root, ipv6Fields.src, buf, off + 8, 16);
  const dst = tree.add(root, ipv6Fields.dst, buf, off + 24, 16);
  const a1 = tree.add(root, ipv6Fields.addr, buf, off + 8, 16);
  const a2 = tree.add(root, ipv6Fields.addr, buf, off + 24, 16);
  if (a1 >= 0) tree.flags[a1] |= 2;
  if (a2 >= 0) tree.flags[a2] |= 2;
  if (vtf >>> 28 !== 6) tree.note(root, 'error', 'ipv6.version', `version ${vtf >>> 28}, expected 6`);
  tree.srcItem = src;
  tree.dstItem = dst;
  tree.lastIpv6Src = src;
  tree.lastIpv6Dst = dst;
  tree.protocol = 'IPv6';
  ctx.ipVersion = 6;
  ctx.ipSrcBuf = ctx.pseudoSrcBuf = buf;
  ctx.ipSrcOff = ctx.pseudoSrcOff = off + 8;
  ctx.ipDstBuf = ctx.pseudoDstBuf = buf;
  ctx.ipDstOff = ctx.pseudoDstOff = off + 24;
  ctx.homeAddrOff = -1;
  ctx.depth++;

  // The payload ends where Payload Length says, unless the capture is shorter (a note says so).
  let stop = off + 40 + plen;
  if (plen === 0 && nh === 0) stop = end; // jumbogram: the length is in the hop-by-hop option
  if (stop > end) {
    tree.note(root, 'warning', 'ipv6.plen', `Payload Length ${plen} runs past the captured data (${end - off - 40} bytes)`);
    stop = end;
  }
  extensionChain(ctx, nh, buf, off, buf, off + 40, stop, root, parent);
}

/**
 * Walk the extension headers (RFC 8200 4.1) from `start` in buffers[buf] and hand
 * the rest on. `ipBuf`/`ipOff` locate the IPv6 header the chain belongs to
 * (the fragment key); after reassembly the chain continues in the new buffer,
 * since RFC 8200 4.5 puts Destination Options in the fragmentable part.
 */
function extensionChain(ctx: DissectContext, first: number, ipBuf: number, ipOff: number, buf: number, start: number, stop: number, root: number, parent: number): void {
  const tree = ctx.tree;
  const b = tree.buffers[buf]!;
  let nh = first;
  let o = start;
  for (let guard = 0; guard < 64; guard++) {
    if (nh === 0 || nh === 60) {
      if (stop - o < 8) { tree.note(root, 'error', 'ipv6.ext.short', 'extension header truncated'); return; }
      const len = (b[o + 1]! + 1) * 8;
      const h = tree.add(parent, nh === 0 ? ipv6Fields.hopopts : ipv6Fields.dstopts, buf, o, Math.min(len, stop - o));
      const next = b[o]!;
      tree.add(h, ipv6Fields['ext.nxt'], buf, o, 1, next);
      tree.add(h, ipv6Fields['ext.len'], buf, o + 1, 1, b[o + 1]!);
      if (o + len > stop) { tree.note(h, 'error', 'ipv6.ext.short', `extension header of ${len} bytes runs past the packet`); return; }
      tlvOptions(ctx, buf, o + 2, o + len, h);
      nh = next;
      o += len;
      continue;
    }
    if (nh === 43) {
      if (stop - o < 8) { tree.note(root, 'error', 'ipv6.ext.short', 'routing header truncated'); return; }
      const len = (b[o + 1]! + 1) * 8;
      const h = tree.add(parent, ipv6Fields.routing, buf, o, Math.min(len, stop - o));
      const next = b[o]!;
      const rtype = b[o + 2]!;
      const segleft = b[o + 3]!;
      tree.add(h, ipv6Fields['ext.nxt'], buf, o, 1, next);
      tree.add(h, ipv6Fields['ext.len'], buf, o + 1, 1, b[o + 1]!);
      tree.add(h, ipv6Fields['routing.type'], buf, o + 2, 1, rtype);
      tree.add(h, ipv6Fields['routing.segleft'], buf, o + 3, 1, segleft);
      if (o + len > stop) { tree.note(h, 'error', 'ipv6.ext.short', `routing header of ${len} bytes runs past the packet`); return; }
      if (rtype === 2) {
        // RFC 6275 6.4: Hdr Ext Len 2, Segments Left 1, 4 reserved bytes, the home address.
        if (b[o + 1] !== 2) tree.note(h, 'error', 'ipv6.routing.type2', `type 2 routing header length ${b[o + 1]}, must be 2`);
        if (segleft !== 1 && segleft !== 0) tree.note(h, 'error', 'ipv6.routing.type2', `type 2 routing header with Segments Left ${segleft}, must be 1`);
        if (len >= 24) {
          tree.add(h, ipv6Fields['routing.mipv6.home_address'], buf, o + 8, 16);
          tree.add(h, ipv6Fields.home_address, buf, o + 8, 16);
          ctx.homeAddrBuf = buf;
          ctx.homeAddrOff = o + 8;
          // The upper-layer checksum uses the final destination: the home address (RFC 6275 6.4).
          if (segleft > 0) { ctx.pseudoDstBuf = buf; ctx.pseudoDstOff = o + 8; }
        }
      } else {
        tree.add(h, ipv6Fields['routing.data'], buf, o + 4, len - 4);
        // Type 0 carries addresses; with segments left, the final destination is the last one.
        if (rtype === 0 && segleft > 0 && len >= 24) {
          ctx.pseudoDstBuf = buf;
          ctx.pseudoDstOff = o + len - 16;
        }
      }
      nh = next;
      o += len;
      continue;
    }
    if (nh === 44) {
      dissectFragment(ctx, ipBuf, ipOff, buf, o, stop, root, parent);
      return;
    }
    if (nh === 51) {
      if (stop - o < 12) { tree.note(root, 'error', 'ipv6.ext.short', 'AH truncated'); return; }
      const len = (b[o + 1]! + 2) * 4; // RFC 4302 2.2: in 4-octet units minus 2
      const h = tree.add(parent, ahFields._root, buf, o, Math.min(len, stop - o));
      const next = b[o]!;
      tree.add(h, ahFields.next_header, buf, o, 1, next);
      tree.add(h, ahFields.length, buf, o + 1, 1, b[o + 1]!);
      tree.add(h, ahFields.spi, buf, o + 4, 4, u32(b, o + 4));
      tree.add(h, ahFields.sequence, buf, o + 8, 4, u32(b, o + 8));
      if (o + len > stop) { tree.note(h, 'error', 'ipv6.ext.short', `AH of ${len} bytes runs past the packet`); return; }
      tree.add(h, ahFields.icv, buf, o + 12, len - 12);
      tree.protocol = 'AH';
      nh = next;
      o += len;
      continue;
    }
    break;
  }
  upperLayer(ctx, nh, buf, o, stop, parent);
}

/** Hand the payload to the registered dissector for `nh`, or show it as data. */
export function upperLayer(ctx: DissectContext, nh: number, buf: number, off: number, end: number, parent: number): void {
  const tree = ctx.tree;
  if (nh === 59) return; // No Next Header: nothing follows (RFC 8200 4.7)
  const d = ctx.ipProto[nh];
  if (d) {
    d(ctx, buf, off, end, parent);
    return;
  }
  if (end > off) {
    tree.add(parent, ipv6Fields.data, buf, off, end - off);
    tree.protocol = IP_PROTOCOLS[nh] ?? `IP proto ${nh}`;
  }
}

/** Hop-by-hop / destination options (RFC 8200 4.2), with the Home Address option (RFC 6275 6.3). */
function tlvOptions(ctx: DissectContext, buf: number, off: number, end: number, parent: number): void {
  const tree = ctx.tree;
  const b = tree.buffers[buf]!;
  let o = off;
  while (o < end) {
    const t = b[o]!;
    if (t === 0) { o++; continue; } // Pad1
    if (o + 2 > end) { tree.note(parent, 'error', 'ipv6.opt.short', 'option truncated'); return; }
    const len = b[o + 1]!;
    if (o + 2 + len > end) { tree.note(parent, 'error', 'ipv6.opt.short', `option type ${t} of length ${len} runs past its header`); return; }
    const it = tree.add(parent, ipv6Fields.opt, buf, o, 2 + len, t);
    tree.add(it, ipv6Fields['opt.type'], buf, o, 1, t);
    tree.add(it, ipv6Fields['opt.length'], buf, o + 1, 1, len);
    if (t === 201) {
      if (len !== 16) tree.note(it, 'error', 'ipv6.opt.hoa', `Home Address option length ${len}, must be 16`);
      else {
        // RFC 6275 6.3: alignment 8n+6.
        if ((o - (off - 2)) % 8 !== 6) tree.note(it, 'warning', 'ipv6.opt.hoa', 'Home Address option not at 8n+6 alignment');
        tree.add(it, ipv6Fields['opt.mipv6.hoa'], buf, o + 2, 16);
        tree.add(it, ipv6Fields.home_address, buf, o + 2, 16);
        ctx.homeAddrBuf = ctx.pseudoSrcBuf = buf;
        ctx.homeAddrOff = ctx.pseudoSrcOff = o + 2;
      }
    }
    o += 2 + len;
  }
}

/** Fragment header (RFC 8200 4.5); reassembles and dissects the whole packet on its last fragment. */
function dissectFragment(ctx: DissectContext, ipBuf: number, ipOff: number, buf: number, o: number, stop: number, root: number, parent: number): void {
  const tree = ctx.tree;
  const b = tree.buffers[buf]!;
  const ip = tree.buffers[ipBuf]!;
  if (stop - o < 8) { tree.note(root, 'error', 'ipv6.ext.short', 'fragment header truncated'); return; }
  const next = b[o]!;
  const offMore = u16(b, o + 2);
  const fragOffset = offMore & 0xfff8;
  const more = (offMore & 1) === 1;
  const ident = u32(b, o + 4);
  const h = tree.add(parent, ipv6Fields.fraghdr, buf, o, 8);
  tree.add(h, ipv6Fields['ext.nxt'], buf, o, 1, next);
  tree.add(h, ipv6Fields['fraghdr.offset'], buf, o + 2, 2, fragOffset);
  tree.add(h, ipv6Fields['fraghdr.more'], buf, o + 3, 1, more ? 1 : 0);
  tree.add(h, ipv6Fields['fraghdr.ident'], buf, o + 4, 4, ident);
  const payload = o + 8;
  tree.protocol = 'IPv6';
  if (fragOffset === 0 && !more) {
    // An atomic fragment (RFC 6946): the payload is whole.
    upperLayer(ctx, next, buf, payload, stop, parent);
    return;
  }
  if (!ctx.options.reassemble) {
    tree.add(parent, ipv6Fields.data, buf, payload, stop - payload);
    return;
  }
  // Key by source, destination and identification. Fragmented signalling is rare, so a string key is fine here.
  let key = `${ident}`;
  for (let i = 8; i < 40; i++) key += `.${ip[ipOff + i]}`;
  const now = ctx.frameTime;
  for (const [k, set] of ctx.fragments) if (now - set.firstSeen > REASSEMBLY_TIMEOUT) ctx.fragments.delete(k);
  let set = ctx.fragments.get(key);
  if (!set) {
    if (ctx.fragments.size >= MAX_PENDING) ctx.fragments.delete(ctx.fragments.keys().next().value!);
    set = { parts: [], total: -1, firstSeen: now, nextHeader: next };
    ctx.fragments.set(key, set);
  }
  set.parts.push({ offset: fragOffset, data: b.slice(payload, stop), frame: ctx.frameNumber });
  if (fragOffset === 0) set.nextHeader = next;
  if (!more) set.total = fragOffset + (stop - payload);
  tree.add(parent, ipv6Fields.data, buf, payload, stop - payload);
  if (set.total < 0) { tree.info = fragmentInfo; tree.infoItem = h; return; }
  // Complete when the parts cover 0..total without holes.
  const parts = set.parts.slice().sort((x, y) => x.offset - y.offset);
  let covered = 0;
  for (const p of parts) {
    if (p.offset > covered) { tree.info = fragmentInfo; tree.infoItem = h; return; }
    covered = Math.max(covered, p.offset + p.data.length);
  }
  if (covered < set.total) { tree.info = fragmentInfo; tree.infoItem = h; return; }
  const whole = new Uint8Array(set.total);
  for (const p of parts) whole.set(p.data.subarray(0, Math.max(0, Math.min(p.data.length, set.total - p.offset))), p.offset);
  ctx.fragments.delete(key);
  const rb = tree.addBuffer(whole, 'Reassembled IPv6');
  tree.addGenerated(h, ipv6Fields['reassembled.length'], set.total);
  tree.addGenerated(h, ipv6Fields['reassembled.count'], parts.length);
  tree.addGenerated(h, ipv6Fields.reassembled_in, ctx.frameNumber);
  // The reassembled data may still start with extension headers (Destination
  // Options carrying the Home Address option, RFC 8200 4.5), so walk them too.
  extensionChain(ctx, set.nextHeader, ipBuf, ipOff, rb, 0, whole.length, root, parent);
}

function fragmentInfo(tree: import('./tree.js').Tree, item: number): string {
  const off = tree.firstWithin(ipv6Fields['fraghdr.offset'], item);
  const id = tree.firstWithin(ipv6Fields['fraghdr.ident'], item);
  return `IPv6 fragment (off=${off >= 0 ? tree.value[off] : '?'} id=0x${id >= 0 ? tree.value[id]!.toString(16) : '?'})`;
}

registerIpProtocol(41, dissectIpv6);
