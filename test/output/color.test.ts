import { describe, expect, it } from 'vitest';
import { colorEnabled, colorize, stripColor } from '../../src/output/color.js';

describe('colour decision', () => {
  it.each([
    [true, {}, undefined, true],
    [true, {}, true, true],
    [false, {}, undefined, false],
    [true, {}, false, false],
    [true, { NO_COLOR: '1' }, undefined, false],
    [true, { NO_COLOR: '' }, undefined, true],
    [true, { TERM: 'dumb' }, undefined, false],
    [false, { FORCE_COLOR: '1' }, undefined, true],
    [false, { FORCE_COLOR: '0' }, undefined, false],
    [true, { FORCE_COLOR: '1', NO_COLOR: '1' }, undefined, false],
    [false, { FORCE_COLOR: '1' }, false, false],
  ] as const)('tty %s env %j flag %s → %s', (tty, env, flag, want) => {
    expect(colorEnabled(tty, env, flag)).toBe(want);
  });

  it('colours severities only when enabled', () => {
    const on = colorize(true);
    expect(on.severity('error', 'bad checksum')).toBe('\x1b[31mbad checksum\x1b[39m');
    expect(on.severity('warning', 'w')).toBe('\x1b[33mw\x1b[39m');
    expect(on.protocol('Mobile IPv6')).toBe('\x1b[1mMobile IPv6\x1b[22m');
    expect(stripColor(on.severity('note', 'n') + on.generated('[x]'))).toBe('n[x]');
    const off = colorize(false);
    expect(off.severity('error', 'bad checksum')).toBe('bad checksum');
    expect(off.protocol('Mobile IPv6')).toBe('Mobile IPv6');
  });
});
