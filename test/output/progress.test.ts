import { describe, expect, it } from 'vitest';
import { Progress, progressWanted } from '../../src/output/progress.js';

function fakeStream() {
  const writes: string[] = [];
  return { writes, stream: { isTTY: true, columns: 100, write: (s: string) => { writes.push(s); return true; } } };
}

describe('progress', () => {
  it('is shown only on a terminal, for people', () => {
    expect(progressWanted(true, false)).toBe(true);
    expect(progressWanted(false, false)).toBe(false);
    expect(progressWanted(true, true)).toBe(false);
    expect(progressWanted(true, false, true)).toBe(false);
  });

  it('stays silent when stderr is not a terminal', () => {
    const { writes, stream } = fakeStream();
    stream.isTTY = false;
    let t = 0;
    const p = Progress.start(1000, { stream, now: () => (t += 1000) });
    for (let i = 0; i < 5000; i++) p.packet(10);
    p.done();
    expect(writes).toEqual([]);
  });

  it('redraws at most ten times a second and reads the clock every 256 packets', () => {
    const { writes, stream } = fakeStream();
    let t = 0;
    let clockReads = 0;
    const now = () => { clockReads++; return t; };
    const p = Progress.start(1_000_000, { stream, now });
    // 100 000 packets in one simulated second: 1 ms per 100 packets.
    for (let i = 0; i < 100_000; i++) { if (i % 100 === 0) t += 1; p.packet(10); }
    expect(clockReads).toBeLessThanOrEqual(1 + Math.ceil(100_000 / 256));
    expect(writes.length).toBeGreaterThanOrEqual(8);
    expect(writes.length).toBeLessThanOrEqual(10);
    expect(writes.at(-1)).toMatch(/^\r\[#+\.+\] +\d+% [\d,]+ packets, [\d,]+ packets\/s\x1b\[K$/);
    p.done();
    expect(writes.at(-1)).toBe('\r\x1b[K');
  });

  it('shows the share of the file and the rate', () => {
    let t = 0;
    const p = Progress.start(1000, { enabled: false, now: () => t });
    for (let i = 0; i < 500; i++) p.packet(1);
    t = 2000;
    expect(p.line()).toBe(`[############............] 50% 500 packets, 250 packets/s`);
    for (let i = 0; i < 600; i++) p.packet(1);
    expect(p.line()).toMatch(/^\[#{24}\] 99% /);
    expect(Progress.start(null, { enabled: false, now: () => t }).line()).toMatch(/^0 packets, 0 packets\/s$/);
  });

  it('counts work reported in bulk, redrawn at most ten times a second', () => {
    const { writes, stream } = fakeStream();
    let t = 0;
    const p = Progress.start(10_000, { stream, now: () => t });
    t = 50;
    p.add(1000, 1000);
    expect(writes).toEqual([]); // 50 ms since the start: too soon
    t = 150;
    p.add(1000, 1000);
    expect(writes).toEqual([`\r[#####...................] 20% 2,000 packets, 13,333 packets/s\x1b[K`]);
    t = 200;
    p.add(500, 500);
    expect(writes).toHaveLength(1);
    expect(p.line(250)).toMatch(/ 25% 2,500 packets, 10,000 packets\/s$/);
  });
});
