/**
 * Mobility options (RFC 6275 6.2, RFC 3963 6.2, RFC 4283, RFC 5094, RFC 5568 6.4.2)
 * from hand-written bytes, carried in a Binding Update (RFC 6275 6.1.7) unless said
 * otherwise, and the walker's checks: length, alignment, allowed in the message,
 * Binding Authorization Data last.
 */
import { describe, expect, it } from 'vitest';
import { createDissector } from '../../../src/dissect/index.js';
import { mobilityOptions } from '../../../src/dissect/mh/header.js';
import { ipAddressCodeName, registerIpAddressCodes } from '../../../src/dissect/mh/options.js';
import type { MhMessageDef } from '../../../src/dissect/context.js';
import { dissect, groups, hex, overIpv6, value, values, withChecksum } from './helpers.js';
import { treeText } from '../../../src/output/packets.js';

/** A BU (seq 1000, A, lifetime 4 units) followed by the given option bytes. */
function bu(options: string): Uint8Array {
  const opts = hex(options);
  const len = 12 + opts.length;
  if (len % 8) throw new Error(`BU of ${len} bytes is not a multiple of 8`);
  const head = hex(`3b ${(len / 8 - 1).toString(16).padStart(2, '0')} 05 00 0000  03e8 8000 0004`);
  const out = new Uint8Array(len);
  out.set(head);
  out.set(opts, 12);
  return overIpv6(withChecksum(out));
}

const HOA = '20010db8000000000000000000001000';

describe('options in a Binding Update', () => {
  it('Alternate Care-of Address at 8n+6 (RFC 6275 6.2.5)', () => {
    const t = dissect(bu(`
      01 00                   # PadN, 2 bytes: moves the option to offset 14
      03 10 ${HOA}            # Alternate CoA, length 16`));
    expect(value(t, 'mip6.acoa.acoa')).toBe('2001:db8::1000');
    expect(t.notes).toEqual([]);
  });
  it('Pad1 and PadN are named in the tree (RFC 6275 6.2.2), as Wireshark names them, whatever the profile numbers', () => {
    const t = dissect(bu(`
      01 02 0000              # PadN, 2 bytes of padding
      00 00 00 00 00 00 00 00 # eight Pad1`));
    expect(t.notes).toEqual([]);
    const lines = treeText(t).split('\n').map((l) => l.trim());
    expect(lines).toEqual(expect.arrayContaining(['Option: PadN (1)', 'Type: PadN (1)', 'PadN: 0000', 'Pad1']));
    expect(lines.filter((l) => l === 'Pad1')).toHaveLength(8);
    expect(lines.join('\n')).not.toMatch(/Unknown/);
  });
  it('Nonce Indices then Binding Authorization Data last (RFC 6275 6.2.6, 6.2.7)', () => {
    const t = dissect(bu(`
      04 04 04d2 162e         # Nonce Indices at 12 (2n)
      05 0c 0102030405060708090a0b0c  # Authorization Data at 18 (8n+2)`));
    expect(value(t, 'mip6.ni.hni')).toBe(0x04d2);
    expect(value(t, 'mip6.ni.cni')).toBe(0x162e);
    expect(value(t, 'mip6.bad.auth')).toBe('0102030405060708090a0b0c');
    expect(t.notes).toEqual([]);
  });
  it('Mobile Network Prefix at 8n+4 (RFC 3963 6.2)', () => {
    const t = dissect(bu(`06 12 00 30 20010db8005500000000000000000000  # reserved 0, /48, 2001:db8:55::`));
    expect(value(t, 'mip6.nemo.mnp.pfl')).toBe(48);
    expect(value(t, 'mip6.nemo.mnp.mnp')).toBe('2001:db8:55::');
    expect(t.notes).toEqual([]);
  });
  it('Mobile Network Prefix with reserved bits and a prefix length over 128', () => {
    const t = dissect(bu(`06 12 01 81 20010db8005500000000000000000000`));
    expect(groups(t).sort()).toEqual(['mip6.option.value', 'mip6.reserved']);
  });
  it('Mobile Node Identifier as text (RFC 4283 3)', () => {
    const t = dissect(bu(`
      08 0c 01                # MN Identifier, length 12, subtype 1 (NAI)
      6d6e31406578616d706c65  # "mn1@example"
      01 04 00000000          # PadN`));
    expect(value(t, 'mip6.mnid.subtype')).toBe(1);
    expect(value(t, 'mip6.mnid.identifier')).toBe('mn1@example');
    expect(t.notes).toEqual([]);
  });
  it('Vendor Specific at 4n+2 (RFC 5094 3)', () => {
    const t = dissect(bu(`
      01 00                   # PadN to offset 14
      13 08 00001092 03 010203  # Vendor 4242, sub-type 3, 3 bytes of data`));
    expect(value(t, 'mip6.vsm.vendorId')).toBe(4242);
    expect(value(t, 'mip6.vsm.subtype')).toBe(3);
    expect(value(t, 'mip6.vsm.data')).toBe('010203');
    expect(t.notes).toEqual([]);
  });
  it('Vendor Specific shorter than its 5 fixed bytes is shown raw', () => {
    const t = dissect(bu(`01 00  13 02 0000  01 04 00000000`));
    expect(groups(t)).toEqual(['mip6.option.length']);
    expect(value(t, 'mip6.vsm.vendorId')).toBeUndefined();
    expect(value(t, 'mip6.vsm.data')).toBe('0000');
  });
});

describe('malformed options', () => {
  it('wrong length: Nonce Indices of length 3', () => {
    const t = dissect(bu(`04 03 04d2 16  01 05 0000000000`));
    expect(groups(t)).toContain('mip6.option.length');
    expect(value(t, 'mip6.ni.hni')).toBeUndefined();
  });
  it('misaligned: Alternate CoA at offset 12 instead of 8n+6', () => {
    const t = dissect(bu(`03 10 ${HOA}  01 00`));
    expect(groups(t)).toEqual(['mip6.option.align']);
    expect(value(t, 'mip6.acoa.acoa')).toBe('2001:db8::1000');
  });
  it('not allowed: Alternate CoA in a Binding Acknowledgement', () => {
    const ba = hex(`3b 03 06 00 0000  00 00 03e8 0004   01 00  03 10 ${HOA}`);
    const t = dissect(overIpv6(withChecksum(ba)));
    expect(groups(t)).toEqual(['mip6.option.context']);
  });
  it('Binding Authorization Data not last', () => {
    const t = dissect(bu(`
      01 04 00000000          # PadN to offset 18
      05 0c 0102030405060708090a0b0c  # Authorization Data at 18
      04 04 04d2 162e         # Nonce Indices after it
      01 00`));
    expect(groups(t)).toContain('mip6.option.order');
  });
  it('an option running past the header', () => {
    const t = dissect(bu(`06 20 00 30 ${HOA}`));
    expect(groups(t)).toEqual(['mip6.option.length']);
  });
  it('an IP Address option is not allowed in a Binding Update', () => {
    const t = dissect(bu(`22 12 01 80 ${HOA}`));
    expect(groups(t)).toEqual(['mip6.option.context']);
    expect(value(t, 'mip6.mhipv6ap.opt_code')).toBe(1);
    expect(value(t, 'mip6.mhipv6ap.meaning')).toBeUndefined();
  });
});

describe('IP Address option (RFC 5568 6.4.2) named by the carrying message', () => {
  /** Walk the option bytes as if they followed the message data of `def`. */
  function walk(key: MhMessageDef['key'], options: string) {
    const ctx = createDissector();
    const bytes = hex(`3b 00 00 00 0000 0000 ${options}`);
    ctx.tree.reset(bytes);
    const def: MhMessageDef = { key, name: key, short: key, minHeaderLen: -1, options: null, info: () => '', body: (_c, _b, mh) => mh + 8 };
    mobilityOptions(ctx, 0, 0, 8, bytes.length, -1, def);
    return ctx.tree;
  }
  const option = `00 00 00 00  22 12 02 40 ${HOA}  01 00`;  // Pad1 x4 so it sits at 8n+4

  it('RFC 5568 names in fast-handover messages', () => {
    const t = walk('fastNeighborAdvertisement', option);
    expect(value(t, 'mip6.mhipv6ap.opt_code')).toBe(2);
    expect(value(t, 'mip6.mhipv6ap.meaning')).toBe('New Care-of Address');
    expect(value(t, 'mip6.mhipv6ap.len')).toBe(64);
    expect(value(t, 'mip6.mhipv6ap.ipv6_address')).toBe('2001:db8::1000');
    expect(t.notes).toEqual([]);
  });
  it('codes registered for another message mean what that message says', () => {
    registerIpAddressCodes('stateSynchronization', { 4: 'Home Agent Address', 5: 'Home Address' });
    expect(ipAddressCodeName('stateSynchronization', 5)).toBe('Home Address');
    expect(ipAddressCodeName('handoverInitiate', 4)).toBe("NAR's Prefix");
    const t = walk('stateSynchronization', `00 00 00 00  22 12 05 80 ${HOA}  01 00`);
    expect(value(t, 'mip6.mhipv6ap.meaning')).toBe('Home Address');
    // Code 2 is an RFC 5568 code, not one of this message's.
    const u = walk('stateSynchronization', option);
    expect(value(u, 'mip6.mhipv6ap.meaning')).toBeUndefined();
    expect(groups(u)).toEqual(['mip6.option.value']);
  });
  it('a message without a code table shows the bare code', () => {
    const t = walk('homeAgentSwitch', option);
    expect(values(t, 'mip6.mhipv6ap.meaning')).toEqual([]);
    expect(t.notes).toEqual([]);
  });
});
