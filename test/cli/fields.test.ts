/** `mip6scope fields`: the names -Y and -T fields take, all of them and only them. */
import { describe, expect, it } from 'vitest';
import { fieldsMain } from '../../src/cli/fields.js';
import { allFields } from '../../src/dissect/fields.js';
import { compileFilter } from '../../src/filter/index.js';
import { checkFieldNames } from '../../src/output/fields-text.js';

interface Listed { abbrev: string; type: string; name: string; description?: string; unit?: string; values?: Record<string, string> }

const listed = (text?: string): Listed[] => JSON.parse(fieldsMain(text, { format: 'json' }).out) as Listed[];

describe('mip6scope fields', () => {
  it('lists every declared field once, sorted, each a name -Y compiles and -T fields prints', () => {
    const all = listed();
    const names = all.map((f) => f.abbrev);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual([...names].sort());
    for (const d of allFields()) expect(names, d.abbrev).toContain(d.abbrev);
    expect(names).toEqual(expect.arrayContaining(['frame.time_relative', 'frame.time_delta', 'mip6.has.address', 'mip6.bu.seqnr']));
    for (const n of names) {
      expect(() => checkFieldNames([n]), n).not.toThrow();
      // The pseudo-fields of -T fields are times computed when printing, not tree fields.
      if (!/^frame\.time_(relative|delta)/.test(n)) expect(() => compileFilter(n), n).not.toThrow();
    }
  });

  it('says what a field is: type, label, unit, value names, description', () => {
    const [lifetime] = listed('mip6.bu.lifetime');
    expect(lifetime).toMatchObject({ abbrev: 'mip6.bu.lifetime', type: 'unsigned integer', unit: '1 = 4 s' });
    const status = listed('mip6.ba.status').find((f) => f.abbrev === 'mip6.ba.status')!;
    expect(status.values?.['0']).toBe('Binding Update accepted');
    expect(listed('mip6.bu.a_flag')[0]!.type).toBe('boolean');
  });

  it('TEXT keeps the names containing it (any case); text lines are aligned columns; no match is exit 2', () => {
    const has = listed('MIP6.HAS.');
    expect(has.length).toBeGreaterThan(1);
    expect(has.every((f) => f.abbrev.startsWith('mip6.has.'))).toBe(true);
    const text = fieldsMain('mip6.bu.');
    expect(text.code).toBe(0);
    const lines = text.out.trimEnd().split('\n');
    expect(lines.find((l) => l.startsWith('mip6.bu.seqnr '))).toMatch(/^mip6\.bu\.seqnr +unsigned integer +Sequence number$/);
    // The type column starts at the same place on every line.
    const w = Math.max(...listed('mip6.bu.').map((f) => f.abbrev.length));
    for (const l of lines) expect(l.slice(w, w + 3), l).toMatch(/^  \S$/);
    const none = fieldsMain('no-such-field');
    expect([none.code, none.out, none.err]).toEqual([2, '', expect.stringMatching(/no field name contains "no-such-field"/)]);
  });
});
