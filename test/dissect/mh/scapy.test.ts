/**
 * Agreement with Scapy's independent Mobility Header decoder (scapy.layers.inet6
 * MIP6MH_* and MIP6Opt*): the same bytes, decoded by both, give the same values.
 */
import { describe, expect, it } from 'vitest';
import { toHex } from '../../../src/craft/index.js';
import { hasScapy, NO_SCAPY, runScapy } from '../../craft/external-tools.js';
import { dissect, value, values } from './helpers.js';
import { STANDARD } from './standard-messages.js';

/** Scapy decodes RFC 6275 messages and options; Heartbeat and Binding Revocation it leaves generic. */
const DECODED_BY_SCAPY = ['bu', 'bu_nemo', 'ba', 'ba_reject', 'brr', 'hoti', 'coti', 'hot', 'cot', 'be'] as const;

const SCRIPT = String.raw`
import json, sys
from scapy.layers.inet6 import *
def val(v):
    if isinstance(v, bytes): return v.hex()
    if isinstance(v, (int, str)): return v
    try: return int(v)
    except Exception: return str(v)
out = {}
for arg in sys.argv[1:]:
    name, h = arg.split('=')
    p = IPv6(bytes.fromhex(h))
    layers = []
    for cls in [MIP6MH_BU, MIP6MH_BA, MIP6MH_BE, MIP6MH_BRR, MIP6MH_HoTI, MIP6MH_CoTI, MIP6MH_HoT, MIP6MH_CoT]:
        if cls in p:
            mh = p[cls]
            layers.append([cls.__name__, {f.name: val(mh.getfieldval(f.name)) for f in mh.fields_desc if f.name != 'options'}])
            for o in getattr(mh, 'options', []) or []:
                fields = {f.name: val(o.getfieldval(f.name)) for f in o.fields_desc}
                # Scapy keeps the authenticator as a number; its wire bytes are what we compare.
                if isinstance(o, MIP6OptBindingAuthData): fields['authenticator'] = bytes(o)[2:].hex()
                layers.append([type(o).__name__, fields])
    out[name] = layers
print(json.dumps(out))
`;

type Layers = [string, Record<string, string | number>][];

describe.skipIf(!hasScapy)(`standard messages against Scapy (skipped when ${NO_SCAPY})`, () => {
  const decoded = hasScapy
    ? runScapy<Record<string, Layers>>(SCRIPT, DECODED_BY_SCAPY.map((n) => `${n}=${toHex(STANDARD[n]!)}`))
    : {};

  it.each(DECODED_BY_SCAPY)('%s', (name) => {
    const t = dissect(STANDARD[name]!);
    expect(t.notes).toEqual([]);
    const layers = decoded[name]!;
    expect(layers.length).toBeGreaterThan(0);
    let checked = 0;
    const pick = (cls: string): Record<string, string | number>[] => layers.filter(([c]) => c === cls).map(([, f]) => f);
    for (const [cls, f] of layers) {
      switch (cls) {
        case 'MIP6MH_BU': {
          expect(value(t, 'mip6.bu.seqnr')).toBe(f.seq);
          expect(value(t, 'mip6.bu.lifetime')).toBe(f.mhtime);
          // Scapy's 7-bit flags field holds A H L K M R P, A first.
          const ours = ['a', 'h', 'l', 'k', 'm'].map((l) => value(t, `mip6.bu.${l}_flag`))
            .concat([value(t, 'mip6.nemo.bu.r_flag'), value(t, 'mip6.bu.p_flag')])
            .reduce((acc: number, b) => (acc << 1) | (b ? 1 : 0), 0);
          expect(ours).toBe(f.flags);
          checked++;
          break;
        }
        case 'MIP6MH_BA': {
          expect(value(t, 'mip6.ba.status')).toBe(f.status);
          expect(value(t, 'mip6.ba.seqnr')).toBe(f.seq);
          expect(value(t, 'mip6.ba.lifetime')).toBe(f.mhtime);
          checked++;
          break;
        }
        case 'MIP6MH_BE':
          expect(value(t, 'mip6.be.status')).toBe(f.status);
          expect(value(t, 'mip6.be.haddr')).toBe(f.ha);
          checked++;
          break;
        case 'MIP6MH_BRR':
          expect(value(t, 'mip6.mhtype')).toBe(f.mhtype);
          checked++;
          break;
        case 'MIP6MH_HoTI': case 'MIP6MH_CoTI': {
          const p = cls === 'MIP6MH_HoTI' ? 'hoti' : 'coti';
          expect(BigInt(value(t, `mip6.${p}.cookie`) as string)).toBe(BigInt(`0x${f.cookie}`));
          checked++;
          break;
        }
        case 'MIP6MH_HoT': case 'MIP6MH_CoT': {
          const p = cls === 'MIP6MH_HoT' ? 'hot' : 'cot';
          expect(value(t, `mip6.${p}.nindex`)).toBe(f.index);
          expect(BigInt(value(t, `mip6.${p}.cookie`) as string)).toBe(BigInt(`0x${f.cookie}`));
          expect(BigInt(value(t, `mip6.${p}.token`) as string)).toBe(BigInt(`0x${f.token}`));
          checked++;
          break;
        }
        default: break;
      }
    }
    const opts: [string, () => void][] = [
      ['MIP6OptBRAdvice', () => expect(values(t, 'mip6.bra.interval')).toEqual(pick('MIP6OptBRAdvice').map((o) => o.rinter))],
      ['MIP6OptAltCoA', () => expect(values(t, 'mip6.acoa.acoa')).toEqual(pick('MIP6OptAltCoA').map((o) => o.acoa))],
      ['MIP6OptNonceIndices', () => {
        expect(values(t, 'mip6.ni.hni')).toEqual(pick('MIP6OptNonceIndices').map((o) => o.hni));
        expect(values(t, 'mip6.ni.cni')).toEqual(pick('MIP6OptNonceIndices').map((o) => o.coni));
      }],
      ['MIP6OptBindingAuthData', () => expect(values(t, 'mip6.bad.auth')).toEqual(pick('MIP6OptBindingAuthData').map((o) => o.authenticator))],
      ['MIP6OptMobNetPrefix', () => {
        expect(values(t, 'mip6.nemo.mnp.pfl')).toEqual(pick('MIP6OptMobNetPrefix').map((o) => o.plen));
        expect(values(t, 'mip6.nemo.mnp.mnp')).toEqual(pick('MIP6OptMobNetPrefix').map((o) => o.prefix));
      }],
      ['MIP6OptMNID', () => {
        expect(values(t, 'mip6.mnid.subtype')).toEqual(pick('MIP6OptMNID').map((o) => o.subtype));
        expect(values(t, 'mip6.mnid.identifier')).toEqual(pick('MIP6OptMNID').map((o) => Buffer.from(String(o.id), 'hex').toString()));
      }],
    ];
    for (const [, check] of opts) check();
    expect(checked).toBe(1);
  });
});
