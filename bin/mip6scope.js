#!/usr/bin/env node
// Executable shim: the compiled CLI lives in dist/ (built by `npm install` through `prepare`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const entry = join(here, '..', 'dist', 'cli', 'main.js');
if (!existsSync(entry)) {
  process.stderr.write('mip6scope: the compiled program is missing (dist/). Run `npm install` or `npm run build` in the package folder.\n');
  process.exit(2);
}
const { main } = await import(entry);
process.exitCode = await main(process.argv);
