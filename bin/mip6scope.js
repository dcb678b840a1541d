#!/usr/bin/env node
// Executable shim: the compiled CLI lives in dist/ (built by `npm install` through `prepare`).
// V8's default heap sizes: the per-packet path allocates next to nothing, so the young
// generation stays small on long captures anyway; limiting it (--max-semi-space-size=2 here
// once) kept no memory and made every start some 20 ms slower (README, "where the time goes").
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const entry = join(here, '..', 'dist', 'cli', 'main.js');
if (!existsSync(entry)) {
  process.stderr.write('mip6scope: the compiled program is missing (dist/). Run `npm install` or `npm run build` in the package folder.\n');
  process.exit(2);
}
// A merged lint of a large capture runs on two threads; the second takes as long to start as this
// one takes to load the program, so it is started first (dist/cli/analyzer-thread.js says more).
if (process.argv[2] === 'lint') {
  const { likelyPipelined, startAnalyzerEarly } = await import(join(here, '..', 'dist', 'cli', 'analyzer-thread.js'));
  if (likelyPipelined(process.argv.slice(3))) startAnalyzerEarly();
}
const { main } = await import(entry);
process.exitCode = await main(process.argv);
