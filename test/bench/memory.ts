import { promises as fsp } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseSize } from '../../engine/core/units';
import { decodeIndexFile } from '../../engine/pack/index-file';
import { MasterIndex } from '../../engine/pack/master-index';
import { BlobType } from '../../engine/pack/record';
import { openService } from '../helpers/home';
import { mib, writeDocsSection } from './report';
import { timed, type Sample } from './measure';
import { STRATA_BIN } from './tools';
import { SeededStream, applyWrites, dayOfWrites, writeImage } from './workload';

/**
 * `node --import tsx test/bench/memory.ts [--big 1T]`: memory that does not grow with the disk.
 * Peak RSS of a full snapshot (plaintext and encrypted) and of a restore of the 2 GiB reference
 * image, and of a full snapshot of a sparse 1 TiB image with a few MiB of data at spread offsets;
 * the metadata an incremental adds for 0.1 % scattered 4 KiB writes on a sparse `--incr` image
 * (reading holes runs at page-cache speed, so a 1 TiB incremental would take as long again as
 * the full) and the peak RSS of restoring that incremental; and how long listing a chain of
 * 1,000 snapshots takes.
 */
const { values } = parseArgs({
  options: {
    big: { type: 'string', default: '1T' },
    incr: { type: 'string', default: '32G' },
    chain: { type: 'string', default: '1000' },
    'keep-docs': { type: 'boolean', default: false },
  },
});
const BLOCK = 16 * 1024;
const env = { STRATA_PASSPHRASE: 'bench passphrase' };

function cli(home: string, args: string[]): Promise<Sample> {
  return timed(process.execPath, [STRATA_BIN, '--home', home, '--json', ...args], { env });
}

async function snapshotOf(dir: string, image: string, encrypted = false): Promise<{ full: Sample; home: string }> {
  const home = join(dir, `home-${Math.random().toString(36).slice(2)}`);
  await cli(home, ['source', 'add', image, '--name', 'disk', ...(encrypted ? ['--encrypted'] : [])]);
  return { full: await cli(home, ['snapshot', 'create', 'disk']), home };
}

/** What `snapshot create --json` printed: the snapshot's id and the bytes it added. */
function created(s: Sample): { id: string; addedBytes: number } {
  return JSON.parse(s.stdout) as { id: string; addedBytes: number };
}

/** The table row of a full snapshot. */
function fullRow(label: string, s: Sample): string[] {
  return [`full snapshot, ${label}`, `${s.seconds.toFixed(1)} s`, mib(s.peakRssBytes), mib(created(s).addedBytes)];
}

/** Restores snapshot `id` to a scratch image, which is removed again. */
async function restoreOf(dir: string, home: string, id: string): Promise<Sample> {
  const target = join(dir, 'restored.img');
  const s = await cli(home, ['restore', id, '--to', target]);
  await fsp.rm(target);
  return s;
}

/** A sparse image of `size` with 64 KiB of random data every `size / 256`. */
async function sparseImage(path: string, size: number): Promise<void> {
  const s = new SeededStream('sparse');
  const fh = await fsp.open(path, 'w');
  try {
    await fh.truncate(size);
    for (let i = 0; i < 256; i++) await fh.write(s.bytes(65536), 0, 65536, Math.floor((size / 256) * i));
  } finally {
    await fh.close();
  }
}

/** Full, then 0.1 % scattered 4 KiB writes, the incremental whose growth is measured, and its restore. */
async function incremental(dir: string, size: number, label: string): Promise<string[][]> {
  const image = join(dir, 'incr.img');
  await sparseImage(image, size);
  const { home } = await snapshotOf(dir, image);
  const writes = dayOfWrites(size, 'sparse', false, 0.001);
  await applyWrites(image, writes, 'sparse:day');
  const changed = new Set(writes.map((w) => Math.floor(w.offset / BLOCK))).size;
  const before = await indexFiles(home);
  const incr = await cli(home, ['snapshot', 'create', 'disk']);
  const { id, addedBytes: added } = created(incr);
  const byType = await addedByType(home, before);
  await fsp.rm(image);
  const restore = await restoreOf(dir, home, id);
  return [
    [
      `incremental of a ${label} sparse image, 0.1 % scattered (${writes.length} writes, ${changed} blocks of 16 KiB)`,
      `${incr.seconds.toFixed(1)} s`, mib(incr.peakRssBytes), `${mib(added)}: data ${mib(byType.data)}, manifest ${mib(byType.tree)}`,
    ],
    [`restore of that incremental (${label}, holes left as holes)`, `${restore.seconds.toFixed(1)} s`, mib(restore.peakRssBytes), ''],
  ];
}

async function indexFiles(home: string): Promise<Set<string>> {
  const dir = join(home, 'repository', 'index');
  const files = await fsp.readdir(dir, { recursive: true, withFileTypes: true });
  return new Set(files.filter((e) => e.isFile()).map((e) => join(e.parentPath ?? e.path, e.name)));
}

/** Stored bytes of the blobs listed in index files that appeared since `before`, by blob type. */
async function addedByType(home: string, before: Set<string>): Promise<{ data: number; tree: number }> {
  const svc = await openService(home);
  try {
    const domain = await svc.repo.domainFor(await svc.sourceRecord('disk'));
    const out = { data: 0, tree: 0 };
    for (const file of await indexFiles(home)) {
      if (before.has(file)) continue;
      const added = new MasterIndex();
      decodeIndexFile(await fsp.readFile(file), domain, file, added);
      for (const [, entry] of added) {
        if (entry.type === BlobType.tree) out.tree += entry.length;
        else out.data += entry.length;
      }
    }
    return out;
  } finally {
    await svc.close();
  }
}

async function chainListing(dir: string, count: number): Promise<{ seconds: number; listed: number }> {
  const image = join(dir, 'tiny.img');
  await writeImage(image, 1024 * 1024, 'tiny');
  const home = join(dir, 'home-chain');
  const svc = await openService(home);
  try {
    await svc.addSource({ path: image, name: 'tiny' });
    for (let i = 0; i < count; i++) await svc.createSnapshot('tiny', { name: `s${i}` });
  } finally {
    await svc.close();
  }
  const s = await cli(home, ['chain', 'tiny']);
  return { seconds: s.seconds, listed: (JSON.parse(s.stdout) as { snapshots: unknown[] }).snapshots.length };
}

async function main(): Promise<void> {
  const big = parseSize(values.big!, 'size');
  const dir = await fsp.mkdtemp(join(tmpdir(), 'strata-memory-'));
  const rows: string[][] = [];
  try {
    const add = (r: string[]) => {
      rows.push(r);
      console.error(r.join(' | '));
    };
    const ref = join(dir, 'ref.img');
    await writeImage(ref, 2 * 1024 ** 3, 'strata-reference');
    const small = await snapshotOf(dir, ref);
    add(fullRow('2 GiB reference image', small.full));
    const restored = await restoreOf(dir, small.home, created(small.full).id);
    add(['restore of that snapshot', `${restored.seconds.toFixed(1)} s`, mib(restored.peakRssBytes), '']);
    await fsp.rm(small.home, { recursive: true });
    const sealed = await snapshotOf(dir, ref, true);
    add(fullRow('2 GiB reference image, encrypted', sealed.full));
    await fsp.rm(sealed.home, { recursive: true });
    await fsp.rm(ref);
    const chain = await chainListing(dir, Number(values.chain));
    add([`\`strata chain\` of ${chain.listed} snapshots (CLI, incl. start-up)`, `${chain.seconds.toFixed(2)} s`, '', '']);
    for (const row of await incremental(dir, parseSize(values.incr!, 'size'), values.incr!)) add(row);
    const image = join(dir, 'big.img');
    await sparseImage(image, big);
    const bigRun = await snapshotOf(dir, image);
    add(fullRow(`${values.big} sparse image`, bigRun.full));
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
  const table = [['measurement', 'time', 'peak RSS', 'stored'], ['---', '---', '---', '---'], ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
  const command = `node --import tsx test/bench/memory.ts --big ${values.big} --incr ${values.incr} --chain ${values.chain}`;
  console.log(`${command}\n\n${table}`);
  if (!values['keep-docs']) await writeDocsSection('memory', `Command: \`${command}\`.\n\n${table}`);
}

await main();
