/**
 * Where the peer tool's test captures are (the agreement and robustness corpus):
 * $MIP6SCOPE_PEER_DIR, else ../shared/peer/tcpdump beside the repository, else the
 * workplace's /work/shared/peer/tcpdump (a clone made elsewhere). Tests that need
 * them skip, saying so, when none exists.
 */
import { existsSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../', import.meta.url));

export const PEER_CANDIDATES = [process.env.MIP6SCOPE_PEER_DIR, resolve(REPO, '../shared/peer/tcpdump'), '/work/shared/peer/tcpdump']
  .filter((d): d is string => typeof d === 'string' && d !== '');

/** The first candidate that exists (the second when none does, so messages name the usual place). */
export const PEER_DIR = PEER_CANDIDATES.find((d) => existsSync(d)) ?? resolve(REPO, '../shared/peer/tcpdump');

/**
 * Hand each of the peer's captures (pcap and pcapng, in name order) to `read`. A capture
 * the reader refuses outright is the reader's test (test/capture): it is passed over, and
 * whatever else `read` throws (a failed expectation among them) is not.
 */
export function eachPeerCapture(read: (path: string) => void): void {
  for (const name of readdirSync(PEER_DIR).filter((n) => /\.(pcap|pcapng)$/.test(n)).sort()) {
    try {
      read(resolve(PEER_DIR, name));
    } catch (e) {
      if (!(e instanceof Error) || !/capture|pcap/i.test(e.message) || e.name === 'AssertionError') throw e;
    }
  }
}
