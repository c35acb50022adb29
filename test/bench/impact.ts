import { promises as fsp } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseSize } from '../../engine/core/units';
import { commandExists, run, timed } from './measure';
import { writeDocsSection } from './report';
import { STRATA_BIN } from './tools';
import { writeImage } from './workload';

/**
 * `npm run bench:impact [-- --size 2G --seconds 20]`: how much a snapshot slows a foreground
 * workload on the same filesystem. fio (4 KiB random reads and writes, direct I/O, queue depth
 * 4) runs alone, then while snapshots of an uncached image run back to back, once per mode:
 * manual defaults, `--adaptive-io` (the default of scheduled snapshots) and `--io-limit 50M`.
 */
const { values } = parseArgs({
  options: { size: { type: 'string', default: '2G' }, seconds: { type: 'string', default: '20' }, 'keep-docs': { type: 'boolean', default: false } },
});

interface FioResult { iops: number; bwMiB: number; latMs: number; p99Ms: number }

async function fio(dir: string, seconds: number): Promise<FioResult> {
  const r = await run('fio', [
    '--name=foreground', `--directory=${dir}`, '--rw=randrw', '--rwmixread=70', '--bs=4k', '--size=512M', '--ioengine=libaio',
    '--iodepth=4', '--direct=1', '--time_based', `--runtime=${seconds}`, '--output-format=json',
  ]);
  if (r.code !== 0) throw new Error(`fio failed: ${r.stderr}`);
  const job = (JSON.parse(r.stdout) as { jobs: { read: FioSide; write: FioSide }[] }).jobs[0]!;
  const sides = [job.read, job.write];
  const iops = sides.reduce((n, s) => n + s.iops, 0);
  return {
    iops,
    bwMiB: sides.reduce((n, s) => n + s.bw_bytes, 0) / 1048576,
    latMs: sides.reduce((n, s) => n + s.clat_ns.mean * s.iops, 0) / iops / 1e6,
    p99Ms: Math.max(...sides.map((s) => s.clat_ns.percentile?.['99.000000'] ?? 0)) / 1e6,
  };
}

interface FioSide { iops: number; bw_bytes: number; clat_ns: { mean: number; percentile?: Record<string, number> } }

/** Snapshots the image back to back, each from a cold cache, until `stop` says so. */
async function snapshotLoop(home: string, image: string, flags: string[], stop: () => boolean): Promise<number[]> {
  const times: number[] = [];
  while (!stop()) {
    await run('dd', [`if=${image}`, 'iflag=nocache', 'count=0', 'status=none']);
    const s = await timed(process.execPath, [STRATA_BIN, '--home', home, 'snapshot', 'create', 'disk', ...flags]);
    times.push(s.seconds);
  }
  return times;
}

async function main(): Promise<void> {
  if (!(await commandExists('fio'))) throw new Error('fio is not installed (apt-get install -y fio)');
  const seconds = Number(values.seconds);
  const dir = await fsp.mkdtemp(join(tmpdir(), 'strata-impact-'));
  const rows: string[][] = [];
  try {
    const image = join(dir, 'disk.img');
    await writeImage(image, parseSize(values.size!, 'size'), 'strata-reference');
    const fioDir = join(dir, 'fio');
    await fsp.mkdir(fioDir);
    const alone = await fio(fioDir, seconds);
    for (const [label, flags] of [['manual defaults', []], ['`--adaptive-io` (scheduled default)', ['--adaptive-io']], ['`--io-limit 50M`', ['--io-limit', '50M']]] as const) {
      const home = join(dir, `home-${rows.length}`);
      await run(process.execPath, [STRATA_BIN, '--home', home, 'source', 'add', image, '--name', 'disk']);
      let done = false;
      const loop = snapshotLoop(home, image, [...flags], () => done);
      const during = await fio(fioDir, seconds);
      done = true;
      rows.push(row(label, during, await loop));
      await fsp.rm(home, { recursive: true, force: true });
    }
    // Other users of a shared machine move the baseline: measure it again and use the mean.
    const after = await fio(fioDir, seconds);
    const mean = { iops: (alone.iops + after.iops) / 2, bwMiB: (alone.bwMiB + after.bwMiB) / 2, latMs: (alone.latMs + after.latMs) / 2, p99Ms: (alone.p99Ms + after.p99Ms) / 2 };
    for (const r of rows) r[5] = `${((1 - Number(r[2]) / mean.bwMiB) * 100).toFixed(1)} %`;
    rows.unshift(row('fio alone, before', alone, []), row('fio alone, after', after, []), row('fio alone, mean (the baseline)', mean, []));
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
  const head = ['foreground fio while…', 'IOPS', 'MiB/s', 'mean latency', 'p99 latency', 'throughput drop', 'snapshots (s each)'];
  const table = [head, head.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
  const command = `npm run bench:impact -- --size ${values.size} --seconds ${seconds}`;
  console.log(`${command}\n\n${table}`);
  if (!values['keep-docs']) await writeDocsSection('impact', `Command: \`${command}\`.\n\n${table}`);
}

/** A table row; the throughput drop is filled in once the baseline is known. */
function row(label: string, r: FioResult, snaps: number[]): string[] {
  return [label, r.iops.toFixed(0), r.bwMiB.toFixed(1), `${r.latMs.toFixed(2)} ms`, `${r.p99Ms.toFixed(2)} ms`, '', snaps.map((s) => s.toFixed(1)).join(', ')];
}

await main();
