/**
 * Writes every scenario of scenarios.ts as a pcapng capture (and its sidecar
 * files) into the repository's samples/ folder. Deterministic: fixed start
 * time, keys and addresses, so regenerating yields identical bytes.
 *
 *   npm run build && npm run samples
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PcapngWriter } from '../capture/pcapng-writer.js';
import { SCENARIOS, type Scenario, type ScenarioPacket } from './scenarios.js';

/** 2026-01-15T09:00:00Z, the first packet of every capture. */
export const CAPTURE_START = Date.UTC(2026, 0, 15, 9, 0, 0) / 1000;

const LINKTYPE_ETHERNET = 1;

/** samples/ at the repository root, from src/samples/ or dist/samples/ alike. */
export function defaultSamplesDir(): string {
  return fileURLToPath(new URL('../../samples/', import.meta.url));
}

/** Packets in time order; equal times keep the order the scenario listed them in. */
export function orderedPackets(scenario: Scenario): ScenarioPacket[] {
  return scenario.packets
    .map((p, i) => ({ p, i }))
    .sort((a, b) => a.p.t - b.p.t || a.i - b.i)
    .map(({ p }) => p);
}

export function writeScenario(scenario: Scenario, dir: string): string[] {
  const file = join(dir, `${scenario.name}.pcapng`);
  const writer = new PcapngWriter(file, { sectionComment: scenario.description, userAppl: 'mip6scope sample generator' });
  const ifId = writer.addInterface({
    linktype: LINKTYPE_ETHERNET,
    name: 'home-link',
    description: 'home link 2001:db8:1::/64 (home agents 2001:db8:1::a1-a3, router towards care-of addresses in 2001:db8:77::/48)',
    comment: 'Captured on the home link: traffic to and from mobile nodes away from home passes the router 02:00:5e:10:00:01.',
  });
  for (const packet of orderedPackets(scenario)) {
    // Whole microseconds, so the float time never leaks rounding noise into the file.
    const micros = Math.round((CAPTURE_START + packet.t) * 1e6);
    const sec = Math.floor(micros / 1e6);
    const nsec = (micros - sec * 1e6) * 1000;
    writer.writePacket(ifId, sec, nsec, packet.data, undefined, packet.comment === undefined ? undefined : [packet.comment]);
  }
  writer.close();
  const written = [file];
  for (const sidecar of scenario.sidecars ?? []) {
    const path = join(dir, sidecar.name);
    writeFileSync(path, sidecar.text);
    written.push(path);
  }
  return written;
}

/** Writes every scenario into `dir`; returns the paths written. */
export function generateSamples(dir: string = defaultSamplesDir()): string[] {
  mkdirSync(dir, { recursive: true });
  return SCENARIOS.flatMap((make) => writeScenario(make(), dir));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const dir = process.argv[2] ?? defaultSamplesDir();
  const written = generateSamples(dir);
  process.stdout.write(`wrote ${written.length} files to ${dir}\n`);
}
