/**
 * Mobility options with assigned numbers (SPEC-NOTES section 2 table) besides Pad1,
 * PadN and Binding Refresh Advice: Alternate Care-of Address, Nonce Indices and
 * Binding Authorization Data (RFC 6275 6.2.5-6.2.7), Mobile Network Prefix
 * (RFC 3963 6.2), Mobile Node Identifier (RFC 4283), Vendor Specific (RFC 5094)
 * and the IPv6 Address/Prefix option (RFC 5568 6.4.2).
 *
 * The walker in header.ts has already checked alignment, exact/minimum length and
 * whether the option is allowed in its message; the bodies here only read fields,
 * and a variable-length body may be called with fewer bytes than it wants.
 */
import { u16, u32 } from '../bytes.js';
import { registerMhOption } from '../context.js';
import { defineFields, FT } from '../fields.js';
import type { MhTypeKey } from '../../profile/defaults.js';

/** RFC 4283 3: subtype 1 is the only one defined there. */
export const MNID_SUBTYPE: Record<number, string> = { 1: 'Network Access Identifier (NAI)' };

/**
 * What an IP Address option's Option-Code means, numbered by this table (not by the
 * wire): the same code means different things in different messages (SPEC-NOTES 4),
 * so the packet's code is kept as is and its meaning is added as a generated field.
 */
export const IP_ADDRESS_MEANING: Record<number, string> = {};
const meaningIds = new Map<string, number>();
const codesByMessage = new Map<MhTypeKey, Int32Array>();

/**
 * Name the Option-Codes of the IP Address option for one message type. Called at
 * module load by whoever dissects that message (never per packet); a later call for
 * the same message adds to or replaces its earlier names.
 */
export function registerIpAddressCodes(messageKey: MhTypeKey, names: Readonly<Record<number, string>>): void {
  let table = codesByMessage.get(messageKey);
  if (!table) {
    table = new Int32Array(256).fill(-1);
    codesByMessage.set(messageKey, table);
  }
  for (const [code, name] of Object.entries(names)) {
    let id = meaningIds.get(name);
    if (id === undefined) {
      id = meaningIds.size + 1;
      meaningIds.set(name, id);
      IP_ADDRESS_MEANING[id] = name;
    }
    table[+code & 0xff] = id;
  }
}

/** The name an Option-Code has in a message, or undefined (for outputs and tests). */
export function ipAddressCodeName(messageKey: MhTypeKey | null, code: number): string | undefined {
  if (messageKey === null) return undefined;
  const id = codesByMessage.get(messageKey)?.[code & 0xff] ?? -1;
  return id < 0 ? undefined : IP_ADDRESS_MEANING[id];
}

export const acoaFields = defineFields('mip6.acoa', {
  acoa: { name: 'Alternate care-of address', type: FT.IPv6 },
});

export const niFields = defineFields('mip6.ni', {
  hni: { name: 'Home nonce index', type: FT.UInt },
  cni: { name: 'Care-of nonce index', type: FT.UInt },
});

export const badFields = defineFields('mip6.bad', {
  auth: { name: 'Authenticator', type: FT.Bytes, blurb: 'RFC 6275 6.2.7: first 96 bits of HMAC_SHA1 over the care-of address, correspondent and MH' },
});

export const mnpFields = defineFields('mip6.nemo.mnp', {
  reserved: { name: 'Reserved', type: FT.UInt, hex: 2 },
  pfl: { name: 'Mobile Network Prefix Length', type: FT.UInt },
  mnp: { name: 'Mobile Network Prefix', type: FT.IPv6 },
});

export const mnidFields = defineFields('mip6.mnid', {
  subtype: { name: 'Subtype', type: FT.UInt, vals: MNID_SUBTYPE },
  identifier: { name: 'Identifier', type: FT.String },
});

export const vsmFields = defineFields('mip6.vsm', {
  vendorId: { name: 'Vendor Id', type: FT.UInt, blurb: 'IANA SMI Network Management Private Enterprise Code' },
  subtype: { name: 'Subtype', type: FT.UInt },
  data: { name: 'Data', type: FT.Bytes },
});

export const ipAddressFields = defineFields('mip6.mhipv6ap', {
  opt_code: { name: 'Option-Code', type: FT.UInt },
  meaning: { name: 'Option-Code meaning', type: FT.Choice, vals: IP_ADDRESS_MEANING, blurb: 'what the Option-Code means in the message carrying the option' },
  len: { name: 'Prefix Length', type: FT.UInt },
  ipv6_address: { name: 'IPv6 Address', type: FT.IPv6 },
});

registerMhOption({
  key: 'alternateCareOfAddress', name: 'Alternate Care-of Address', align: [8, 6], length: 16, minLength: 16,
  body(ctx, buf, off, _len, item) {
    ctx.tree.add(item, acoaFields.acoa, buf, off, 16);
  },
});

registerMhOption({
  key: 'nonceIndices', name: 'Nonce Indices', align: [2, 0], length: 4, minLength: 4,
  body(ctx, buf, off, _len, item) {
    const b = ctx.tree.buffers[buf]!;
    ctx.tree.add(item, niFields.hni, buf, off, 2, u16(b, off));
    ctx.tree.add(item, niFields.cni, buf, off + 2, 2, u16(b, off + 2));
  },
});

registerMhOption({
  key: 'bindingAuthorizationData', name: 'Binding Authorization Data', align: [8, 2], length: 12, minLength: 12,
  body(ctx, buf, off, len, item) {
    ctx.tree.add(item, badFields.auth, buf, off, len);
  },
});

registerMhOption({
  key: 'mobileNetworkPrefix', name: 'Mobile Network Prefix', align: [8, 4], length: 18, minLength: 18,
  body(ctx, buf, off, _len, item) {
    const tree = ctx.tree;
    const b = tree.buffers[buf]!;
    const r = tree.add(item, mnpFields.reserved, buf, off, 1, b[off]!);
    // RFC 3963 6.2: Reserved MUST be zero.
    if (b[off] !== 0) tree.note(r, 'warning', 'mip6.reserved', 'Mobile Network Prefix reserved byte is not zero (RFC 3963 6.2)');
    const pfl = tree.add(item, mnpFields.pfl, buf, off + 1, 1, b[off + 1]!);
    if (b[off + 1]! > 128) tree.note(pfl, 'error', 'mip6.option.value', `prefix length ${b[off + 1]} is more than 128`);
    tree.add(item, mnpFields.mnp, buf, off + 2, 16);
  },
});

registerMhOption({
  key: 'mobileNodeIdentifier', name: 'Mobile Node Identifier', align: null, length: null, minLength: 1,
  body(ctx, buf, off, len, item) {
    if (len < 1) return;
    const tree = ctx.tree;
    const b = tree.buffers[buf]!;
    const st = tree.add(item, mnidFields.subtype, buf, off, 1, b[off]!);
    // RFC 4283 3: only the NAI subtype is defined; others are shown, not judged as wrong.
    if (b[off] !== 1) tree.note(st, 'note', 'mip6.option.value', `Mobile Node Identifier subtype ${b[off]} is not defined by RFC 4283`);
    tree.add(item, mnidFields.identifier, buf, off + 1, len - 1);
  },
});

registerMhOption({
  key: 'vendorSpecific', name: 'Vendor Specific', align: [4, 2], length: null, minLength: 5,
  body(ctx, buf, off, len, item) {
    // RFC 5094 3: Vendor ID 32 bits, Sub-Type 8 bits, then the vendor's data.
    const tree = ctx.tree;
    const b = tree.buffers[buf]!;
    if (len < 5) {
      if (len > 0) tree.add(item, vsmFields.data, buf, off, len);
      return;
    }
    tree.add(item, vsmFields.vendorId, buf, off, 4, u32(b, off));
    tree.add(item, vsmFields.subtype, buf, off + 4, 1, b[off + 4]!);
    if (len > 5) tree.add(item, vsmFields.data, buf, off + 5, len - 5);
  },
});

registerMhOption({
  key: 'ipAddress', name: 'IP Address', align: [8, 4], length: 18, minLength: 18,
  body(ctx, buf, off, _len, item, messageKey) {
    const tree = ctx.tree;
    const b = tree.buffers[buf]!;
    const code = b[off]!;
    const c = tree.add(item, ipAddressFields.opt_code, buf, off, 1, code);
    if (messageKey !== null) {
      const id = codesByMessage.get(messageKey)?.[code] ?? -1;
      if (id >= 0) tree.addGenerated(c, ipAddressFields.meaning, id, buf, off, 1);
      else if (codesByMessage.has(messageKey)) tree.note(c, 'warning', 'mip6.option.value', `IP Address Option-Code ${code} is not defined for this message`);
    }
    const pl = tree.add(item, ipAddressFields.len, buf, off + 1, 1, b[off + 1]!);
    if (b[off + 1]! > 128) tree.note(pl, 'error', 'mip6.option.value', `prefix length ${b[off + 1]} is more than 128`);
    tree.add(item, ipAddressFields.ipv6_address, buf, off + 2, 16);
  },
});

// RFC 5568 6.4.2: Option-Codes in the fast-handover messages.
const FMIPV6_IP_CODES = { 1: 'Old Care-of Address', 2: 'New Care-of Address', 3: "NAR's IP Address", 4: "NAR's Prefix" } as const;
for (const key of ['fastBindingUpdate', 'fastBindingAck', 'fastNeighborAdvertisement', 'handoverInitiate', 'handoverAck'] as const) {
  registerIpAddressCodes(key, FMIPV6_IP_CODES);
}
