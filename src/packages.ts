/**
 * Packages loaded at their first use rather than at start-up: each costs every
 * run several milliseconds to load (a lint of a small capture takes a few
 * hundred), and most runs never need them. Both are CommonJS, so they load
 * synchronously where they are first asked for.
 */
import { createRequire } from 'node:module';
import type Table from 'cli-table3';
import type ipaddrModule from 'ipaddr.js';

const require = createRequire(import.meta.url);

let ipaddrLoaded: typeof ipaddrModule | null = null;
let tableLoaded: typeof Table | null = null;

/** ipaddr.js: address text in display filters and ESP key files. */
export function ipaddr(): typeof ipaddrModule {
  return (ipaddrLoaded ??= require('ipaddr.js') as typeof ipaddrModule);
}

/** cli-table3: tables of findings, statistics and rules (a clean capture's lint prints none). */
export function tableClass(): typeof Table {
  return (tableLoaded ??= require('cli-table3') as typeof Table);
}
