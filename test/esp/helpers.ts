import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AuthAlgorithm, EncAlgorithm, SecurityAssociation } from '../../src/esp/sa.js';

export const FIXTURES = fileURLToPath(new URL('../fixtures/esp/', import.meta.url));
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface Vector {
  name: string;
  spi: number;
  seq: number;
  esn: boolean;
  seqHigh: number;
  enc: EncAlgorithm;
  encKey: string;
  auth: AuthAlgorithm;
  authKey: string;
  ivLength: number;
  icvLength: number;
  nextHeader: number;
  padLength: number;
  plaintext: string;
  packet: string;
}

export const vectorFile = JSON.parse(readFileSync(FIXTURES + 'vectors.json', 'utf8')) as {
  src: string;
  dst: string;
  vectors: Vector[];
};
export const vectors = vectorFile.vectors;

export function saFor(v: Vector, over: Partial<SecurityAssociation> = {}): SecurityAssociation {
  return {
    spi: v.spi,
    src: null,
    dst: null,
    enc: v.enc,
    encKey: Buffer.from(v.encKey, 'hex'),
    auth: v.auth,
    authKey: Buffer.from(v.authKey, 'hex'),
    esn: v.esn,
    replayWindow: 32,
    origin: { file: 'vectors.json', line: 0 },
    ...over,
  };
}

export const hex = (b: Uint8Array | null) => (b ? Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex') : null);
