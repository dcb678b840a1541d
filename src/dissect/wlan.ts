/**
 * 802.11 (LINKTYPE_IEEE802_11, 105) and the radiotap header in front of it
 * (LINKTYPE_IEEE802_11_RADIOTAP, 127): a mobile node's own traffic captured on
 * Wi-Fi in monitor mode. Data frames carry LLC/SNAP and then IPv6 as on
 * Ethernet; a protected (encrypted) frame body is not opened, and management
 * and control frames carry no IP. Field names are Wireshark's.
 */
import { u16, u16le, u32le } from './bytes.js';
import type { DissectContext } from './context.js';
import { defineFields, FT } from './fields.js';
import { ETHERTYPES } from './ethertypes.js';

export const radiotapFields = defineFields('radiotap', {
  _root: { abbrev: 'radiotap', name: 'Radiotap Header', type: FT.Protocol },
  version: { name: 'Header revision', type: FT.UInt },
  length: { name: 'Header length', type: FT.UInt, unit: 'bytes' },
  present: { abbrev: 'radiotap.present.word', name: 'Present flags word', type: FT.UInt, hex: 8 },
  flags: { name: 'Flags', type: FT.UInt, hex: 2 },
  'flags.fcs': { name: 'FCS at end', type: FT.Bool, mask: 0x10, bits: 8 },
});

const FRAME_TYPES: Record<number, string> = { 0: 'Management frame', 1: 'Control frame', 2: 'Data frame', 3: 'Extension' };

export const wlanFields = defineFields('wlan', {
  _root: { abbrev: 'wlan', name: 'IEEE 802.11', type: FT.Protocol },
  'fc.type': { name: 'Type', type: FT.UInt, vals: FRAME_TYPES },
  'fc.subtype': { name: 'Subtype', type: FT.UInt },
  'fc.tods': { name: 'To DS', type: FT.Bool, mask: 0x01, bits: 8 },
  'fc.fromds': { name: 'From DS', type: FT.Bool, mask: 0x02, bits: 8 },
  'fc.protected': { name: 'Protected flag', type: FT.Bool, mask: 0x40, bits: 8, blurb: 'the frame body is encrypted (not opened)' },
  duration: { name: 'Duration', type: FT.UInt, unit: 'microseconds' },
  ra: { name: 'Receiver address', type: FT.Ether },
  ta: { name: 'Transmitter address', type: FT.Ether },
  da: { name: 'Destination address', type: FT.Ether },
  sa: { name: 'Source address', type: FT.Ether },
  bssid: { name: 'BSS Id', type: FT.Ether },
  addr: { name: 'Hardware address', type: FT.Ether, blurb: 'any of the frame\'s addresses' },
  frag: { name: 'Fragment number', type: FT.UInt },
  seq: { name: 'Sequence number', type: FT.UInt },
  'qos.tid': { name: 'TID', type: FT.UInt },
  fcs: { name: 'Frame check sequence', type: FT.UInt, hex: 8, blurb: 'as captured (not checked)' },
});

export const llcFields = defineFields('llc', {
  _root: { abbrev: 'llc', name: 'Logical-Link Control', type: FT.Protocol },
  dsap: { name: 'DSAP', type: FT.UInt, hex: 2 },
  ssap: { name: 'SSAP', type: FT.UInt, hex: 2 },
  control: { name: 'Control field', type: FT.UInt, hex: 2, dumpHex: 4 },
  oui: { name: 'Organization Code', type: FT.UInt },
  type: { name: 'Type', type: FT.UInt, hex: 4, vals: ETHERTYPES },
});

/** The network layer by EtherType (link.ts's). */
export type Network = (ctx: DissectContext, ethertype: number, buf: number, off: number, end: number, parent: number) => void;

/** Radiotap header then 802.11, at buffers[buf][off..end). */
export function dissectRadiotap(ctx: DissectContext, buf: number, off: number, end: number, network: Network): void {
  const tree = ctx.tree;
  const b = tree.buffers[buf]!;
  if (end - off < 8) { tree.note(-1, 'error', 'link.short', 'radiotap header truncated'); return; }
  const len = u16le(b, off + 2);
  const r = tree.add(-1, radiotapFields._root, buf, off, Math.min(len, end - off));
  tree.add(r, radiotapFields.version, buf, off, 1, b[off]!);
  tree.add(r, radiotapFields.length, buf, off + 2, 2, len);
  if (b[off] !== 0 || len < 8 || len > end - off) {
    tree.note(r, 'error', 'radiotap.length', `radiotap header of version ${b[off]} and length ${len} does not fit the frame (${end - off} bytes)`);
    return;
  }
  // The present words: bit 31 of each says another follows; the fields start after the last.
  const first = u32le(b, off + 4);
  let p = off + 4;
  for (;;) {
    const word = u32le(b, p);
    tree.add(r, radiotapFields.present, buf, p, 4, word);
    p += 4;
    if ((word & 0x80000000) === 0) break;
    if (p + 4 > off + len) { tree.note(r, 'error', 'radiotap.present', 'radiotap present words run past the header'); return; }
  }
  // TSFT (bit 0, 8 bytes aligned to 8 from the header's start), then Flags (bit 1, one byte).
  let fcs = false;
  if (first & 1) p = off + ((p - off + 7) & ~7) + 8;
  if (first & 2 && p < off + len) {
    const flags = b[p]!;
    const fi = tree.add(r, radiotapFields.flags, buf, p, 1, flags);
    tree.add(fi, radiotapFields['flags.fcs'], buf, p, 1, flags & 0x10 ? 1 : 0);
    fcs = (flags & 0x10) !== 0;
  }
  dissectWlan(ctx, buf, off + len, end, fcs, network);
}

/** An 802.11 frame at buffers[buf][off..end), its FCS (4 bytes at the end) there when `fcs`. */
export function dissectWlan(ctx: DissectContext, buf: number, off: number, end: number, fcs: boolean, network: Network): void {
  const tree = ctx.tree;
  const b = tree.buffers[buf]!;
  tree.protocol = '802.11';
  if (fcs) {
    if (end - off < 4) { tree.note(-1, 'error', 'link.short', '802.11 frame shorter than its FCS'); return; }
    end -= 4;
  }
  if (end - off < 10) { tree.note(-1, 'error', 'link.short', '802.11 header truncated'); return; }
  const fc0 = b[off]!;
  const flags = b[off + 1]!;
  const type = (fc0 >> 2) & 3;
  const subtype = fc0 >> 4;
  // Data frames: 24 bytes, 30 with the fourth address, 2 more with QoS, 4 more with HT control (Order with QoS).
  const toDs = (flags & 1) !== 0;
  const fromDs = (flags & 2) !== 0;
  const qos = type === 2 && (subtype & 8) !== 0;
  const hlen = type === 2 ? 24 + (toDs && fromDs ? 6 : 0) + (qos ? 2 : 0) + (qos && (flags & 0x80) ? 4 : 0) : Math.min(24, end - off);
  const w = tree.add(-1, wlanFields._root, buf, off, Math.min(hlen, end - off));
  tree.add(w, wlanFields['fc.type'], buf, off, 1, type);
  tree.add(w, wlanFields['fc.subtype'], buf, off, 1, subtype);
  tree.add(w, wlanFields['fc.tods'], buf, off + 1, 1, toDs ? 1 : 0);
  tree.add(w, wlanFields['fc.fromds'], buf, off + 1, 1, fromDs ? 1 : 0);
  tree.add(w, wlanFields['fc.protected'], buf, off + 1, 1, flags & 0x40 ? 1 : 0);
  tree.add(w, wlanFields.duration, buf, off + 2, 2, u16le(b, off + 2));
  if (fcs) tree.add(w, wlanFields.fcs, buf, end, 4, u32le(b, end));
  tree.add(w, wlanFields.ra, buf, off + 4, 6);
  tree.add(w, wlanFields.addr, buf, off + 4, 6);
  if (type !== 2) {
    // Management and control frames: their addresses, and no IP in them.
    if (end - off >= 16) { tree.add(w, wlanFields.ta, buf, off + 10, 6); tree.add(w, wlanFields.addr, buf, off + 10, 6); }
    return;
  }
  if (end - off < hlen) { tree.note(w, 'error', 'link.short', `802.11 data header truncated (${end - off} of ${hlen} bytes)`); return; }
  tree.add(w, wlanFields.ta, buf, off + 10, 6);
  tree.add(w, wlanFields.addr, buf, off + 10, 6);
  // Which address is which follows the To DS / From DS bits (IEEE 802.11 9.3.2.1); as Wireshark, the
  // fourth address of a frame between access points is listed before the third.
  const four = toDs && fromDs;
  if (four) tree.add(w, wlanFields.addr, buf, off + 24, 6);
  tree.add(w, wlanFields.addr, buf, off + 16, 6);
  const [da, sa, bssid] = !toDs && !fromDs ? [4, 10, 16] : toDs && !fromDs ? [16, 10, 4] : !toDs && fromDs ? [4, 16, 10] : [16, 24, -1];
  tree.add(w, wlanFields.da, buf, off + da, 6);
  tree.add(w, wlanFields.sa, buf, off + sa, 6);
  if (bssid >= 0) tree.add(w, wlanFields.bssid, buf, off + bssid, 6);
  const sc = u16le(b, off + 22);
  tree.add(w, wlanFields.frag, buf, off + 22, 2, sc & 15);
  tree.add(w, wlanFields.seq, buf, off + 22, 2, sc >> 4);
  if (qos) tree.add(w, wlanFields['qos.tid'], buf, off + hlen - (flags & 0x80 ? 6 : 2), 2, b[off + hlen - (flags & 0x80 ? 6 : 2)]! & 15);
  // Null data (subtypes 4 and 12) has no body.
  const body = off + hlen;
  if ((subtype & 7) === 4 || body === end) return;
  if (flags & 0x40) {
    tree.note(w, 'note', 'wlan.protected', 'the frame body is encrypted (WEP/WPA): not opened, so any IP in it is not dissected');
    return;
  }
  if (end - body < 8 || b[body] !== 0xaa || b[body + 1] !== 0xaa || b[body + 2] !== 0x03) {
    tree.note(w, 'note', 'wlan.llc', 'the frame body is not LLC/SNAP: not dissected');
    return;
  }
  const l = tree.add(-1, llcFields._root, buf, body, 8);
  tree.add(l, llcFields.dsap, buf, body, 1, 0xaa);
  tree.add(l, llcFields.ssap, buf, body + 1, 1, 0xaa);
  tree.add(l, llcFields.control, buf, body + 2, 1, 3);
  tree.add(l, llcFields.oui, buf, body + 3, 3, (b[body + 3]! << 16) | (b[body + 4]! << 8) | b[body + 5]!);
  const ethertype = u16(b, body + 6);
  tree.add(l, llcFields.type, buf, body + 6, 2, ethertype);
  network(ctx, ethertype, buf, body + 8, end, -1);
}
