/**
 * Locating the independent tools the cross-checks use. A test that needs one
 * skips, saying why, when it is missing.
 */
import { spawnSync } from 'node:child_process';

/** The interpreter that has Scapy; the `python3` on PATH may not. */
export const SCAPY_PYTHON = process.env.MIP6SCOPE_SCAPY_PYTHON ?? '/usr/bin/python3';

function runs(cmd: string, args: string[]): boolean {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return r.status === 0;
}

export const hasScapy = runs(SCAPY_PYTHON, ['-c', 'import scapy.layers.inet6']);
export const hasTshark = runs('tshark', ['--version']);

export const NO_SCAPY = `${SCAPY_PYTHON} cannot import scapy.layers.inet6`;
export const NO_TSHARK = 'tshark is not on PATH';

/** Run a Python script with Scapy and parse the JSON it prints last. */
export function runScapy<T>(script: string, args: string[] = []): T {
  const r = spawnSync(SCAPY_PYTHON, ['-c', script, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`scapy script failed (${r.status}): ${r.stderr}`);
  const lines = r.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!) as T;
}
