/**
 * Display filters against Wireshark's own: on the fields both have, the packets
 * -Y keeps are tshark's, frame for frame, for slices, functions, arithmetic
 * and the repeated-field operators.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasTshark, NO_TSHARK } from '../craft/external-tools.js';
import { matching, SAMPLES } from './helpers.js';

const FILTERS = [
  'ipv6.dst[0:2] == 20:01', 'ipv6.src[-1] == a2', 'ipv6.src[15] == a2', 'ipv6.src[14-15] == 00:a2', 'ipv6.src[:4] == 20:01:0d:b8',
  'ipv6.src[12:] == 00:00:00:a2', 'ipv6.addr[15] != a2', 'ipv6.addr[-1] == a1', 'ipv6.src[8:] contains 00:a2', 'eth.src[0:3] == 02:00:5e',
  'ipv6.src[0:2] > 20:00', 'ipv6.dst[-2:] <= 10:00',
  'count(mip6.has.address) == 1', 'count(ipv6.addr) == 2', 'count(mip6.bu.seqnr) == 0', 'count(frame.comment) == 1',
  'len(mip6.has.address) == 16', 'len(frame.comment) > 40', 'len(eth.src) == 6', 'len(mip6.bu.seqnr) == 2', 'len(esp.spi) == 4',
  'lower(frame.comment) contains "switch"', 'upper(frame.comment) matches "^HA2"', 'lower(frame.comment) == "ha2 ba accepts seq 2001"',
  'ipv6.addr == 2001:db8:1::a2', 'ipv6.addr != 2001:db8:1::a2', 'ipv6.addr ~= 2001:db8:1::a2', 'ipv6.addr[0:2] === 20:01', 'ipv6.addr[0:2] ~= 20:01',
  // A packet without the field passes no comparison, "!=" included; the negation of "==" and "not in" it does.
  'mip6.bu.seqnr != 1001', 'mip6.bu.seqnr !== 1001', '!(mip6.bu.seqnr == 1001)', 'mip6.bu.seqnr not in {1001, 1002}', 'mip6.has.address != 2001:db8:1::a2',
  'lower(frame.comment) != "x"', 'len(mip6.bu.seqnr) != 3', 'ipv6.addr !== 2001:db8:1::a2',
  // One field against another.
  'mip6.has.address == ipv6.src', 'mip6.has.address != ipv6.dst', 'mip6.has.address != ipv6.src', 'ipv6.addr ~= ipv6.src', 'ipv6.addr === ipv6.src',
  // Wireshark's names that ours answer to.
  'mipv6', 'mipv6 && !mip6.bu.seqnr', 'ipv6.opt.mipv6.home_address == 2001:db8:1::1000',
  'mip6.bu.seqnr > mip6.hlen', 'ipv6.src == ipv6.dst', 'eth.src != eth.dst', 'ipv6.src < ipv6.dst', 'eth.addr == 02:00:5e:10:00:a2', 'eth.addr != 02:00:5e:10:00:01',
  // Arithmetic (Wireshark 4): + - * / %, unary minus, {} to group; a repeated field gives every occurrence (and every pair).
  'mip6.bu.seqnr + 1 == 101', 'mip6.bu.seqnr == 100 + 1', 'frame.len - ipv6.plen == 54', 'mip6.bu.lifetime * 4 == 600', 'mip6.bu.seqnr % 2 == 1',
  '-mip6.bu.seqnr == -100', 'mip6.bu.seqnr + mip6.bu.lifetime == 250', '{mip6.bu.seqnr + 1} * 2 == 202', 'mip6.bu.seqnr / 2 == 50', 'mip6.bu.seqnr -1 == 99',
  'ipv6.opt.type + 0 == 201', 'ipv6.opt.type + ipv6.opt.type == 202', 'ipv6.opt.type + 0 != 1', 'ipv6.opt.type * 1 ~= 1', 'mip6.bu.seqnr + 1',
  'mip6.bu.seqnr / 0 == 0', 'count(ipv6.addr) + 1 == 3', 'len(ipv6.src) * 2 == 32', 'mip6.ba.seqnr - mip6.ba.status > 100', 'frame.len > ipv6.plen * 2',
  'mip6.ba.seqnr * 2 - 1 < 201', 'mip6.bu.seqnr >= {mip6.hlen + 1} * 50',
];
const NEVER = new Set(['ipv6.opt.type + 0 != 1', 'mip6.bu.seqnr / 0 == 0', 'count(mip6.bu.seqnr) == 0', 'mip6.has.address != ipv6.src', 'ipv6.addr === ipv6.src', 'ipv6.src == ipv6.dst', 'mip6.has.address != 2001:db8:1::a2']);
const CAPTURES = ['hard-switch-failover.pcapng', 'registration-and-switch.pcapng', 'bad-no-backoff.pcapng', 'vhar-failover.pcapng'];

function tsharkFrames(capture: string, filter: string): number[] {
  const r = spawnSync('tshark', ['-o', 'esp.enable_null_encryption_decode_heuristic:TRUE', '-r', resolve(SAMPLES, capture), '-Y', filter, '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8' });
  const stderr = r.stderr.split('\n').filter((l) => l.trim() !== '' && !/Running as user/.test(l)).join('\n');
  if (r.status !== 0 || stderr) throw new Error(`tshark -Y '${filter}' failed: ${stderr}`);
  return r.stdout.split('\n').filter(Boolean).map(Number);
}

describe.skipIf(!hasTshark)(`-Y keeps the packets tshark -Y keeps${hasTshark ? '' : ` (skipped: ${NO_TSHARK})`}`, () => {
  it.each(FILTERS)('%s', (filter) => {
    let kept = 0;
    for (const c of CAPTURES) {
      const ours = matching(c, filter);
      expect(ours, `${c}: ${filter}`).toEqual(tsharkFrames(c, filter));
      kept += ours.length;
    }
    // Each filter keeps some packets somewhere, but those that never can (count() of an absent field, a node to itself...).
    if (!NEVER.has(filter)) expect(kept).toBeGreaterThan(0);
  });
});
