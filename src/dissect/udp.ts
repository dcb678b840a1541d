/**
 * UDP (RFC 768), minimal: ports and length, and UDP-encapsulated ESP on port
 * 4500 (RFC 3948) so NAT-traversal captures reach the ESP dissector.
 */
import { u16, u32 } from './bytes.js';
import type { DissectContext } from './context.js';
import { registerIpProtocol } from './context.js';
import { dissectEsp } from './esp.js';
import { defineFields, FT } from './fields.js';
import { ipv6Fields } from './ipv6.js';

/** IKE and ESP-in-UDP (RFC 3948 2). */
const NAT_T_PORT = 4500;
const IKE_PORT = 500;

export const udpFields = defineFields('udp', {
  _root: { abbrev: 'udp', name: 'User Datagram Protocol', type: FT.Protocol },
  srcport: { name: 'Source Port', type: FT.UInt },
  dstport: { name: 'Destination Port', type: FT.UInt },
  port: { name: 'Source or Destination Port', type: FT.UInt, blurb: 'matches either end (hidden)' },
  length: { name: 'Length', type: FT.UInt },
  checksum: { name: 'Checksum', type: FT.UInt, hex: 4 },
  non_esp_marker: { name: 'Non-ESP Marker', type: FT.Bytes, blurb: 'four zero bytes: an IKE message follows (RFC 3948 2.2)' },
  nat_keepalive: { name: 'NAT-keepalive', type: FT.UInt, hex: 2, blurb: 'single 0xFF byte (RFC 3948 2.3)' },
});

/** Dissect UDP at buffers[buf][off..end). */
export function dissectUdp(ctx: DissectContext, buf: number, off: number, end: number, parent: number): void {
  const tree = ctx.tree;
  const b = tree.buffers[buf]!;
  tree.protocol = 'UDP';
  if (end - off < 8) {
    const r = tree.add(parent, udpFields._root, buf, off, end - off);
    tree.note(r, 'error', 'udp.short', `UDP header truncated: ${end - off} of 8 bytes`);
    return;
  }
  const sport = u16(b, off);
  const dport = u16(b, off + 2);
  const len = u16(b, off + 4);
  const root = tree.add(parent, udpFields._root, buf, off, 8);
  tree.add(root, udpFields.srcport, buf, off, 2, sport);
  tree.add(root, udpFields.dstport, buf, off + 2, 2, dport);
  const p1 = tree.add(root, udpFields.port, buf, off, 2, sport);
  const p2 = tree.add(root, udpFields.port, buf, off + 2, 2, dport);
  if (p1 >= 0) tree.flags[p1] |= 2;
  if (p2 >= 0) tree.flags[p2] |= 2;
  const lItem = tree.add(root, udpFields.length, buf, off + 4, 2, len);
  tree.add(root, udpFields.checksum, buf, off + 6, 2, u16(b, off + 6));
  let stop = off + len;
  if (len < 8) {
    // RFC 768: the length counts the header; below 8 it is nonsense (or a jumbogram, RFC 2675).
    tree.note(lItem, 'error', 'udp.length', `UDP Length ${len} is below the 8-byte header`);
    stop = end;
  } else if (stop > end) {
    tree.note(lItem, 'warning', 'udp.length', `UDP Length ${len} runs past the captured data (${end - off} bytes)`);
    stop = end;
  }
  const p = off + 8;
  if (stop <= p) return;
  if (sport === NAT_T_PORT || dport === NAT_T_PORT) {
    // RFC 3948 2.3: a lone 0xFF keeps a NAT mapping alive.
    if (stop - p === 1 && b[p] === 0xff) {
      tree.add(root, udpFields.nat_keepalive, buf, p, 1, 0xff);
      return;
    }
    // RFC 3948 2.2: four zero bytes where an SPI would be mark IKE; an SPI is never 0.
    if (stop - p >= 4 && u32(b, p) === 0) {
      tree.add(root, udpFields.non_esp_marker, buf, p, 4);
      if (stop > p + 4) tree.add(parent, ipv6Fields.data, buf, p + 4, stop - p - 4);
      tree.protocol = 'IKE';
      return;
    }
    dissectEsp(ctx, buf, p, stop, parent);
    return;
  }
  tree.add(parent, ipv6Fields.data, buf, p, stop - p);
  if (sport === IKE_PORT || dport === IKE_PORT) tree.protocol = 'IKE';
}

registerIpProtocol(17, dissectUdp);
