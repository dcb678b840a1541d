/**
 * Mobility options the reliability drafts define without numbers (SPEC-NOTES 4;
 * the profile gives them numbers): Binding Cache Information and AAA Information
 * (draft-ietf-mip6-hareliability-01 6.2.2, 6.2.3) and Binding Cache Entry
 * Information (draft-wakikawa-mip6-nemo-haha-spec-00).
 *
 * A binding for a mobile router is followed by its Mobile Network Prefix options
 * (RFC 3963 6.2), which are separate options in the walk; each binding option
 * counts the ones that follow it so the tree shows which prefixes belong to it.
 */
import { u16, u32 } from '../bytes.js';
import type { DissectContext } from '../context.js';
import { registerMhOption } from '../context.js';
import { defineFields, FT, type FieldDef } from '../fields.js';

/** Flags of a binding cache entry, as the Binding Update carried them (RFC 6275 6.1.7, RFC 3963 4.1). */
const BINDING_FLAG_SPECS = [
  ['a_flag', 'Acknowledge (A) flag', 0x8000], ['h_flag', 'Home Registration (H) flag', 0x4000],
  ['l_flag', 'Link-Local Compatibility (L) flag', 0x2000], ['k_flag', 'Key Management Compatibility (K) flag', 0x1000],
  ['m_flag', 'MAP Registration (M) flag', 0x0800], ['r_flag', 'Mobile Router (R) flag', 0x0400],
  ['p_flag', 'Proxy Registration (P) flag', 0x0200], ['f_flag', 'Forcing UDP encapsulation (F) flag', 0x0100],
  ['t_flag', 'TLV-header format (T) flag', 0x0080], ['b_flag', 'Bulk-Binding-Update (B) flag', 0x0040],
] as const;
type BindingFlagKey = (typeof BINDING_FLAG_SPECS)[number][0];
const R_FLAG = 0x0400;

function bindingFlagFields(prefix: string): Record<BindingFlagKey, FieldDef> {
  const specs = {} as Record<BindingFlagKey, { name: string; type: typeof FT.Bool; mask: number; bits: number }>;
  for (const [key, name, mask] of BINDING_FLAG_SPECS) specs[key] = { name, type: FT.Bool, mask, bits: 16 };
  return defineFields(prefix, specs);
}

export const bciFields = defineFields('mip6.harel.bci', {
  flags: { name: 'Flags', type: FT.UInt, hex: 4, blurb: 'the flags of the Binding Update that created the binding' },
  seq: { name: 'Sequence Number', type: FT.UInt },
  lifetime: { name: 'Lifetime', type: FT.UInt, scale: 4, unit: 's', blurb: 'units of 4 seconds, as in the Binding Update' },
  reserved: { name: 'Reserved', type: FT.UInt, hex: 4 },
  hoa: { name: 'Home Address', type: FT.IPv6 },
  coa: { name: 'Care-of Address', type: FT.IPv6 },
  mnp_count: { name: 'Mobile Network Prefix options following', type: FT.UInt, blurb: 'hareliability-01 6.2.2: with R set, one or more follow' },
});
export const bciFlagFields = bindingFlagFields('mip6.harel.bci');

export const aaaFields = defineFields('mip6.harel.aaa', {
  avp: { name: 'AAA AVP', type: FT.Protocol },
  type: { name: 'Attribute Type', type: FT.UInt, blurb: 'RADIUS-style attribute (RFC 2865 5)' },
  length: { name: 'Attribute Length', type: FT.UInt },
  value: { name: 'Attribute Value', type: FT.Bytes },
  code: { name: 'AVP Code', type: FT.UInt, blurb: 'Diameter-style AVP (RFC 6733 4.1)' },
  flags: { name: 'AVP Flags', type: FT.UInt, hex: 2 },
  avp_length: { name: 'AVP Length', type: FT.UInt },
  vendor: { name: 'Vendor-ID', type: FT.UInt },
  data: { name: 'AVP Data', type: FT.Bytes },
  raw: { name: 'AAA AVPs (not parsed)', type: FT.Bytes },
});

export const bceiFields = defineFields('mip6.haha.bcei', {
  hoa: { name: 'Home Address', type: FT.IPv6 },
  coa: { name: 'Care-of Address', type: FT.IPv6 },
  flags: { name: 'Flags', type: FT.UInt, hex: 4 },
  seq: { name: 'Sequence Number', type: FT.UInt },
  lifetime: { name: 'Lifetime', type: FT.UInt, scale: 4, unit: 's', blurb: 'units of 4 seconds, as in the Binding Update' },
  num_mnps: { name: '# of MNPs', type: FT.UInt },
  reserved: { name: 'Reserved', type: FT.UInt, hex: 2 },
  mnp_count: { name: 'Mobile Network Prefix options following', type: FT.UInt },
});
export const bceiFlagFields = bindingFlagFields('mip6.haha.bcei');

function addBindingFlags(ctx: DissectContext, item: number, defs: Record<BindingFlagKey, FieldDef>, buf: number, at: number, flags: number): void {
  for (const [key, , mask] of BINDING_FLAG_SPECS) ctx.tree.add(item, defs[key], buf, at, 2, (flags & mask) !== 0 ? 1 : 0);
}

/**
 * How many Mobile Network Prefix options follow the option that ends at `from`,
 * padding between them allowed, up to the end of the option area (read from the
 * bytes: the walker has not reached them yet). Stops at the first other option.
 */
export function countFollowingMnps(ctx: DissectContext, buf: number, from: number, end: number): number {
  const b = ctx.tree.buffers[buf]!;
  let o = from;
  let n = 0;
  while (o < end) {
    const t = b[o]!;
    if (t === 0) { o++; continue; } // Pad1
    if (o + 2 > end) break;
    const len = b[o + 1]!;
    if (o + 2 + len > end) break;
    if (t !== 1) { // PadN is skipped; anything else must be an MNP to count
      if (ctx.optByType[t]?.key !== 'mobileNetworkPrefix') break;
      n++;
    }
    o += 2 + len;
  }
  return n;
}

/** End of the option area holding an option item: its parent is the walker's "Mobility Options" item. */
function optionAreaEnd(ctx: DissectContext, optionItem: number, fallback: number): number {
  const tree = ctx.tree;
  if (optionItem < 0) return fallback;
  const area = tree.parent[optionItem]!;
  return area >= 0 ? tree.start[area]! + tree.length[area]! : fallback;
}

registerMhOption({
  // hareliability-01 6.2.2: alignment 8n+2; Flags, Sequence, Lifetime, Reserved, Home Address, Care-of Address (SPEC-NOTES 4).
  key: 'bindingCacheInformation', name: 'Binding Cache Information', align: [8, 2], length: 40, minLength: 40,
  body(ctx, buf, off, len, item) {
    const tree = ctx.tree;
    const b = tree.buffers[buf]!;
    const flags = u16(b, off);
    const fi = tree.add(item, bciFields.flags, buf, off, 2, flags);
    addBindingFlags(ctx, fi, bciFlagFields, buf, off, flags);
    tree.add(item, bciFields.seq, buf, off + 2, 2, u16(b, off + 2));
    tree.add(item, bciFields.lifetime, buf, off + 4, 2, u16(b, off + 4));
    const rsv = u16(b, off + 6);
    const r = tree.add(item, bciFields.reserved, buf, off + 6, 2, rsv);
    // hareliability-01 6.2.2: the Reserved field MUST be set to zero.
    if (rsv !== 0) tree.note(r, 'warning', 'mip6.reserved', 'Binding Cache Information reserved field is not zero (hareliability-01 6.2.2)');
    tree.add(item, bciFields.hoa, buf, off + 8, 16);
    tree.add(item, bciFields.coa, buf, off + 24, 16);
    const mnps = countFollowingMnps(ctx, buf, off + len, optionAreaEnd(ctx, item, off + len));
    const c = tree.addGenerated(item, bciFields.mnp_count, mnps);
    // hareliability-01 6.2.2: with R set this option "will be immediately followed by one or more" MNP options.
    if ((flags & R_FLAG) !== 0 && mnps === 0) {
      tree.note(c, 'warning', 'mip6.harel.bci.mnp', 'R flag set (mobile router) but no Mobile Network Prefix option follows (hareliability-01 6.2.2)');
    } else if ((flags & R_FLAG) === 0 && mnps > 0) {
      tree.note(c, 'note', 'mip6.harel.bci.mnp', 'Mobile Network Prefix options follow a binding without the R flag (hareliability-01 6.2.2)');
    }
  },
});

/** Whether [off, end) is a whole number of RADIUS attributes (RFC 2865 5: Length counts Type and Length, at least 2). */
function isRadiusSequence(b: Uint8Array, off: number, end: number): boolean {
  let o = off;
  while (o < end) {
    if (end - o < 2) return false;
    const l = b[o + 1]!;
    if (l < 2 || o + l > end) return false;
    o += l;
  }
  return o === end && end > off;
}

/** Whether [off, end) is a whole number of Diameter AVPs (RFC 6733 4.1: 8-byte header, +4 with V, padded to 4). */
function isDiameterSequence(b: Uint8Array, off: number, end: number): boolean {
  let o = off;
  while (o < end) {
    if (end - o < 8) return false;
    const l = (b[o + 5]! << 16) | (b[o + 6]! << 8) | b[o + 7]!;
    const head = (b[o + 4]! & 0x80) !== 0 ? 12 : 8;
    if (l < head || o + l > end) return false;
    const padded = (l + 3) & ~3;
    o += Math.min(padded, end - o);
  }
  return end > off;
}

registerMhOption({
  // hareliability-01 6.2.3: AAA AVPs in RADIUS or Diameter format; no alignment is given.
  key: 'aaaInformation', name: 'AAA Information', align: null, length: null, minLength: 0,
  body(ctx, buf, off, len, item) {
    const tree = ctx.tree;
    const b = tree.buffers[buf]!;
    const end = off + len;
    if (len === 0) {
      tree.note(item, 'warning', 'mip6.harel.aaa.empty', 'AAA Information option carries no AVP (hareliability-01 6.2.3)');
      return;
    }
    if (isRadiusSequence(b, off, end)) {
      for (let o = off; o < end; o += b[o + 1]!) {
        const a = tree.add(item, aaaFields.avp, buf, o, b[o + 1]!, b[o]!);
        tree.add(a, aaaFields.type, buf, o, 1, b[o]!);
        tree.add(a, aaaFields.length, buf, o + 1, 1, b[o + 1]!);
        if (b[o + 1]! > 2) tree.add(a, aaaFields.value, buf, o + 2, b[o + 1]! - 2);
      }
      return;
    }
    if (isDiameterSequence(b, off, end)) {
      let o = off;
      while (o < end) {
        const l = (b[o + 5]! << 16) | (b[o + 6]! << 8) | b[o + 7]!;
        const v = (b[o + 4]! & 0x80) !== 0;
        const a = tree.add(item, aaaFields.avp, buf, o, l, u32(b, o));
        tree.add(a, aaaFields.code, buf, o, 4, u32(b, o));
        tree.add(a, aaaFields.flags, buf, o + 4, 1, b[o + 4]!);
        tree.add(a, aaaFields.avp_length, buf, o + 5, 3, l);
        const head = v ? 12 : 8;
        if (v) tree.add(a, aaaFields.vendor, buf, o + 8, 4, u32(b, o + 8));
        if (l > head) tree.add(a, aaaFields.data, buf, o + head, l - head);
        o += Math.min((l + 3) & ~3, end - o);
      }
      return;
    }
    const raw = tree.add(item, aaaFields.raw, buf, off, len);
    tree.note(raw, 'note', 'mip6.harel.aaa.format', 'AAA AVPs parse neither as RADIUS attributes nor as Diameter AVPs; shown raw');
  },
});

registerMhOption({
  // haha-spec-00 (SPEC-NOTES 4): Home Address, Care-of Address, Flags, Sequence, Lifetime, # of MNPs, Reserved.
  // The draft states no alignment, so none is checked.
  key: 'bindingCacheEntryInformation', name: 'Binding Cache Entry Information', align: null, length: 40, minLength: 40,
  body(ctx, buf, off, len, item) {
    const tree = ctx.tree;
    const b = tree.buffers[buf]!;
    tree.add(item, bceiFields.hoa, buf, off, 16);
    tree.add(item, bceiFields.coa, buf, off + 16, 16);
    const flags = u16(b, off + 32);
    const fi = tree.add(item, bceiFields.flags, buf, off + 32, 2, flags);
    addBindingFlags(ctx, fi, bceiFlagFields, buf, off + 32, flags);
    tree.add(item, bceiFields.seq, buf, off + 34, 2, u16(b, off + 34));
    tree.add(item, bceiFields.lifetime, buf, off + 36, 2, u16(b, off + 36));
    const declared = b[off + 38]!;
    const n = tree.add(item, bceiFields.num_mnps, buf, off + 38, 1, declared);
    const r = tree.add(item, bceiFields.reserved, buf, off + 39, 1, b[off + 39]!);
    if (b[off + 39] !== 0) tree.note(r, 'warning', 'mip6.reserved', 'Binding Cache Entry Information reserved byte is not zero');
    const found = countFollowingMnps(ctx, buf, off + len, optionAreaEnd(ctx, item, off + len));
    tree.addGenerated(item, bceiFields.mnp_count, found);
    if (found !== declared) {
      tree.note(n, 'warning', 'mip6.haha.bcei.mnp', `# of MNPs is ${declared} but ${found} Mobile Network Prefix option${found === 1 ? '' : 's'} follow${found === 1 ? 's' : ''}`);
    }
  },
});
