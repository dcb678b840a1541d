/**
 * ESP in the shipped samples (RFC 4303 3.3.3): on every SA the sequence numbers
 * rise by one per packet in capture order, starting at 1, and every ICV, computed
 * over the final sequence number, verifies with the lab keys. The one exception
 * is bad-esp, whose replay and tampered packet are the point of it.
 */
import { describe, expect, it } from 'vitest';
import { lintSample } from '../analyze/helpers.js';
import { bindingUpdate } from '../../src/craft/index.js';
import { createDissector, dissectFrame } from '../../src/dissect/index.js';
import { Lab, mnToHaSpi } from '../../src/samples/lab.js';
import { SCENARIOS } from '../../src/samples/scenarios.js';
import { dissectFields, labSa, samplePath, sampleSas, saTableOf } from './lab-sa.js';
import { value } from '../dissect/mh/helpers.js';

const scenarios = SCENARIOS.map((make) => make());

interface EspFrame { frame: number; sa: string; seq: number; icv: string; icvLength: number }

function espFrames(name: string): EspFrame[] {
  const path = samplePath(`${name}.pcapng`);
  const fields = dissectFields(path, ['ipv6.src', 'ipv6.dst', 'esp.spi', 'esp.sequence', 'esp.icv', 'esp.icv.status'], saTableOf(sampleSas(path)));
  return fields.flatMap((f, i) => (f['esp.spi']!.length === 0 ? [] : [{
    frame: i + 1,
    sa: `0x${(f['esp.spi']![0] as number).toString(16)} ${f['ipv6.src']![0]} -> ${f['ipv6.dst']![0]}`,
    seq: f['esp.sequence']![0] as number,
    icv: String(f['esp.icv.status']![0]),
    icvLength: String(f['esp.icv']![0] ?? '').length / 2,
  }]));
}

/** Sequence numbers per SA, in capture order. */
function bySa(frames: readonly EspFrame[]): Map<string, number[]> {
  const m = new Map<string, number[]>();
  for (const f of frames) m.set(f.sa, [...(m.get(f.sa) ?? []), f.seq]);
  return m;
}

describe('ESP sequence numbers and ICVs in the samples', () => {
  for (const s of scenarios.filter((x) => x.name !== 'bad-esp')) {
    it(`${s.name}: every SA counts 1, 2, 3, ... in capture order and every ICV verifies`, () => {
      const frames = espFrames(s.name);
      for (const [sa, seqs] of bySa(frames)) {
        expect(seqs, `ESP sequence of SA ${sa}`).toEqual(seqs.map((_, i) => i + 1));
      }
      expect(frames.filter((f) => f.icv !== 'good'), 'ESP packets whose ICV did not verify').toEqual([]);
    });
  }

  for (const s of scenarios.filter((x) => !x.name.startsWith('bad-'))) {
    it(`${s.name}: lint reports no ESP-SEQUENCE finding, not even an info-level gap`, () => {
      expect(lintSample(`${s.name}.pcapng`).filter((f) => f.rule === 'ESP-SEQUENCE')).toEqual([]);
    });
  }

  it('every sample with ESP NULL uses a 12-byte ICV between MN and HA and a 16-byte ICV between HAs', () => {
    for (const s of scenarios.filter((x) => x.name !== 'esp-encrypted')) {
      for (const f of espFrames(s.name)) expect(f.icvLength, `${s.name} frame ${f.frame} (${f.sa})`).toBe(f.sa.startsWith('0x2') ? 16 : 12);
    }
  });

  it('bad-esp: the replay repeats sequence 1 and only the tampered packet fails its ICV', () => {
    const frames = espFrames('bad-esp');
    const sas = [...bySa(frames).values()];
    expect(sas).toEqual([[1, 1, 2, 3], [1, 2]]);
    expect(frames.filter((f) => f.icv !== 'good').map((f) => [f.frame, f.seq, f.icv])).toEqual([[4, 2, 'bad']]);
  });

  it('Lab.inTimeOrder numbers packets built out of time order by time, keeps an explicit (replayed) number, and the ICVs cover the final numbers', () => {
    const lab = new Lab();
    const bu = (seq: number) => bindingUpdate({ sequence: seq, flags: { A: true, H: true, K: true }, lifetimeUnits: 150 });
    const built = [
      { t: 3, data: lab.mnToHa(1, 1, bu(3)) },
      { t: 1, data: lab.mnToHa(1, 1, bu(1)) },
      { t: 2, data: lab.mnToHa(1, 1, bu(2)) },
      { t: 2.5, data: lab.mnToHa(1, 1, bu(1), { seq: 1 }) },
    ];
    const ordered = lab.inTimeOrder(built);
    const ctx = createDissector();
    ctx.saTable = saTableOf([labSa(mnToHaSpi(1, 1))]);
    const seen = ordered.map((p) => {
      dissectFrame(ctx, { number: 1, tsSec: 0, tsNsec: 0, linktype: 1, caplen: p.data.length, len: p.data.length, data: p.data, interfaceId: 0, comments: null });
      return [p.t, value(ctx.tree, 'mip6.bu.seqnr'), value(ctx.tree, 'esp.sequence'), value(ctx.tree, 'esp.icv.status')];
    });
    expect(seen).toEqual([[1, 1, 1, 'good'], [2, 2, 2, 'good'], [2.5, 1, 1, 'good'], [3, 3, 3, 'good']]);
  });
});
