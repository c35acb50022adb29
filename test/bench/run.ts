import { existsSync, promises as fsp } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseSize } from '../../engine/core/units';
import { aeadChoice } from '../../engine/crypto/aead';
import { ROOT } from '../helpers/cli';
import { sha256File } from '../helpers/images';
import { commandExists, diskBytes, median, run, type Sample } from './measure';
import { durableWriteSeconds } from './floor';
import { mib, renderTable, writeDocsSection, type StepResult, type ToolResult } from './report';
import { borg, restic, strata, type Tool } from './tools';
import { applyWrites, dayOfWrites, writeImage } from './workload';

/**
 * `npm run bench [-- --size 256M --runs 3 --keep-docs]`: the reference workload of DESIGN.md for
 * Strata (plaintext, encrypted, and with zstd instead of LZ4; `--tools …,strata-enc-node` adds
 * encrypted through Node's cipher API) and, where installed, restic and borg, on the same image in
 * the same run. Every restore is checked byte for byte against the image it came from.
 */
const { values } = parseArgs({
  options: {
    size: { type: 'string', default: '2G' },
    runs: { type: 'string', default: '3' },
    seed: { type: 'string', default: 'strata-reference' },
    dir: { type: 'string' },
    tools: { type: 'string', default: 'strata,strata-enc,strata-zstd,restic,borg' },
    'keep-docs': { type: 'boolean', default: false },
  },
});

const STEPS = ['full', 'scattered 1%', 'clustered 1%', 'restore', 'restore, cold', 'check'] as const;
type Step = (typeof STEPS)[number];

type MakeTool = (dir: string) => Tool;

async function toolMakers(names: string[]): Promise<MakeTool[]> {
  const out: MakeTool[] = [];
  for (const n of names) {
    if (n === 'strata') out.push((d) => strata(d, false));
    else if (n === 'strata-enc') out.push((d) => strata(d, true));
    else if (n === 'strata-enc-node') out.push((d) => strata(d, true, undefined, true));
    else if (n === 'strata-zstd') out.push((d) => strata(d, false, 'zstd'));
    else if (await commandExists(n)) out.push(n === 'restic' ? restic : borg);
    else console.error(`${n} is not installed; skipped (apt-get install -y restic borgbackup)`);
  }
  return out;
}

/**
 * Empties the page cache (root only). False where the kernel does not allow it.
 */
async function dropCaches(): Promise<boolean> {
  try {
    await fsp.writeFile('/proc/sys/vm/drop_caches', '3');
    return true;
  } catch {
    return false;
  }
}

/**
 * Brings every step to the same start, whichever tool ran before: what the previous step left
 * dirty is written back, the page cache is emptied (where allowed) and the step's inputs (the
 * image, for a backup, and the repository and the tool's caches) are read back in, and the tool
 * itself is loaded once (`warmUp`: its executable, libraries and modules, which emptying the
 * cache evicts too; reading them from the disk cost each Strata command ≈ 0.06 s here, since
 * the harness's own Node stays cached, each borg command ≈ 0.15 s, each restic command ≈ 0.03 s).
 * So each step reads from a warm cache with the same free
 * memory, and no tool pays for another's writes or for reclaiming cache another left behind (on
 * this VM that reclaim costs whichever process needs fresh pages a second or more). `cold` leaves
 * the inputs and the program out: a restore that reads every pack from the disk, as the first
 * one after a reboot does.
 */
async function prepare(inputs: string[], tool?: Tool, cold = false): Promise<boolean> {
  await run('sync', []);
  const dropped = await dropCaches();
  if (cold) return dropped;
  // Folders a tool has not made yet (a cache it never needed) are skipped.
  await run('sh', ['-c', 'for p; do [ -e "$p" ] && find "$p" -type f -exec cat {} + > /dev/null; done; true', 'warm', ...inputs]);
  if (tool) {
    const [command, args] = tool.warmUp;
    const loaded = await run(command, args);
    if (loaded.code !== 0) throw new Error(`${tool.name}: ${command} ${args.join(' ')} failed: ${loaded.stderr}`);
  }
  return dropped;
}

/** Restores the latest backup into a fresh folder and checks it byte for byte against `image`. */
async function restoreChecked(tool: Tool, image: string, work: string): Promise<Sample> {
  const into = join(work, 'restore');
  await fsp.mkdir(into);
  const r = await tool.restore(image, into);
  const [want, got] = await Promise.all([sha256File(image), sha256File(r.path)]);
  if (want !== got) throw new Error(`${tool.name} restored ${r.path} with sha256 ${got}, expected ${want}`);
  await fsp.rm(into, { recursive: true, force: true });
  return r.sample;
}

/** One pass of all steps for one tool on a fresh copy of the image. */
async function onePass(tool: Tool, base: string, work: string, size: number, seed: string): Promise<Map<Step, { s: Sample; stored: number }>> {
  const image = join(work, 'disk.img');
  await run('cp', ['--sparse=always', base, image]);
  await tool.init();
  const out = new Map<Step, { s: Sample; stored: number }>();
  const stored = () => diskBytes(tool.repo);
  let before = await stored();
  const record = async (step: Step, s: Sample) => {
    const now = await stored();
    out.set(step, { s, stored: now - before });
    before = now;
  };
  await prepare([image, ...tool.state], tool);
  await record('full', await tool.backup(image, 'full'));
  await applyWrites(image, dayOfWrites(size, seed, false), `${seed}:day1`);
  await prepare([image, ...tool.state], tool);
  await record('scattered 1%', await tool.backup(image, 'scattered'));
  await applyWrites(image, dayOfWrites(size, seed, true), `${seed}:day2`);
  await prepare([image, ...tool.state], tool);
  await record('clustered 1%', await tool.backup(image, 'clustered'));
  await prepare(tool.state, tool);
  await record('restore', await restoreChecked(tool, image, work));
  if (await prepare([], tool, true)) await record('restore, cold', await restoreChecked(tool, image, work));
  await prepare(tool.state, tool);
  await record('check', await tool.check());
  await fsp.rm(work, { recursive: true, force: true });
  return out;
}

async function main(): Promise<void> {
  const size = parseSize(values.size!, 'size');
  const runs = Number(values.runs);
  const dir = values.dir ?? (await fsp.mkdtemp(join(tmpdir(), 'strata-bench-')));
  const base = join(dir, 'base.img');
  console.error(`generating a ${values.size} reference image in ${base}…`);
  const kinds = await writeImage(base, size, values.seed!);
  const dataBytes = await imageDataBytes(base, size, values.seed!, dir);
  const makers = await toolMakers(values.tools!.split(','));
  const names: string[] = [];
  const samples = new Map<string, Map<Step, { s: Sample; stored: number }>[]>();
  /** Per run: seconds to write the image's data durably, the floor of a restore on this disk. */
  const floors: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      for (const make of makers) {
        const work = join(dir, 'work');
        await fsp.rm(work, { recursive: true, force: true });
        await fsp.mkdir(work, { recursive: true });
        const tool = make(work);
        if (i === 0) names.push(tool.name);
        const pass = await onePass(tool, base, work, size, values.seed!);
        const line = [...pass].map(([st, { s }]) => `${st} ${s.seconds.toFixed(2)}s`).join(', ');
        console.error(`run ${i + 1}/${runs} ${tool.name}: ${line}`);
        samples.set(tool.name, [...(samples.get(tool.name) ?? []), pass]);
      }
      await prepare([]);
      floors.push(await durableWriteSeconds(join(dir, 'floor.img'), dataBytes));
      console.error(`run ${i + 1}/${runs} floor: ${mib(dataBytes)} written durably in ${floors.at(-1)!.toFixed(2)} s`);
    }
  } finally {
    if (!values.dir) await fsp.rm(dir, { recursive: true, force: true });
  }
  // A step some pass could not run (a cold restore where the page cache cannot be emptied) is left out.
  const ran = STEPS.filter((st) => [...samples.values()].every((passes) => passes.every((p) => p.has(st))));
  const results: ToolResult[] = names.map((name) => ({
    tool: name,
    steps: ran.map((st): StepResult => {
      const xs = samples.get(name)!.map((p) => p.get(st)!);
      return { step: st, seconds: median(xs.map((x) => x.s.seconds)), stored: median(xs.map((x) => x.stored)), peakRss: Math.max(...xs.map((x) => x.s.peakRssBytes)) };
    }),
  }));
  const floor = floors.length > 0
    ? `\n\n**Restore floor**: writing the restored image's ${mib(dataBytes)} of data into a new file as 8 MiB direct writes and fsyncing it, with nothing else to do, took ${median(floors).toFixed(2)} s (median; ${floors.map((f) => f.toFixed(2)).join(', ')} s in the runs): the least a restore that makes its image durable spends on this disk.`
    : '';
  const table = renderTable(results) + floor;
  const command = `npm run bench -- --size ${values.size} --runs ${runs}`;
  const cipher = `AES-256-GCM of encrypted chains: ${cipherUsed()}`;
  console.log(`${command}\nimage: ${kinds.random} MiB random, ${kinds.text} MiB text, ${kinds.zero} MiB zeros\n${cipher}\n\n${table}`);
  if (!values['keep-docs']) await writeDocsSection('results', `Command: \`${command}\`. Image: ${kinds.random} MiB random, ${kinds.text} MiB text-like, ${kinds.zero} MiB zeros. ${cipher}.\n\n${table}`);
}

/** Which AES-256-GCM the built CLI uses: the binding beside its bundles, if built and sound, or Node's. */
function cipherUsed(): string {
  const { aead, reason } = aeadChoice();
  if (!existsSync(join(ROOT, 'dist', 'native', 'aes_gcm.node'))) return `Node's cipher API (the binding is not in dist/native/)`;
  return aead.name === 'openssl' ? 'the OpenSSL binding (dist/native/aes_gcm.node)' : `Node's cipher API (${reason})`;
}

/** Bytes of data (not holes) in the image as the last backup saw it: the base with both days' writes. */
async function imageDataBytes(base: string, size: number, seed: string, dir: string): Promise<number> {
  const image = join(dir, 'floor-source.img');
  await run('cp', ['--sparse=always', base, image]);
  await applyWrites(image, dayOfWrites(size, seed, false), `${seed}:day1`);
  await applyWrites(image, dayOfWrites(size, seed, true), `${seed}:day2`);
  const { blocks } = await fsp.stat(image);
  await fsp.rm(image, { force: true });
  return blocks * 512;
}

await main();
