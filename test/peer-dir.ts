/**
 * Where the peer tool's test captures are (the agreement and robustness corpus):
 * $MIP6SCOPE_PEER_DIR, else ../shared/peer/tcpdump beside the repository, else the
 * workplace's /work/shared/peer/tcpdump (a clone made elsewhere). Tests that need
 * them skip, saying so, when none exists.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../', import.meta.url));

export const PEER_CANDIDATES = [process.env.MIP6SCOPE_PEER_DIR, resolve(REPO, '../shared/peer/tcpdump'), '/work/shared/peer/tcpdump']
  .filter((d): d is string => typeof d === 'string' && d !== '');

/** The first candidate that exists (the second when none does, so messages name the usual place). */
export const PEER_DIR = PEER_CANDIDATES.find((d) => existsSync(d)) ?? resolve(REPO, '../shared/peer/tcpdump');
