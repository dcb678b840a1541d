/**
 * The profile decides what a capture decodes to: the same bytes read differently
 * when a draft message is given another number.
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildProfile } from '../../../src/profile/profile.js';
import { createDissector } from '../../../src/dissect/index.js';
import { eachFrame, SAMPLES } from '../helpers.js';
import { dissect, dissectorFor, groups, info, mhPacket, value } from './helpers.js';

function helloCount(profile = buildProfile()): { hellos: number; unknown: number } {
  let hellos = 0;
  let unknown = 0;
  eachFrame(resolve(SAMPLES, 'manual-switchover.pcapng'), createDissector(profile), (t) => {
    if (info(t).startsWith('HA Hello')) hellos++;
    if (t.notes.some((n) => n.group === 'mip6.type.unknown')) unknown++;
  });
  return { hellos, unknown };
}

describe('profile-driven decoding', () => {
  it('a Hello on 200 is a Hello only under a profile that puts it there', () => {
    const packet = mhPacket('3b 01 c8 00 0000  002a 0014 0708 0001 07 80');
    const moved = dissect(packet, dissectorFor({ mhTypes: { homeAgentHello: 200 } }));
    expect(info(moved)).toBe('HA Hello seq 42 group 7 ACTIVE pref 20');
    const byDefault = dissect(packet);
    expect(value(byDefault, 'mip6.harel.hello.seq')).toBeUndefined();
    expect(groups(byDefault)).toEqual(['mip6.type.unknown']);
  });

  it('moving the Hello changes what a sample capture decodes to', () => {
    const normal = helloCount();
    expect(normal.hellos).toBeGreaterThan(10);
    expect(normal.unknown).toBe(0);
    const moved = helloCount(buildProfile({ mhTypes: { homeAgentHello: 200 }, source: 'test' }));
    expect(moved.hellos).toBe(0);
    expect(moved.unknown).toBe(normal.hellos);
  });

  it('two draft messages swapped swap their decoding', () => {
    const packet = mhPacket('3b 01 f9 00 0000  03 00  0009  01 04 00000000');
    const swapped = dissect(packet, dissectorFor({ mhTypes: { homeAgentControl: 248, stateSynchronization: 249 } }));
    expect(value(swapped, 'mip6.harel.sync.type')).toBe(3);
    expect(value(swapped, 'mip6.harel.sync.id')).toBe(9);
    expect(value(swapped, 'mip6.harel.ctrl.type')).toBeUndefined();
    const byDefault = dissect(packet);
    expect(value(byDefault, 'mip6.harel.ctrl.type')).toBe(3);
    expect(value(byDefault, 'mip6.harel.sync.id')).toBeUndefined();
  });
});
