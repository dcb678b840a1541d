/**
 * Home Agent Switch (RFC 5142 3, MH type 12), with the IPsec re-key (I) flag that
 * draft-ietf-mip6-hareliability-01 8.3 puts in the top bit of its Reserved byte.
 *
 * The options start after the address list that "# of Addresses" announces, not at
 * a fixed offset: a dissector that assumes otherwise reads address bytes as options.
 */
import { registerMhMessage } from '../context.js';
import { defineFields, FT } from '../fields.js';
import { ipv6ToString } from '../format.js';
import type { Tree } from '../tree.js';
import { mip6Fields } from './header.js';
import { braFields } from './rfc6275.js';

/** hareliability-01 8.3: I (IPsec re-key) is bit 0x80 of the byte after # of Addresses. */
const I_FLAG = 0x80;

export const hasFields = defineFields('mip6.has', {
  num_addrs: { name: 'Number of Addresses', type: FT.UInt },
  i_flag: { name: 'IPsec Re-key (I) flag', type: FT.Bool, mask: I_FLAG, bits: 8, blurb: 'hareliability-01 8.3: re-key with the listed HA, keep the active HA' },
  reserved: { name: 'Reserved', type: FT.UInt, hex: 2, mask: 0x7f, bits: 8 },
  address: { name: 'Address', type: FT.IPv6 },
});

/** "Home Agent Switch: 1 address 2001:db8:1::a2, refresh 60 s". */
function homeAgentSwitchInfo(tree: Tree, item: number): string {
  const n = tree.firstWithin(hasFields.num_addrs, item);
  if (n < 0) return 'Home Agent Switch';
  const count = tree.value[n]!;
  let s = `Home Agent Switch: ${count} ${count === 1 ? 'address' : 'addresses'}`;
  let sep = ' ';
  for (let a = tree.firstWithin(hasFields.address, item); a >= 0; a = tree.next(hasFields.address, a)) {
    if (!tree.isWithin(a, item)) break;
    s += sep + ipv6ToString(tree.bufferOf(a), tree.start[a]!);
    sep = ', ';
  }
  const i = tree.firstWithin(hasFields.i_flag, item);
  if (i >= 0 && tree.value[i]) s += ', re-key (I)';
  const r = tree.firstWithin(braFields.interval, item);
  if (r >= 0) s += `, refresh ${tree.value[r]! * 4} s`;
  return s;
}

registerMhMessage({
  key: 'homeAgentSwitch', name: 'Home Agent Switch', short: 'HAS',
  // RFC 5142 3: Header Len 0 with no addresses and no options.
  minHeaderLen: 0,
  // RFC 5142 3: only Binding Refresh Advice is defined for it; RFC 5094 allows a vendor option in any message.
  options: ['bindingRefreshAdvice', 'vendorSpecific'],
  info: homeAgentSwitchInfo,
  body(ctx, buf, mh, end, item) {
    const tree = ctx.tree;
    const b = tree.buffers[buf]!;
    if (end - mh < 8) return mh + 8;
    const count = b[mh + 6]!;
    const countItem = tree.add(item, hasFields.num_addrs, buf, mh + 6, 1, count);
    const flags = b[mh + 7]!;
    tree.add(item, hasFields.i_flag, buf, mh + 7, 1, (flags & I_FLAG) !== 0 ? 1 : 0);
    const r = tree.add(item, hasFields.reserved, buf, mh + 7, 1, flags & 0x7f);
    // RFC 5142 3: Reserved MUST be zero when sent (the I bit aside, hareliability-01 8.3).
    if (flags & 0x7f) tree.note(r, 'warning', 'mip6.reserved', `Home Agent Switch reserved bits are 0x${(flags & 0x7f).toString(16)}, must be zero`);
    let o = mh + 8;
    for (let i = 0; i < count; i++, o += 16) {
      if (o + 16 > end) {
        // The count runs past Header Len: show the whole addresses that fit and the rest raw.
        const fit = i;
        tree.note(countItem, 'error', 'mip6.has.count',
          `# of Addresses ${count} needs ${8 + 16 * count} bytes, the header has ${end - mh} (room for ${fit} ${fit === 1 ? 'address' : 'addresses'})`);
        if (o < end) tree.add(item, mip6Fields.data, buf, o, end - o);
        return end;
      }
      tree.add(item, hasFields.address, buf, o, 16);
    }
    return o;
  },
});
