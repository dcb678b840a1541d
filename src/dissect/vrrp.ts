/**
 * VRRP version 3 advertisements (RFC 5798 5.1, IP protocol 112), and what a home
 * agent reads from them when VRRP replaces the Home Agent Hello
 * (draft-ietf-mip6-hareliability-01 7.10): Virtual Rtr ID → Group ID, Priority →
 * Home Agent Preference, Max Advert Int → Hello Interval, the one address → home
 * agent address. Those are added as generated fields so a filter on the Hello's
 * meaning finds the VRRP packets too.
 */
import { u16 } from './bytes.js';
import { ipv6UpperChecksum } from './checksum.js';
import type { DissectContext } from './context.js';
import { registerIpProtocol } from './context.js';
import { defineFields, FT } from './fields.js';
import { CHECKSUM_STATUS } from './mh/header.js';
import type { InfoFormatter } from './tree.js';

export const VRRP_TYPES: Record<number, string> = { 1: 'Advertisement' };
const VRRP_PROTOCOL = 112;

export const vrrpFields = defineFields('vrrp', {
  _root: { abbrev: 'vrrp', name: 'Virtual Router Redundancy Protocol', type: FT.Protocol },
  version: { name: 'Version', type: FT.UInt, mask: 0xf0, bits: 8 },
  type: { name: 'Type', type: FT.UInt, mask: 0x0f, bits: 8, vals: VRRP_TYPES },
  virt_rtr_id: { name: 'Virtual Rtr ID', type: FT.UInt },
  prio: { name: 'Priority', type: FT.UInt },
  addr_count: { name: 'Addr Count', type: FT.UInt },
  reserved_mbz: { name: 'Reserved', type: FT.UInt, mask: 0xf000, bits: 16 },
  max_adver_int: { name: 'Max Adver Int', type: FT.UInt, mask: 0x0fff, bits: 16, scale: 0.01, unit: 's', blurb: 'centiseconds (RFC 5798 5.2.7)' },
  checksum: { name: 'Checksum', type: FT.UInt, hex: 4 },
  'checksum.status': { abbrev: 'vrrp.checksum.status', name: 'Checksum Status', type: FT.Choice, vals: CHECKSUM_STATUS },
  'checksum.calculated': { abbrev: 'vrrp.checksum.calculated', name: 'Calculated Checksum', type: FT.UInt, hex: 4 },
  ip_addr: { name: 'IP Address', type: FT.IPv4 },
  ipv6_addr: { name: 'IPv6 Address', type: FT.IPv6 },
  data: { name: 'Data', type: FT.Bytes },
  // hareliability-01 7.10: the Hello fields a VRRP advertisement stands for.
  'harel.group': { abbrev: 'vrrp.harel.group', name: 'HA Group ID (from Virtual Rtr ID)', type: FT.UInt, blurb: 'hareliability-01 7.10' },
  'harel.preference': { abbrev: 'vrrp.harel.preference', name: 'Home Agent Preference (from Priority)', type: FT.UInt, blurb: 'hareliability-01 7.10' },
  'harel.interval': { abbrev: 'vrrp.harel.interval', name: 'Hello Interval (from Max Adver Int)', type: FT.UInt, blurb: 'hareliability-01 7.10; VRRPv3 counts centiseconds' },
  'harel.ha_address': { abbrev: 'vrrp.harel.ha_address', name: 'Home Agent Address (from the IPv6 address)', type: FT.IPv6, blurb: 'hareliability-01 7.10' },
});

const f = vrrpFields;

function num(tree: Parameters<InfoFormatter>[0], def: typeof f.prio, item: number): number {
  const i = tree.firstWithin(def, item);
  return i < 0 ? -1 : tree.value[i]!;
}

const vrrpInfo: InfoFormatter = (tree, item) => {
  const ver = num(tree, f.version, item);
  const t = num(tree, f.type, item);
  if (ver < 0) return 'VRRP';
  let s = `VRRPv${ver} ${VRRP_TYPES[t] ?? `type ${t}`}`;
  const vrid = num(tree, f.virt_rtr_id, item);
  if (vrid < 0) return s;
  s += ` VRID ${vrid} prio ${num(tree, f.prio, item)}`;
  const iv = num(tree, f.max_adver_int, item);
  if (iv >= 0) s += ` interval ${iv} cs`;
  if (tree.firstWithin(f['harel.group'], item) >= 0) s += ` (HA group ${vrid} pref ${num(tree, f.prio, item)})`;
  return s;
};

/** Dissect a VRRP packet at buffers[buf][off..end). */
export function dissectVrrp(ctx: DissectContext, buf: number, off: number, end: number, parent: number): void {
  const tree = ctx.tree;
  const b = tree.buffers[buf]!;
  const len = end - off;
  tree.protocol = 'VRRP';
  const root = tree.add(parent, f._root, buf, off, len);
  tree.info = vrrpInfo;
  tree.infoItem = root;
  if (len < 8) {
    tree.note(root, 'error', 'vrrp.short', `VRRP packet truncated: ${len} bytes, the header needs 8 (RFC 5798 5.1)`);
    if (len > 0) tree.add(root, f.data, buf, off, len);
    return;
  }
  const ver = b[off]! >> 4;
  const type = b[off]! & 0x0f;
  const vi = tree.add(root, f.version, buf, off, 1, ver);
  const ti = tree.add(root, f.type, buf, off, 1, type);
  if (ver !== 3) {
    // RFC 3768's version 2 is IPv4-only with a different second word; not taken apart here.
    tree.note(vi, 'note', 'vrrp.version', `VRRP version ${ver}; only version 3 (RFC 5798) is dissected`);
    tree.add(root, f.data, buf, off + 1, len - 1);
    return;
  }
  // RFC 5798 5.2.2: only type 1 (ADVERTISEMENT) is defined; others MUST be discarded.
  if (type !== 1) tree.note(ti, 'warning', 'vrrp.type', `VRRP type ${type} is not defined (RFC 5798 5.2.2)`);
  const vrid = b[off + 1]!;
  const prio = b[off + 2]!;
  const count = b[off + 3]!;
  const word = u16(b, off + 4);
  tree.add(root, f.virt_rtr_id, buf, off + 1, 1, vrid);
  tree.add(root, f.prio, buf, off + 2, 1, prio);
  const ci = tree.add(root, f.addr_count, buf, off + 3, 1, count);
  const ri = tree.add(root, f.reserved_mbz, buf, off + 4, 2, word >> 12);
  if (word >> 12 !== 0) tree.note(ri, 'warning', 'vrrp.reserved', 'VRRP reserved bits are not zero (RFC 5798 5.2.6)');
  const ii = tree.add(root, f.max_adver_int, buf, off + 4, 2, word & 0x0fff);
  const csum = u16(b, off + 6);
  const csItem = tree.add(root, f.checksum, buf, off + 6, 2, csum);

  // RFC 5798 5.2.8: the checksum covers the IPv6 pseudo-header (RFC 8200 8.1) and the VRRP message.
  const v6 = ctx.ipVersion === 6 && ctx.pseudoSrcOff >= 0 && ctx.pseudoDstOff >= 0;
  if (v6) {
    const want = ipv6UpperChecksum(
      tree.buffers[ctx.pseudoSrcBuf]!, ctx.pseudoSrcOff, tree.buffers[ctx.pseudoDstBuf]!, ctx.pseudoDstOff,
      VRRP_PROTOCOL, b, off, len, off + 6,
    );
    const good = want === csum;
    tree.addGenerated(csItem, f['checksum.status'], good ? 1 : 0);
    if (!good) {
      tree.addGenerated(csItem, f['checksum.calculated'], want);
      tree.note(csItem, 'error', 'vrrp.checksum', `bad checksum 0x${csum.toString(16).padStart(4, '0')}, should be 0x${want.toString(16).padStart(4, '0')}`);
    }
    // RFC 5798 5.1.2.3, 7.1: the Hop Limit MUST be 255, else the packet is discarded.
    const hop = ctx.ipSrcOff >= 1 ? tree.buffers[ctx.ipSrcBuf]![ctx.ipSrcOff - 1]! : 255;
    if (hop !== 255) tree.note(root, 'warning', 'vrrp.hop_limit', `Hop Limit ${hop}, must be 255 (RFC 5798 5.1.2.3)`);
  } else {
    tree.addGenerated(csItem, f['checksum.status'], 2);
  }

  const size = ctx.ipVersion === 6 ? 16 : 4;
  const def = size === 16 ? f.ipv6_addr : f.ip_addr;
  let o = off + 8;
  let first = -1;
  for (let i = 0; i < count && o + size <= end; i++, o += size) {
    tree.add(root, def, buf, o, size);
    if (i === 0) first = o;
  }
  if ((o - off - 8) / size < count) {
    tree.note(ci, 'error', 'vrrp.length', `Addr Count ${count} needs ${8 + count * size} bytes, the packet has ${len}`);
  }
  if (o < end) tree.add(root, f.data, buf, o, end - o);

  if (size === 16) {
    // hareliability-01 7.10: the Hello fields this advertisement carries.
    tree.addGenerated(root, f['harel.group'], vrid, buf, off + 1, 1);
    tree.addGenerated(root, f['harel.preference'], prio, buf, off + 2, 1);
    tree.addGenerated(ii, f['harel.interval'], word & 0x0fff, buf, off + 4, 2);
    if (first >= 0) tree.addGenerated(root, f['harel.ha_address'], 0, buf, first, 16);
    // hareliability-01 7.10: "Count IPv6 Addr ... MUST be always be 1" when VRRP stands in for the Hello.
    if (count !== 1) tree.note(ci, 'note', 'vrrp.harel.count', `Addr Count ${count}; a home agent's VRRP advertisement carries exactly 1 address (hareliability-01 7.10)`);
  }
}

registerIpProtocol(VRRP_PROTOCOL, dissectVrrp);
