import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCapture } from '../../src/capture/open.js';
import { tsharkAvailable, tsharkFields } from './helpers.js';
import { PEER_DIR } from '../peer-dir.js';

/** Captures from another project's regression suite, several of them deliberately malformed. */
const peerFiles = (() => {
  try {
    return readdirSync(PEER_DIR)
      .filter((f) => f.endsWith('.pcap'))
      .sort();
  } catch {
    return [];
  }
})();

describe.skipIf(peerFiles.length === 0)(`peer captures in ${PEER_DIR}`, () => {
  it.each(peerFiles)('%s opens and reads to the end', (name) => {
    const r = openCapture(join(PEER_DIR, name));
    let frames = 0;
    let lastNumber = 0;
    for (let f = r.next(); f !== null; f = r.next()) {
      frames++;
      expect(f.number).toBe(lastNumber + 1);
      expect(f.data.length).toBe(f.caplen);
      lastNumber = f.number;
    }
    expect(r.next()).toBeNull();
    r.close();
    if (tsharkAvailable) {
      // tshark lists every frame it could read, including those before a truncation.
      expect(frames).toBe(tsharkFields(join(PEER_DIR, name), ['frame.number']).length);
    }
  });
});
