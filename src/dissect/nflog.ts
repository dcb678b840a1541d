/**
 * Linux netfilter NFLOG (LINKTYPE_NFLOG, 239): packets an iptables/nftables
 * rule logs with the NFLOG target, as `tcpdump -i nflog:GROUP` and libpcap's
 * nflog interface capture them. A home agent that terminates IPsec logs its
 * signalling after decryption this way, so ESP-protected Mobility Headers can be
 * read without the keys. A 4-byte header (address family, version, resource id
 * in network order) is followed by TLVs whose length and type are in the
 * capturing host's byte order (libpcap's pcap/nflog.h), each padded to four
 * bytes; the NFULA_PAYLOAD TLV holds the IP packet. Field names are Wireshark's.
 */
import { u16, u16le, u32 } from './bytes.js';
import type { DissectContext } from './context.js';
import { defineFields, FT } from './fields.js';
import type { Network } from './wlan.js';

const FAMILIES: Record<number, string> = { 2: 'IPv4', 10: 'IPv6' };

/** NFULA_* attribute types (linux/netfilter/nfnetlink_log.h). */
const TLV_TYPES: Record<number, string> = {
  1: 'NFULA_PACKET_HDR', 2: 'NFULA_MARK', 3: 'NFULA_TIMESTAMP', 4: 'NFULA_IFINDEX_INDEV', 5: 'NFULA_IFINDEX_OUTDEV',
  6: 'NFULA_IFINDEX_PHYSINDEV', 7: 'NFULA_IFINDEX_PHYSOUTDEV', 8: 'NFULA_HWADDR', 9: 'NFULA_PAYLOAD', 10: 'NFULA_PREFIX',
  11: 'NFULA_UID', 12: 'NFULA_SEQ', 13: 'NFULA_SEQ_GLOBAL', 14: 'NFULA_GID', 15: 'NFULA_HWTYPE', 16: 'NFULA_HWHEADER',
  17: 'NFULA_HWLEN', 18: 'NFULA_CT', 19: 'NFULA_CT_INFO', 20: 'NFULA_VLAN', 21: 'NFULA_L2HDR',
};

const PAYLOAD = 9;

export const nflogFields = defineFields('nflog', {
  _root: { abbrev: 'nflog', name: 'Linux Netfilter NFLOG', type: FT.Protocol },
  family: { name: 'Family', type: FT.UInt, vals: FAMILIES },
  version: { name: 'Version', type: FT.UInt },
  res_id: { name: 'Resource id', type: FT.UInt, blurb: 'the NFLOG group the rule logged to' },
  tlv: { name: 'TLV', type: FT.Bytes },
  tlv_length: { name: 'Length', type: FT.UInt, unit: 'bytes' },
  tlv_type: { name: 'Type', type: FT.UInt, vals: TLV_TYPES },
  protocol: { name: 'HW protocol', type: FT.UInt, hex: 4 },
  hook: { name: 'Netfilter hook', type: FT.UInt },
  ifindex_indev: { name: 'IFINDEX_INDEV', type: FT.UInt },
  ifindex_outdev: { name: 'IFINDEX_OUTDEV', type: FT.UInt },
  ifindex_physindev: { name: 'IFINDEX_PHYSINDEV', type: FT.UInt },
  ifindex_physoutdev: { name: 'IFINDEX_PHYSOUTDEV', type: FT.UInt },
  prefix: { name: 'Prefix', type: FT.String, blurb: 'the log prefix the rule gave' },
});

const IFINDEX = [null, null, null, null, nflogFields.ifindex_indev, nflogFields.ifindex_outdev, nflogFields.ifindex_physindev, nflogFields.ifindex_physoutdev];

/** NFLOG header and TLVs at buffers[buf][off..end), then the logged IP packet. */
export function dissectNflog(ctx: DissectContext, buf: number, off: number, end: number, network: Network): void {
  const tree = ctx.tree;
  const b = tree.buffers[buf]!;
  if (end - off < 4) { tree.note(-1, 'error', 'link.short', 'NFLOG header truncated'); return; }
  const root = tree.add(-1, nflogFields._root, buf, off, end - off);
  const family = b[off]!;
  tree.add(root, nflogFields.family, buf, off, 1, family);
  tree.add(root, nflogFields.version, buf, off + 1, 1, b[off + 1]!);
  tree.add(root, nflogFields.res_id, buf, off + 2, 2, u16(b, off + 2));
  tree.protocol = 'NFLOG';
  // The TLV headers are in the capturing host's order: little-endian unless the first length only fits read big-endian.
  let o = off + 4;
  const le = !(end - o >= 4 && !fits(u16le(b, o), o, end) && fits(u16(b, o), o, end));
  let payload = -1;
  let payloadEnd = -1;
  while (end - o >= 4) {
    const len = le ? u16le(b, o) : u16(b, o);
    const type = le ? u16le(b, o + 2) : u16(b, o + 2);
    if (!fits(len, o, end)) {
      const bad = tree.add(root, nflogFields.tlv, buf, o, end - o);
      tree.note(bad, 'error', 'nflog.tlv', `TLV length ${len} ${len < 4 ? 'is below its own 4-byte header' : 'runs past the frame'}`);
      break;
    }
    const tlv = tree.add(root, nflogFields.tlv, buf, o, len);
    tree.add(tlv, nflogFields.tlv_length, buf, o, 2, len);
    tree.add(tlv, nflogFields.tlv_type, buf, o + 2, 2, type);
    const v = o + 4;
    const vlen = len - 4;
    if (type === 1 && vlen >= 3) {
      tree.add(tlv, nflogFields.protocol, buf, v, 2, u16(b, v));
      tree.add(tlv, nflogFields.hook, buf, v + 2, 1, b[v + 2]!);
    } else if (type >= 4 && type <= 7 && vlen >= 4) {
      tree.add(tlv, IFINDEX[type]!, buf, v, 4, u32(b, v));
    } else if (type === 10 && vlen > 0) {
      // A zero-terminated string: the text before the terminator.
      let n = 0;
      while (n < vlen && b[v + n] !== 0) n++;
      tree.add(tlv, nflogFields.prefix, buf, v, n);
    } else if (type === PAYLOAD) {
      payload = v;
      payloadEnd = v + vlen;
    }
    // Each TLV is padded to a multiple of four bytes.
    o += (len + 3) & ~3;
  }
  if (payload < 0) return;
  const version = payloadEnd > payload ? b[payload]! >> 4 : 0;
  const ipv6 = family === 10 || (family !== 2 && version === 6);
  network(ctx, ipv6 ? 0x86dd : 0x0800, buf, payload, payloadEnd, -1);
}

/** Whether a TLV of `len` bytes at `o` is well formed within `end` (its padding may be cut off at the end). */
function fits(len: number, o: number, end: number): boolean {
  return len >= 4 && o + len <= end;
}
