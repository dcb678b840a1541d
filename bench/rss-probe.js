// Preloaded into a measured process (node --import bench/rss-probe.js ...): on exit,
// writes the process's peak resident set size in KiB to $MIP6SCOPE_RSS_FILE.
import { writeFileSync } from 'node:fs';

const out = process.env.MIP6SCOPE_RSS_FILE;
if (out) {
  process.on('exit', () => {
    // resourceUsage().maxRSS is in KiB on Linux.
    writeFileSync(out, `${process.resourceUsage().maxRSS}\n`);
  });
}
