/**
 * Captures from another project's regression suite: ipv6_mobility_1.pcap must decode
 * to what its verbose listing (ipv6_mobility_1-v.out) says, line by line, and every
 * capture there (several deliberately malformed) must dissect without throwing.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCapture } from '../../../src/capture/index.js';
import { createDissector, dissectFrame } from '../../../src/dissect/index.js';
import { fieldByAbbrev } from '../../../src/dissect/fields.js';
import { ipv6ToString, toHex } from '../../../src/dissect/format.js';
import type { Tree } from '../../../src/dissect/tree.js';
import { info, value } from './helpers.js';
import { PEER_DIR } from '../../peer-dir.js';

const present = existsSync(join(PEER_DIR, 'ipv6_mobility_1.pcap'));

const TYPE_BY_NAME: Record<string, number> = { BRR: 0, HoTI: 1, CoTI: 2, HoT: 3, CoT: 4, BU: 5, BA: 6, BE: 7 };
const OPTION_NAME: Record<number, string> = { 1: 'padn', 2: 'refresh', 3: 'alt-CoA', 4: 'ni', 5: 'auth' };

/** Our options in order, written the way the listing writes them ("alt-CoA: …", "ni: ho=0x04d2 co=0x162e"). */
function optionList(tree: Tree): string[] {
  const opt = fieldByAbbrev('mip6.opt')!;
  const pad1 = fieldByAbbrev('mip6.pad1')!;
  const out: string[] = [];
  for (let i = 0; i < tree.count; i++) {
    if (tree.field[i] === pad1.id) out.push('pad1');
    if (tree.field[i] !== opt.id) continue;
    const type = tree.value[i]!;
    const b = tree.bufferOf(i);
    const s = tree.start[i]!;
    const name = OPTION_NAME[type] ?? `type ${type}`;
    if (type === 2) out.push(`${name}: ${((b[s + 2]! << 8) | b[s + 3]!) * 4}`);
    else if (type === 3) out.push(`${name}: ${ipv6ToString(b, s + 2)}`);
    else if (type === 4) out.push(`${name}: ho=0x${toHex(b, s + 2, 2)} co=0x${toHex(b, s + 4, 2)}`);
    else out.push(name);
  }
  return out;
}

const cookieHex = (v: unknown): string => BigInt(v as string).toString(16).padStart(16, '0');

describe.skipIf(!present)(`peer captures in ${PEER_DIR} (skipped when absent)`, () => {
  it('ipv6_mobility_1.pcap decodes as ipv6_mobility_1-v.out lists it', () => {
    const lines = readFileSync(join(PEER_DIR, 'ipv6_mobility_1-v.out'), 'utf8').split('\n').filter((l) => l.includes('mobility: '));
    const brief = readFileSync(join(PEER_DIR, 'ipv6_mobility_1.out'), 'utf8').split('\n').filter((l) => l.includes('mobility: '));
    expect(lines.length).toBe(16);
    expect(brief.length).toBe(lines.length);
    const ctx = createDissector();
    const r = openCapture(join(PEER_DIR, 'ipv6_mobility_1.pcap'));
    let n = 0;
    for (let f = r.next(); f !== null; f = r.next(), n++) {
      dissectFrame(ctx, f);
      const t = ctx.tree;
      const text = lines[n]!.slice(lines[n]!.indexOf('mobility: ') + 'mobility: '.length);
      // The brief listing says the same as the verbose one, less the options and cookies.
      expect(text.startsWith(brief[n]!.slice(brief[n]!.indexOf('mobility: ') + 'mobility: '.length).trim())).toBe(true);
      const kind = /^(\w+)/.exec(text)![1]!;
      expect(value(t, 'mip6.mhtype'), text).toBe(TYPE_BY_NAME[kind]);
      const m = (re: RegExp): string | undefined => re.exec(text)?.[1];
      const seq = m(/seq#=(\d+)/);
      const life = m(/lifetime=(\d+)/);
      const status = m(/status=(\d+)/);
      const p = kind === 'BU' ? 'bu' : kind === 'BA' ? 'ba' : kind === 'BE' ? 'be' : kind.toLowerCase();
      if (seq) expect(value(t, `mip6.${p}.seqnr`)).toBe(+seq);
      if (life) expect((value(t, `mip6.${p}.lifetime`) as number) * 4).toBe(+life);
      if (status) expect(value(t, `mip6.${p}.status`)).toBe(+status);
      if (kind === 'BU' && text.includes(' A ')) expect(value(t, 'mip6.bu.a_flag')).toBe(true);
      const home = m(/homeaddr (\S+)/);
      if (home) expect(value(t, 'mip6.be.haddr')).toBe(home);
      const nonce = m(/nonce id=0x([0-9a-f]+)/);
      if (nonce) expect(value(t, `mip6.${p}.nindex`)).toBe(parseInt(nonce, 16));
      const init = m(/Init Cookie=([0-9a-f:]+)/);
      if (init) expect(cookieHex(value(t, `mip6.${p}.cookie`))).toBe(init.replace(':', ''));
      const token = m(/Keygen Token=([0-9a-f:]+)/);
      if (token) expect(cookieHex(value(t, `mip6.${p}.token`))).toBe(token.replace(':', ''));
      const listed = [...text.matchAll(/\(([^)]*)\)/g)].map((x) => x[1]!);
      expect(optionList(t), text).toEqual(listed);
      expect(info(t)).not.toBe('');
    }
    r.close();
    expect(n).toBe(lines.length);
  });

  const files = present ? readdirSync(PEER_DIR).filter((f) => f.endsWith('.pcap')).sort() : [];
  it.each(files)('%s dissects every frame without throwing', (name) => {
    const ctx = createDissector();
    const r = openCapture(join(PEER_DIR, name));
    let frames = 0;
    for (let f = r.next(); f !== null; f = r.next()) {
      dissectFrame(ctx, f);
      if (ctx.tree.info) ctx.tree.info(ctx.tree, ctx.tree.infoItem);
      frames++;
    }
    r.close();
    expect(frames).toBeGreaterThan(0);
  });
});
