/** The failover/switch events TimelineCollector reads from dissected packets. */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCapture } from '../../src/capture/open.js';
import { createDissector, dissectFrame } from '../../src/dissect/index.js';
import { TimelineCollector, type TimelineEvent } from '../../src/output/timeline.js';
import { matching, SAMPLES } from '../filter/helpers.js';

function eventsOf(name: string): TimelineEvent[] {
  const ctx = createDissector();
  const tl = new TimelineCollector(ctx.profile.mhTypes);
  const r = openCapture(resolve(SAMPLES, name));
  for (let f = r.next(); f; f = r.next()) { dissectFrame(ctx, f); tl.add(ctx.tree, f, name, 0); }
  r.close();
  return tl.events();
}
const at = (events: TimelineEvent[], frame: number): string[] => events.filter((e) => e.frame === frame).map((e) => e.text);
const HELLO = 'mip6.mhtype == "Home Agent Hello"';

describe('timeline events', () => {
  it('manual switchover: the active steps down, the standby takes over from it', () => {
    const name = 'manual-switchover.pcapng';
    const down = matching(name, `${HELLO} && ipv6.src == 2001:db8:1::a1 && mip6.harel.hello.a_flag == 0`)[0]!;
    const up = matching(name, `${HELLO} && ipv6.src == 2001:db8:1::a2 && mip6.harel.hello.a_flag == 1`)[0]!;
    const ev = eventsOf(name);
    expect(at(ev, down)).toEqual(['2001:db8:1::a1 steps down to standby in group 7']);
    expect(at(ev, up)).toEqual([expect.stringMatching(/^2001:db8:1::a2 takes over as the active home agent of group 7 \(preference \d+\) from 2001:db8:1::a1, which stepped down$/)]);
    // Nobody went silent.
    expect(ev.some((e) => /last Hello/.test(e.text))).toBe(false);
  });

  it('split brain: a second HA claims active while the first still sends Hellos', () => {
    const name = 'bad-split-brain.pcapng';
    const claim = matching(name, `${HELLO} && ipv6.src == 2001:db8:1::a2 && mip6.harel.hello.a_flag == 1`)[0]!;
    expect(at(eventsOf(name), claim)).toEqual([expect.stringMatching(/^2001:db8:1::a2 claims active for group 7 .* while 2001:db8:1::a1 .* is still active/)]);
  });

  it('a single switch and its re-registration are one line each', () => {
    const name = 'registration-and-switch.pcapng';
    const sw = matching(name, 'mip6.mhtype == 12');
    const ba = matching(name, 'mip6.mhtype == 6 && ipv6.src == 2001:db8:1::a2')[0]!;
    const ev = eventsOf(name);
    expect(at(ev, sw[0]!)).toEqual([expect.stringMatching(/^first Home Agent Switch from 2001:db8:1::a1, to 2001:db8:1::1000 \(go to 2001:db8:1::a2\)$/)]);
    expect(at(ev, sw.at(-1)!)).toEqual([expect.stringMatching(new RegExp(`^last Home Agent Switch from 2001:db8:1::a1, to 2001:db8:1::1000: ${sw.length} sent to 1 mobile node \\(${sw.length - 1} retransmission`))]);
    // The de-registration at the old HA (lifetime 0) is not the re-registration; the BA from the listed HA is.
    expect(at(ev, ba)).toEqual([expect.stringMatching(/^2001:db8:1::1000 re-registers at 2001:db8:1::a2, /)]);
    expect(ev).toHaveLength(3);
  });
});
