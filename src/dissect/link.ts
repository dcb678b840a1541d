/**
 * The frame and its link layer: Ethernet (802.1Q / QinQ), Linux cooked SLL and
 * SLL2, raw IP, NULL/LOOP. Hands the network layer to IPv6 or IPv4 by number.
 */
import type { Frame } from '../capture/frame.js';
import { linkTypeName } from '../capture/linktypes.js';
import { u16, u32, u32le } from './bytes.js';
import type { DissectContext } from './context.js';
import { ETHERTYPES } from './ethertypes.js';
import { defineFields, FT } from './fields.js';
import { dissectNflog } from './nflog.js';
import { dissectRadiotap, dissectWlan } from './wlan.js';

export const frameFields = defineFields('frame', {
  number: { name: 'Frame Number', type: FT.UInt },
  len: { name: 'Frame Length', type: FT.UInt, unit: 'bytes' },
  cap_len: { name: 'Capture Length', type: FT.UInt, unit: 'bytes' },
  time_epoch: { name: 'Epoch Time', type: FT.UInt, unit: 's' },
  linktype: { name: 'Link Type', type: FT.UInt },
  comment: { name: 'Comment', type: FT.String },
  _root: { abbrev: 'frame', name: 'Frame', type: FT.Protocol },
});

export { ETHERTYPES };

export const ethFields = defineFields('eth', {
  _root: { abbrev: 'eth', name: 'Ethernet II', type: FT.Protocol },
  dst: { name: 'Destination', type: FT.Ether },
  src: { name: 'Source', type: FT.Ether },
  addr: { name: 'Address', type: FT.Ether, blurb: 'matches either end (hidden)' },
  type: { name: 'Type', type: FT.UInt, hex: 4, vals: ETHERTYPES },
});
export const vlanFields = defineFields('vlan', {
  _root: { abbrev: 'vlan', name: '802.1Q Virtual LAN', type: FT.Protocol },
  priority: { name: 'Priority', type: FT.UInt },
  id: { name: 'ID', type: FT.UInt },
  etype: { name: 'Type', type: FT.UInt, hex: 4, vals: ETHERTYPES },
});
export const sllFields = defineFields('sll', {
  _root: { abbrev: 'sll', name: 'Linux cooked capture', type: FT.Protocol },
  pkttype: { name: 'Packet type', type: FT.UInt, vals: { 0: 'Unicast to us', 1: 'Broadcast', 2: 'Multicast', 3: 'Unicast to another host', 4: 'Sent by us' } },
  hatype: { name: 'Link-layer address type', type: FT.UInt },
  halen: { name: 'Link-layer address length', type: FT.UInt },
  src_eth: { abbrev: 'sll.src.eth', name: 'Source', type: FT.Ether },
  etype: { name: 'Protocol', type: FT.UInt, hex: 4, vals: ETHERTYPES },
  ifindex: { name: 'Interface index', type: FT.UInt },
});
export const nullFields = defineFields('null', {
  _root: { abbrev: 'null', name: 'Null/Loopback', type: FT.Protocol },
  family: { name: 'Family', type: FT.UInt, vals: { 2: 'IP', 10: 'IPv6 (Linux)', 24: 'IPv6 (NetBSD/OpenBSD)', 28: 'IPv6 (FreeBSD/DragonFly)', 30: 'IPv6 (macOS)', 23: 'IPv6 (Windows/Winsock)', 26: 'IPv6 (Solaris)' } },
});

/** Every BSD/Linux/Windows AF_INET6 value seen in NULL/LOOP captures. */
const AF_INET6 = new Set([10, 23, 24, 26, 28, 30]);

function network(ctx: DissectContext, ethertype: number, buf: number, off: number, end: number, parent: number): void {
  if (ethertype === 0x86dd) ctx.ipProto[41]!(ctx, buf, off, end, parent);
  else if (ethertype === 0x0800) {
    const v4 = ctx.ipProto[4];
    if (v4) v4(ctx, buf, off, end, parent);
  }
}

/** The data source name of a packet comment's text (hexDump leaves these out: they are not packet bytes). */
export const COMMENT_SOURCE = 'Packet comment';
const commentEncoder = new TextEncoder();

/** The Protocol column's link-layer name for the last link type seen (a Map lookup saved per frame). */
let lastLinktype = -1;
let lastLinkName = '';

/** Dissect one frame into ctx.tree (which the caller has not reset). */
export function dissectFrame(ctx: DissectContext, frame: Frame): void {
  const tree = ctx.tree;
  const time = frame.tsSec + frame.tsNsec / 1e9;
  tree.reset(frame.data);
  ctx.beginPacket(frame.number, time);
  const end = frame.data.length;
  const root = tree.add(-1, frameFields._root, 0, 0, end);
  tree.addGenerated(root, frameFields.number, frame.number);
  tree.addGenerated(root, frameFields.time_epoch, time);
  tree.addGenerated(root, frameFields.len, frame.len);
  tree.addGenerated(root, frameFields.cap_len, frame.caplen);
  tree.addGenerated(root, frameFields.linktype, frame.linktype);
  // pcapng packet comments (opt_comment), as Wireshark's frame.comment: each its own data source, not shown in hex dumps.
  const comments = frame.comments;
  if (comments !== null) {
    for (let k = 0; k < comments.length; k++) {
      const text = commentEncoder.encode(comments[k]!);
      tree.add(root, frameFields.comment, tree.addBuffer(text, COMMENT_SOURCE), 0, text.length);
    }
  }
  const linktype = frame.linktype;
  if (linktype !== lastLinktype) {
    lastLinkName = linkTypeName(linktype);
    lastLinktype = linktype;
  }
  tree.protocol = lastLinkName;
  linkLayer(ctx, linktype, 0, 0, end);
}

/** The LINKTYPEs linkLayer() dissects (every other gets the link.unknown note); a test keeps the two in step. */
export const DISSECTED_LINKTYPES: ReadonlySet<number> = new Set([1, 113, 276, 0, 108, 101, 12, 14, 228, 229, 105, 127, 239]);
/** Those link types in words, for every message about a capture of another. */
export const DISSECTED_LINKTYPES_TEXT = 'Ethernet, Linux cooked (SLL/SLL2), raw IP, NULL/LOOP, 802.11 (radiotap) and NFLOG';

/** Dissect a link-layer header of the given LINKTYPE at buffers[buf][off..end). */
export function linkLayer(ctx: DissectContext, linktype: number, buf: number, off: number, end: number): void {
  const tree = ctx.tree;
  const b = tree.buffers[buf]!;
  switch (linktype) {
    case 1: { // Ethernet
      if (end - off < 14) { tree.note(-1, 'error', 'link.short', 'Ethernet header truncated'); return; }
      const eth = tree.add(-1, ethFields._root, buf, off, 14);
      tree.add(eth, ethFields.dst, buf, off, 6);
      tree.add(eth, ethFields.src, buf, off + 6, 6);
      // eth.addr, either end, hidden in the tree (as ipv6.addr).
      const a1 = tree.add(eth, ethFields.addr, buf, off, 6);
      const a2 = tree.add(eth, ethFields.addr, buf, off + 6, 6);
      if (a1 >= 0) tree.flags[a1] |= 2;
      if (a2 >= 0) tree.flags[a2] |= 2;
      let type = u16(b, off + 12);
      tree.add(eth, ethFields.type, buf, off + 12, 2, type);
      let o = off + 14;
      // 802.1Q, 802.1ad and the old QinQ tag, stacked any number of times.
      while ((type === 0x8100 || type === 0x88a8 || type === 0x9100) && end - o >= 4) {
        const tci = u16(b, o);
        type = u16(b, o + 2);
        const v = tree.add(-1, vlanFields._root, buf, o, 4);
        tree.add(v, vlanFields.priority, buf, o, 2, tci >> 13);
        tree.add(v, vlanFields.id, buf, o, 2, tci & 0xfff);
        tree.add(v, vlanFields.etype, buf, o + 2, 2, type);
        o += 4;
      }
      tree.protocol = 'Ethernet';
      network(ctx, type, buf, o, end, -1);
      return;
    }
    case 113: { // Linux cooked v1: 16-byte header
      if (end - off < 16) { tree.note(-1, 'error', 'link.short', 'Linux cooked header truncated'); return; }
      const s = tree.add(-1, sllFields._root, buf, off, 16);
      tree.add(s, sllFields.pkttype, buf, off, 2, u16(b, off));
      tree.add(s, sllFields.hatype, buf, off + 2, 2, u16(b, off + 2));
      tree.add(s, sllFields.halen, buf, off + 4, 2, u16(b, off + 4));
      if (u16(b, off + 4) === 6) tree.add(s, sllFields.src_eth, buf, off + 6, 6);
      const type = u16(b, off + 14);
      tree.add(s, sllFields.etype, buf, off + 14, 2, type);
      tree.protocol = 'SLL';
      network(ctx, type, buf, off + 16, end, -1);
      return;
    }
    case 276: { // Linux cooked v2: 20-byte header, protocol first
      if (end - off < 20) { tree.note(-1, 'error', 'link.short', 'Linux cooked v2 header truncated'); return; }
      const s = tree.add(-1, sllFields._root, buf, off, 20);
      const type = u16(b, off);
      tree.add(s, sllFields.etype, buf, off, 2, type);
      tree.add(s, sllFields.ifindex, buf, off + 4, 4, u32(b, off + 4));
      tree.add(s, sllFields.hatype, buf, off + 8, 2, u16(b, off + 8));
      tree.add(s, sllFields.pkttype, buf, off + 10, 1, b[off + 10]!);
      tree.add(s, sllFields.halen, buf, off + 11, 1, b[off + 11]!);
      if (b[off + 11] === 6) tree.add(s, sllFields.src_eth, buf, off + 12, 6);
      tree.protocol = 'SLL2';
      network(ctx, type, buf, off + 20, end, -1);
      return;
    }
    case 0: case 108: { // NULL (host byte order) and LOOP (network byte order) 4-byte family
      if (end - off < 4) { tree.note(-1, 'error', 'link.short', 'loopback header truncated'); return; }
      let fam = linktype === 108 ? u32(b, off) : u32le(b, off);
      // NULL is in the capturing host's order: a big-endian host's value shows up byte-swapped.
      if (linktype === 0 && fam > 0xffff) fam = u32(b, off);
      const n = tree.add(-1, nullFields._root, buf, off, 4);
      tree.add(n, nullFields.family, buf, off, 4, fam);
      if (AF_INET6.has(fam)) network(ctx, 0x86dd, buf, off + 4, end, -1);
      else if (fam === 2) network(ctx, 0x0800, buf, off + 4, end, -1);
      else tree.note(n, 'warning', 'link.family', `address family ${fam} is not IP`);
      return;
    }
    case 101: case 12: case 14: case 228: case 229: { // raw IP (101; 12 and 14 are platform aliases; 228 IPv4, 229 IPv6)
      if (end - off < 1) return;
      const version = b[off]! >> 4;
      network(ctx, version === 6 ? 0x86dd : version === 4 ? 0x0800 : 0, buf, off, end, -1);
      if (version !== 6 && version !== 4) tree.note(-1, 'error', 'link.version', `raw IP packet with version ${version}`);
      return;
    }
    case 105: // 802.11 without a radiotap header (no FCS, as Wireshark assumes by default)
      dissectWlan(ctx, buf, off, end, false, network);
      return;
    case 127: // radiotap, then 802.11
      dissectRadiotap(ctx, buf, off, end, network);
      return;
    case 239: // Linux netfilter NFLOG: a logged IP packet
      dissectNflog(ctx, buf, off, end, network);
      return;
    default:
      tree.note(-1, 'warning', 'link.unknown', `link type ${linkTypeName(linktype)} (${linktype}) is not dissected; mip6scope reads ${DISSECTED_LINKTYPES_TEXT} captures`);
  }
}

