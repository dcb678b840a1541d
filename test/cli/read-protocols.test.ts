/** `read -O`: the tree of the named protocols only, the others one line each (tshark's -O). */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SAMPLES } from '../filter/helpers.js';
import { parseProtocols } from '../../src/cli/print-options.js';
import { runRead } from './read-helpers.js';

const sample = (n: string): string => resolve(SAMPLES, n);

describe('read -O', () => {
  /** -V's lines with the subtrees of the protocols not named taken out. */
  function collapsed(lines: string[], keep: string[]): string[] {
    const out: string[] = [];
    let inKept = true;
    for (const l of lines) {
      if (!l.startsWith(' ')) { inKept = keep.includes(l); out.push(l); continue; }
      if (inKept) out.push(l);
    }
    return out;
  }

  it('is -V with only the named protocols in full, the others one line each', () => {
    const f = sample('hard-switch-failover.pcapng');
    const verbose = runRead([f], { verbose: true, count: 12 }).lines.flatMap((l) => l.split('\n'));
    const only = runRead([f], { protocols: ['mip6', 'esp'], count: 12 }).lines.flatMap((l) => l.split('\n'));
    expect(only).toEqual(collapsed(verbose, ['Mobile IPv6', 'Encapsulating Security Payload']));
    expect(only.length).toBeLessThan(verbose.length);
    expect(only).toContain('Internet Protocol Version 6');
    expect(only.some((l) => l.includes('Source Address'))).toBe(false);
    expect(only.some((l) => l.includes('Mobility Header Type'))).toBe(true);
  });

  it('takes Wireshark\'s protocol names too (mipv6 for mip6)', () => {
    const f = sample('refresh.pcapng');
    expect(runRead([f], { protocols: parseProtocols('mipv6'), count: 3 }).lines).toEqual(runRead([f], { protocols: ['mip6'], count: 3 }).lines);
  });

  it('names only protocols: a field or an unknown name is refused with the close ones', () => {
    const bad = spawnSync(process.execPath, [resolve(__dirname, '../../bin/mip6scope.js'), 'read', '-O', 'mip7', sample('refresh.pcapng')], { encoding: 'utf8' });
    expect([bad.status, bad.stdout]).toEqual([2, '']);
    expect(bad.stderr).toMatch(/^mip6scope: -O mip7: not a protocol\n {2}did you mean .*mip6/);
    const field = spawnSync(process.execPath, [resolve(__dirname, '../../bin/mip6scope.js'), 'read', '-O', 'mip6,ipv6.src', sample('refresh.pcapng')], { encoding: 'utf8' });
    expect(field.status).toBe(2);
    expect(field.stderr).toMatch(/-O ipv6.src: not a protocol/);
  });
});
