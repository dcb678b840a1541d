/**
 * `lint --timeline` on the hard-switch failover sample: HA1 (active) stops sending
 * Hellos, HA2 takes over, sends Home Agent Switch messages to the 50 mobile nodes
 * (some retransmitted), and they re-register with it. The expected frames are found
 * in the capture with display filters, independently of the timeline code.
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintMain, type LintOptions } from '../../src/cli/lint.js';
import { matching, SAMPLES } from '../filter/helpers.js';

const NAME = 'hard-switch-failover.pcapng';
const FILE = resolve(SAMPLES, NAME);
const HA1 = '2001:db8:1::a1';
const HA2 = '2001:db8:1::a2';

async function lint(opts: Partial<LintOptions> = {}): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await lintMain([FILE], { failOn: 'never', format: 'text', ...opts } as LintOptions, { out: (s) => { out += s; }, err: () => undefined, terminal: { stdoutIsTTY: false, env: {} } });
  return { code, out };
}

/** The lines of the Timeline section (without its heading). */
function timeline(out: string): string[] {
  const lines = out.split('\n');
  const at = lines.indexOf('Timeline');
  expect(at, 'no Timeline section').toBeGreaterThanOrEqual(0);
  const end = lines.indexOf('', at);
  return lines.slice(at + 1, end);
}

/** The single timeline line at `frame` that matches `re`. */
function lineAt(lines: string[], frame: number, re: RegExp): string {
  const found = lines.filter((l) => new RegExp(`^  \\+\\d+\\.\\d{3}s +#${frame} `).test(l) && re.test(l));
  expect(found, `no line at #${frame} matching ${re} in\n${lines.join('\n')}`).toHaveLength(1);
  return found[0]!;
}

const frameOf = (l: string): number => Number(/#(\d+)/.exec(l)![1]);
const timeOf = (l: string): number => Number(/\+(\d+\.\d+)s/.exec(l)![1]);

describe('lint --timeline (hard-switch-failover)', () => {
  const hello = 'mip6.mhtype == "Home Agent Hello"';
  const helloFrom = (ha: string) => matching(NAME, `${hello} && ipv6.src == ${ha}`);
  const switches = matching(NAME, `mip6.mhtype == 12 && ipv6.src == ${HA2}`);
  const acceptedFromHa2 = matching(NAME, `mip6.mhtype == 6 && mip6.ba.status < 128 && ipv6.src == ${HA2}`);
  const takeover = matching(NAME, `${hello} && ipv6.src == ${HA2} && mip6.harel.hello.a_flag == 1`)[0]!;
  const lastHelloHa1 = helloFrom(HA1).at(-1)!;

  it('the capture is what the test expects', () => {
    expect(lastHelloHa1).toBeLessThan(takeover);
    expect(switches.length).toBeGreaterThan(50);
    expect(acceptedFromHa2.length).toBe(50);
  });

  it('shows the last Hello of the active HA, the takeover, the switches and the re-registrations with their frames', async () => {
    const { code, out } = await lint({ timeline: true });
    expect(code).toBe(0);
    const tl = timeline(out);

    lineAt(tl, 1, new RegExp(`${HA1} is the active home agent of group 7`));
    lineAt(tl, lastHelloHa1, new RegExp(`last Hello from ${HA1} \\(active, group 7`));
    lineAt(tl, takeover, new RegExp(`${HA2} takes over as the active home agent of group 7 .*after the last Hello of ${HA1} \\(#${lastHelloHa1}\\)`));
    lineAt(tl, takeover, /HAR-FAILOVER: failover:/);

    lineAt(tl, switches[0]!, new RegExp(`first Home Agent Switch from ${HA2}, to 2001:db8:1::1000`));
    lineAt(tl, switches.at(-1)!, new RegExp(`last Home Agent Switch from ${HA2}.*: ${switches.length} sent to 50 mobile nodes \\(${switches.length - 50} retransmissions\\)`));
    lineAt(tl, acceptedFromHa2[0]!, new RegExp(`first re-registration after a Home Agent Switch: 2001:db8:1::1000 re-registers at ${HA2}`));
    lineAt(tl, acceptedFromHa2.at(-1)!, new RegExp(`last re-registration at ${HA2}: .*; 50 mobile nodes re-registered`));

    // In time order, and the story in the order it happened.
    const times = tl.map(timeOf);
    expect(times).toEqual([...times].sort((x, y) => x - y));
    const order = [lastHelloHa1, takeover, switches[0]!, acceptedFromHa2[0]!, switches.at(-1)!, acceptedFromHa2.at(-1)!];
    const firstIndex = (f: number) => tl.findIndex((l) => frameOf(l) === f);
    expect(order.map(firstIndex)).toEqual([...order.map(firstIndex)].sort((x, y) => x - y));
  });

  it('is absent without --timeline, and from machine formats', async () => {
    const { out } = await lint();
    expect(out).not.toMatch(/^Timeline$/m);
    expect(out).not.toMatch(/takes over as the active|first Home Agent Switch from|first re-registration|last Hello from/);
    expect(out).toMatch(/HAR-FAILOVER/);
    const json = await lint({ timeline: true, format: 'json' });
    expect(() => JSON.parse(json.out)).not.toThrow();
    expect(json.out).not.toMatch(/Timeline/);
  });

  it('with -Y shows only the events on matching packets', async () => {
    const { out } = await lint({ timeline: true, displayFilter: 'mip6.mhtype == 12' });
    const tl = timeline(out);
    expect(tl.length).toBeGreaterThan(0);
    for (const l of tl) expect(switches).toContain(frameOf(l));
    expect(tl.join('\n')).not.toMatch(/takes over|Hello/);
  });

  it('says so when there is nothing to tell', async () => {
    let out = '';
    await lintMain([resolve(SAMPLES, 'refresh.pcapng')], { failOn: 'never', timeline: true } as LintOptions, { out: (s) => { out += s; }, err: () => undefined });
    expect(timeline(out)).toEqual(['  (no failover or switch events)']);
  });
});
