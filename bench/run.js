// `npm run bench`: throughput and peak memory of mip6scope on a large capture,
// side by side with tshark and with plain pcap-parser iteration (the floor for
// "reading a file in Node").
//
// The workload (src/bench/workload.ts: 20,000 MNs and 3 HAs; registrations,
// refreshes, Hellos and an RFC 5142 maintenance switch, all under ESP NULL) is
// generated once into bench/cache/ and reused. Every measurement runs as its
// own process, output to /dev/null; the best of --runs runs is reported
// (other load on the machine only ever slows a run down). Peak RSS is the
// process's maximum resident set size.
//
//   npm run bench                  # 1M packets, plus lint on 5M for memory growth
//   npm run bench -- --quick       # 1M packets only, one run each
//   npm run bench -- --runs 5 --packets 2000000 --no-5m
//
// Prints a table and writes bench/results/latest.json (and a copy named after
// the git commit) so results can be compared across commits.

import { spawnSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cacheDir = join(root, 'bench', 'cache');
const resultsDir = join(root, 'bench', 'results');
const probe = join(root, 'bench', 'rss-probe.js');
const cli = join(root, 'bin', 'mip6scope.js');

const args = process.argv.slice(2);
const flag = (name) => args.includes(`--${name}`);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : dflt;
};
const quick = flag('quick');
const packets = Number(opt('packets', '1000000'));
const runs = Number(opt('runs', quick ? '1' : '3'));
const with5m = !quick && !flag('no-5m');
if (!(packets > 0) || !(runs > 0)) fail('--packets and --runs take positive numbers');

if (!existsSync(join(root, 'dist', 'bench', 'workload.js'))) fail('dist/ is not built: run `npm run build` first');
const { writeWorkload, WORKLOAD_VERSION } = await import(join(root, 'dist', 'bench', 'workload.js'));
const { openCapture } = await import(join(root, 'dist', 'capture', 'open.js'));

mkdirSync(cacheDir, { recursive: true });
mkdirSync(resultsDir, { recursive: true });

/** The cached workload of n packets (pcapng), generated when missing. */
function workload(n) {
  // The name carries the generator's version: change WORKLOAD_VERSION when the traffic changes.
  const path = join(cacheDir, `workload-v${WORKLOAD_VERSION}-${n}.pcapng`);
  if (!existsSync(path)) {
    process.stderr.write(`generating ${path} (${n.toLocaleString('en')} packets, once)...\n`);
    const tmp = `${path}.tmp`;
    writeWorkload(tmp, { packets: n, onProgress: (w) => process.stderr.write(`  ${w.toLocaleString('en')}\r`) });
    // Renamed only when complete, so an interrupted run never leaves a short capture behind.
    renameSync(tmp, path);
    process.stderr.write('\n');
  }
  return path;
}

/** The same capture as classic pcap (microseconds), for pcap-parser, which reads nothing else. */
function classicPcap(src) {
  const path = src.replace(/\.pcapng$/, '.pcap');
  if (existsSync(path) && statSync(path).mtimeMs >= statSync(src).mtimeMs) return path;
  const fd = openSync(`${path}.tmp`, 'w');
  const buf = Buffer.alloc(1 << 22);
  let used = 0;
  const flush = () => { let o = 0; while (o < used) o += writeSync(fd, buf, o, used - o); used = 0; };
  buf.writeUInt32LE(0xa1b2c3d4, 0); buf.writeUInt16LE(2, 4); buf.writeUInt16LE(4, 6);
  buf.writeInt32LE(0, 8); buf.writeUInt32LE(0, 12); buf.writeUInt32LE(262144, 16); buf.writeUInt32LE(1, 20);
  used = 24;
  const r = openCapture(src);
  for (let f = r.next(); f; f = r.next()) {
    if (used + 16 + f.caplen > buf.length) flush();
    buf.writeUInt32LE(f.tsSec, used); buf.writeUInt32LE(Math.floor(f.tsNsec / 1000), used + 4);
    buf.writeUInt32LE(f.caplen, used + 8); buf.writeUInt32LE(f.len, used + 12);
    buf.set(f.data, used + 16);
    used += 16 + f.caplen;
  }
  r.close();
  flush();
  closeSync(fd);
  renameSync(`${path}.tmp`, path);
  return path;
}

function have(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

/**
 * Run a command `runs` times with stdout to /dev/null; the best wall time and
 * the highest peak RSS. Node commands get the RSS probe preloaded; others are
 * measured with GNU time when it is installed.
 */
function measure(label, cmd, argv, { node = false, count = packets, times = runs } = {}) {
  let best = Infinity;
  let rss = 0;
  for (let i = 0; i < times; i++) {
    const rssFile = join(cacheDir, `rss-${process.pid}-${i}.txt`);
    rmSync(rssFile, { force: true });
    let c = cmd;
    let a = argv;
    // Node programs get the RSS probe through NODE_OPTIONS, so the CLI runs as users run it
    // (through its shebang); others are measured with GNU time.
    if (node) { /* as given */ } else if (have('/usr/bin/time')) { c = '/usr/bin/time'; a = ['-f', '%M', '-o', rssFile, cmd, ...argv]; }
    const out = openSync('/dev/null', 'w');
    const t0 = process.hrtime.bigint();
    const env = { ...process.env, MIP6SCOPE_RSS_FILE: rssFile, NO_COLOR: '1' };
    if (node) env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --import ${probe}`.trim();
    const res = spawnSync(c, a, { stdio: ['ignore', out, 'pipe'], env, maxBuffer: 1 << 26 });
    const wall = Number(process.hrtime.bigint() - t0) / 1e9;
    closeSync(out);
    if (res.status !== 0 && !(label.startsWith('lint') && res.status === 1)) {
      fail(`${label}: ${c} exited with ${res.status}: ${String(res.stderr).slice(0, 500)}`);
    }
    best = Math.min(best, wall);
    if (existsSync(rssFile)) {
      const kb = Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop());
      if (Number.isFinite(kb)) rss = Math.max(rss, kb / 1024);
      rmSync(rssFile, { force: true });
    }
    process.stderr.write(`  ${label}: ${wall.toFixed(2)} s\n`);
  }
  return { label, packets: count, seconds: round(best, 3), pps: Math.round(count / best), peakRssMiB: rss ? round(rss, 1) : null };
}

function round(x, d) {
  const m = 10 ** d;
  return Math.round(x * m) / m;
}

function fail(msg) {
  process.stderr.write(`bench: ${msg}\n`);
  process.exit(2);
}

// ------------------------------------------------------------------ run
const file = workload(packets);
const rows = [];
process.stderr.write(`workload: ${file} (${(statSync(file).size / 1048576).toFixed(0)} MiB)\n`);

rows.push(measure('floor: pcap-parser iteration (classic pcap)', process.execPath, [join(root, 'bench', 'floor-pcap-parser.js'), classicPcap(file)], { node: true }));
rows.push(measure('floor: mip6scope reader iteration', process.execPath, [join(root, 'bench', 'floor-reader.js'), file], { node: true }));
const readRow = measure('read (summary lines)', cli, ['read', file], { node: true });
rows.push(readRow);
// The same on one thread: what reading the file in two parts at once gains.
const read1 = measure('read --jobs 1 (one thread)', cli, ['read', '--jobs', '1', file], { node: true });
rows.push(read1);
rows.push(measure('read -T ndjson', cli, ['read', '-T', 'ndjson', file], { node: true }));
const lint = measure('lint', cli, ['lint', '--fail-on', 'never', file], { node: true });
rows.push(lint);
// The same on one thread: what the dissect/analyze pipeline of a merged analysis gains.
const lint1 = measure('lint --jobs 1 (one thread)', cli, ['lint', '--jobs', '1', '--fail-on', 'never', file], { node: true });
rows.push(lint1);

let tshark = null;
if (have('tshark')) {
  tshark = measure('tshark -T fields (ESP NULL heuristic)', 'tshark', [
    '-n', '-r', file, '-o', 'esp.enable_null_encryption_decode_heuristic:TRUE', '-T', 'fields',
    '-e', 'frame.number', '-e', 'frame.time_epoch', '-e', 'ipv6.src', '-e', 'ipv6.dst', '-e', 'esp.spi', '-e', 'esp.sequence', '-e', 'mip6.mhtype',
  ], { times: 1 });
  rows.push(tshark);
} else {
  process.stderr.write('  tshark not installed: its row is skipped (apt-get install tshark)\n');
}

let lint5m = null;
if (with5m) {
  const big = workload(5 * packets);
  lint5m = measure(`lint (${(5 * packets / 1e6).toFixed(0)}M packets: memory growth)`, cli, ['lint', '--fail-on', 'never', big], { node: true, count: 5 * packets, times: 1 });
  rows.push(lint5m);
}

// Several files in one lint: one thread vs the default (on two cores, file after file, each read on one thread and analyzed on another).
const parts = [];
const partCount = 4;
for (let i = 0; i < partCount; i++) parts.push(workload(Math.floor(packets / partCount) + i));
const partPackets = parts.reduce((s, p, i) => s + Math.floor(packets / partCount) + i, 0);
const each1 = measure(`lint --each, ${partCount} files, 1 thread`, cli, ['lint', '--each', '--jobs', '1', '--fail-on', 'never', ...parts], { node: true, count: partPackets });
const eachN = measure(`lint --each, ${partCount} files, threads (default)`, cli, ['lint', '--each', '--fail-on', 'never', ...parts], { node: true, count: partPackets });
rows.push(each1, eachN);

// ------------------------------------------------------------------ report
const speedup = tshark ? round(lint.pps / tshark.pps, 1) : null;
const targets = [
  { what: 'lint >= 1,000,000 packets/s', met: lint.pps >= 1_000_000 },
  { what: 'lint >= 15x tshark -T fields', met: speedup === null ? null : speedup >= 15 },
  { what: 'read summary >= 1,500,000 packets/s', met: readRow.pps >= 1_500_000 },
  { what: 'lint peak RSS < 150 MiB on 1M', met: lint.peakRssMiB === null ? null : lint.peakRssMiB < 150 },
  { what: 'lint peak RSS on 5M no higher than on 1M (+10%)', met: lint5m && lint5m.peakRssMiB && lint.peakRssMiB ? lint5m.peakRssMiB <= lint.peakRssMiB * 1.1 : null },
];
const commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).stdout.trim() || 'unknown';
const result = {
  date: new Date().toISOString(), commit, node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model ?? '', memGiB: round(totalmem() / 2 ** 30, 1),
  packets, runs, rows, lintVsTshark: speedup, pipelineSpeedup: round(lint.pps / lint1.pps, 2), readSplitSpeedup: round(readRow.pps / read1.pps, 2), workersSpeedup: round(eachN.pps / each1.pps, 2), targets,
};
writeFileSync(join(resultsDir, 'latest.json'), `${JSON.stringify(result, null, 2)}\n`);
writeFileSync(join(resultsDir, `${commit}.json`), `${JSON.stringify(result, null, 2)}\n`);

const { default: Table } = await import('cli-table3');
const table = new Table({ head: ['measurement', 'packets', 'seconds', 'packets/s', 'peak RSS MiB'], colAligns: ['left', 'right', 'right', 'right', 'right'] });
for (const r of rows) table.push([r.label, r.packets.toLocaleString('en'), r.seconds.toFixed(2), r.pps.toLocaleString('en'), r.peakRssMiB ?? 'n/a']);
console.log(`mip6scope bench, commit ${commit}, ${result.cpus} × ${result.cpu}, node ${process.version}, best of ${runs}`);
console.log(table.toString());
if (speedup !== null) console.log(`lint vs tshark -T fields: ${speedup}x`);
console.log(`lint on two threads (pipeline) vs one thread: ${result.pipelineSpeedup}x`);
console.log(`read in two parts at once vs one thread: ${result.readSplitSpeedup}x`);
console.log(`lint --each on its default threads vs one thread: ${result.workersSpeedup}x`);
for (const t of targets) console.log(`${t.met === null ? '  n/a' : t.met ? '  met' : ' MISS'}  ${t.what}`);
console.log(`written: bench/results/latest.json, bench/results/${commit}.json`);
