/**
 * The ring between two real threads: the writer here, the reader in a worker
 * (the compiled dist/ module, built by pretest). Sizes and record lengths vary so
 * both sides sleep and wake many times, in both directions; every record must
 * arrive once, in order, intact. A lost wake-up would not hang (waits time out)
 * but a record lost or read twice changes the sums.
 */
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { createRing, RingWriter } from '../../src/analyze/ring.js';

const ringModule = new URL('../../dist/analyze/ring.js', import.meta.url).href;

/** The reader: sums each record's words with its position, optionally slower than the writer. */
const readerSource = `
const { parentPort, workerData } = require('node:worker_threads');
import(workerData.ringModule).then(({ RingReader }) => {
  const r = new RingReader(workerData.sab);
  let records = 0, sum = 0, spin = 0;
  // A bad record stops the writer too (as the analysis thread does), instead of leaving it waiting.
  try {
  for (let at = r.next(); at >= 0; at = r.next()) {
    const n = r.data[at];
    if (r.data[at + 1] !== records % 7) throw new Error('record ' + records + ' has the wrong type');
    for (let i = 2; i < n; i++) sum = (sum + r.data[at + i] * (i + records)) | 0;
    r.advance(n);
    records++;
    if (workerData.slow && records % 64 === 0) for (let k = 0; k < 20000; k++) spin += k;
  }
  } catch (e) { r.fail(); throw e; }
  parentPort.postMessage({ records, sum });
});
`;

async function run(words: number, records: number, slowReader: boolean, slowWriter: boolean): Promise<void> {
  const sab = createRing(words);
  const worker = new Worker(readerSource, { eval: true, workerData: { sab, ringModule, slow: slowReader } });
  const got = new Promise<{ records: number; sum: number }>((resolve, reject) => { worker.once('message', resolve); worker.once('error', reject); });
  const w = new RingWriter(sab);
  let sum = 0;
  let spin = 0;
  for (let k = 0; k < records; k++) {
    const n = 2 + ((k * 7919) % 40);
    const at = w.reserve(n);
    w.data[at] = n;
    w.data[at + 1] = k % 7;
    for (let i = 2; i < n; i++) {
      const v = (k * 31 + i) | 0;
      w.data[at + i] = v;
      sum = (sum + v * (i + k)) | 0;
    }
    w.commit(n);
    if (slowWriter && k % 64 === 0) for (let j = 0; j < 20000; j++) spin += j;
  }
  w.close();
  const res = await got;
  await worker.terminate();
  expect(res).toEqual({ records, sum });
  expect(spin).toBeGreaterThanOrEqual(0);
}

describe('ring between two threads', () => {
  it('a faster writer: every record arrives once, in order, through many full-ring waits', { timeout: 60_000 }, async () => {
    await run(256, 50_000, true, false);
  });
  it('a faster reader: every record arrives once, in order, through many empty-ring waits', { timeout: 60_000 }, async () => {
    await run(256, 50_000, false, true);
  });
  it('a large ring and even speeds', { timeout: 60_000 }, async () => {
    await run(1 << 16, 200_000, false, false);
  });
});
