// Soak run for `mip6scope live --lint`: shows that a long capture runs in flat memory.
//
// A veth pair is created with its peer in a fresh network namespace; a sample capture is
// replayed onto the peer in a loop (tcpreplay --loop 0, at a fixed packet rate, with
// --unique-ip so every loop brings new addresses and the analyzer must expire old flows);
// `mip6scope live -i <our end> --lint -T ndjson` runs from dist/ on our end. Its resident set
// size is sampled every few seconds; the series, the maximum and the growth after warm-up
// are printed. Everything created is removed at the end (also on Ctrl-C).
//
// Run (Linux, as root, with tcpreplay and iproute2 installed, after `npm run build`):
//   sudo node bench/soak.mjs                     # 5 minutes, 1000 packets/s
//   sudo node bench/soak.mjs --minutes 30 --pps 5000 --every 10 \
//        --sample samples/hard-switch-failover.pcapng
// Options: --minutes M (default 5), --pps N (default 1000), --every S seconds between
// samples (default 5), --sample FILE (default samples/registration-and-switch.pcapng),
// --idle-timeout S passed to live (default 60: flows must expire within the run for the
// plateau to show; live's own default is 600), --no-unique-ip (same addresses every loop).
// Expect RSS to rise for about the idle timeout (flows accumulate) and then stay level.
// --unique-ip rewrites the addresses but not the Mobility Header checksums inside ESP, so from the
// second loop on most packets are reported as MH-CHECKSUM errors: the run measures memory, not conformance.
// Exit status: 0 when it ran, 2 when it could not start.

import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist', 'capture', 'open.js');
if (!existsSync(dist) || !existsSync(join(root, 'dist', 'cli', 'live.js'))) fail('dist/ is not built: run `npm run build` first');
const { openCapture } = await import(dist);

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : dflt;
};
const minutes = Number(opt('minutes', '5'));
const pps = Number(opt('pps', '1000'));
const every = Number(opt('every', '5'));
const samplePath = resolve(opt('sample', join(root, 'samples', 'registration-and-switch.pcapng')));
const idleTimeout = Number(opt('idle-timeout', '60'));
const uniqueIp = !args.includes('--no-unique-ip');
if (!(minutes > 0) || !(pps > 0) || !(every > 0) || !(idleTimeout > 0)) fail('--minutes, --pps, --every and --idle-timeout take positive numbers');
if (process.platform !== 'linux') fail('needs Linux (network namespaces, /proc)');
if (process.getuid?.() !== 0) fail('needs root to create the namespace and capture: sudo node bench/soak.mjs');
for (const cmd of ['ip', 'tcpreplay']) {
  if (spawnSync('sh', ['-c', `command -v ${cmd}`]).status !== 0) fail(`${cmd} is not installed`);
}

// The sample is read with our own reader first, so a bad path fails here and not in tcpreplay.
const reader = openCapture(samplePath);
let samplePackets = 0;
while (reader.next()) samplePackets++;
reader.close();

const id = randomBytes(4).toString('hex');
const ns = `m6soak-${id}`;
const capIf = `m6s${id}`;
const peerIf = `m6q${id}`;
let live = null;
let replay = null;
let cleaned = false;

function fail(msg) {
  process.stderr.write(`soak: ${msg}\n`);
  process.exit(2);
}

function cleanup() {
  if (cleaned) return;
  cleaned = true;
  replay?.kill('SIGTERM');
  live?.kill('SIGTERM');
  spawnSync('ip', ['link', 'del', capIf], { stdio: 'ignore' });
  spawnSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
}
process.on('SIGINT', () => { cleanup(); process.exit(130); });
process.on('exit', cleanup);

const sh = (cmd, a) => execFileSync(cmd, a, { stdio: ['ignore', 'ignore', 'pipe'] });
try {
  sh('ip', ['netns', 'add', ns]);
  sh('ip', ['link', 'add', capIf, 'type', 'veth', 'peer', 'name', peerIf, 'netns', ns]);
  // No IPv6 on either end: the kernel then sends nothing of its own and routes nothing it receives.
  sh('sysctl', ['-qw', `net.ipv6.conf.${capIf}.disable_ipv6=1`]);
  sh('ip', ['netns', 'exec', ns, 'sysctl', '-qw', `net.ipv6.conf.${peerIf}.disable_ipv6=1`]);
  sh('ip', ['link', 'set', capIf, 'up']);
  sh('ip', ['netns', 'exec', ns, 'ip', 'link', 'set', peerIf, 'up']);
} catch (e) {
  cleanup();
  fail(`could not create the veth pair: ${e.stderr?.toString() || e.message}`);
}

// Started before the replay, so the analyzer sees the first loop from its first packet.
live = spawn(process.execPath, [join(root, 'bin', 'mip6scope.js'), 'live', '-i', capIf, '--lint', '-T', 'ndjson', '--fail-on', 'never', '--idle-timeout', String(idleTimeout)],
  { stdio: ['ignore', 'pipe', 'pipe'] });
let lines = 0;
let findings = 0;
let stderr = '';
live.stdout.on('data', (chunk) => {
  // Counting newlines and finding objects is cheap enough not to slow the pipe down.
  for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) lines++;
  for (let i = chunk.indexOf('{"rule":'); i >= 0; i = chunk.indexOf('{"rule":', i + 1)) findings++;
});
live.stderr.on('data', (d) => { stderr += d; });
const liveExit = new Promise((r) => live.on('exit', (code, signal) => r(code ?? signal)));

const waitFor = async (cond, ms) => {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 50))) if (cond()) return true;
  return cond();
};
if (!(await waitFor(() => stderr.includes('capturing on'), 10_000))) {
  cleanup();
  fail(`mip6scope live did not start:\n${stderr}`);
}

replay = spawn('ip', ['netns', 'exec', ns, 'tcpreplay', '-q', '--loop=0', `--pps=${pps}`, ...(uniqueIp ? ['--unique-ip'] : []), '-i', peerIf, samplePath],
  { stdio: ['ignore', 'ignore', 'pipe'] });
let replayErr = '';
replay.stderr.on('data', (d) => { replayErr += d; });

const rssKiB = (pid) => {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : NaN;
  } catch {
    return NaN;
  }
};
const mib = (kib) => (kib / 1024).toFixed(1);

console.log(`soak: ${minutes} min, ${pps} packets/s from ${samplePath} (${samplePackets} packets a loop${uniqueIp ? ', new addresses each loop' : ''}), flows forgotten after ${idleTimeout} s idle, RSS every ${every} s`);
console.log('   time     RSS MiB   output lines   findings');
const series = [];
const start = Date.now();
const endAt = start + minutes * 60_000;
// Stop sampling when less than half an interval is left, so the last two samples are not the same moment.
while (endAt - Date.now() > every * 500 && live.exitCode === null && !cleaned) {
  await new Promise((r) => setTimeout(r, Math.min(every * 1000, endAt - Date.now())));
  const t = (Date.now() - start) / 1000;
  const rss = rssKiB(live.pid);
  if (Number.isNaN(rss)) break;
  series.push({ t, rss });
  console.log(`${t.toFixed(0).padStart(6)} s ${mib(rss).padStart(10)} ${String(lines).padStart(14)} ${String(findings).padStart(10)}`);
}

replay.kill('SIGTERM');
live.kill('SIGINT');
const code = await liveExit;
const summary = stderr.trim().split('\n').filter((l) => / packets? captured /.test(l)).at(-1) ?? '(no summary)';
cleanup();

if (series.length === 0) fail(`no RSS sample was taken; mip6scope live said:\n${stderr}${replayErr}`);
const max = series.reduce((m, s) => Math.max(m, s.rss), 0);
// Growth after warm-up (the first quarter: JIT, buffers, first flows), by least squares over the rest.
const rest = series.slice(Math.floor(series.length / 4));
let slope = 0;
if (rest.length >= 2) {
  const n = rest.length;
  const mt = rest.reduce((a, s) => a + s.t, 0) / n;
  const mr = rest.reduce((a, s) => a + s.rss, 0) / n;
  const num = rest.reduce((a, s) => a + (s.t - mt) * (s.rss - mr), 0);
  const den = rest.reduce((a, s) => a + (s.t - mt) ** 2, 0);
  slope = den > 0 ? num / den : 0;
}
const warm = rest[0];
console.log(`RSS: first sample ${mib(series[0].rss)} MiB at ${series[0].t.toFixed(0)} s; after warm-up ${mib(warm.rss)} MiB at ${warm.t.toFixed(0)} s; `
  + `max ${mib(max)} MiB; end ${mib(series.at(-1).rss)} MiB; trend after warm-up ${(slope * 60 / 1024).toFixed(2)} MiB/min`);
console.log(`mip6scope live exit ${code}: ${summary.replace(/^mip6scope: /, '')}`);
if (replayErr.trim()) console.log(`tcpreplay: ${replayErr.trim().split('\n').at(-1)}`);
