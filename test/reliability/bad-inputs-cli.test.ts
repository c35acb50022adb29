import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { CLI, runCli } from '../helpers/cli';
import { openService, withTempDir } from '../helpers/home';
import { createImage } from '../helpers/images';
import { hashTree } from './tree-hash';

const MiB = 1024 * 1024;

interface Ctx {
  dir: string;
  home: string;
  img: string;
  vaultSnap: string;
  diskSnap: string;
  otherSnap: string;
}

interface Row {
  name: string;
  args: (c: Ctx) => string[];
  code: string;
  message: RegExp;
  env?: Record<string, string>;
  /** Usage errors exit 2; everything else 1. */
  exit?: number;
}

/** A home with two plain sources (one snapshot each, two named "dup"), an encrypted one, odd files. */
async function prepare(dir: string): Promise<Ctx> {
  const home = join(dir, 'home');
  const img = join(dir, 'disk.img');
  await createImage(img, 2 * MiB, 3);
  await createImage(join(dir, 'other.img'), 2 * MiB, 4);
  await createImage(join(dir, 'vault.img'), 1 * MiB, 5);
  await fsp.mkdir(join(dir, 'folder'));
  await fsp.writeFile(join(dir, 'empty.img'), '');
  await fsp.writeFile(join(dir, 'existing.img'), 'x');
  await fsp.symlink(join(dir, 'loop-b'), join(dir, 'loop-a'));
  await fsp.symlink(join(dir, 'loop-a'), join(dir, 'loop-b'));
  spawnSync('mkfifo', [join(dir, 'fifo')]);
  await fsp.writeFile(join(dir, 'key-open'), 'correct horse battery staple\n', { mode: 0o644 });
  const svc = await openService(home);
  try {
    await svc.addSource({ path: img, name: 'disk', blockSize: 16 * 1024 });
    await svc.addSource({ path: join(dir, 'other.img'), name: 'other', blockSize: 16 * 1024 });
    await svc.addSource({ path: join(dir, 'vault.img'), name: 'vault', blockSize: 16 * 1024, encrypted: true });
    const diskSnap = (await svc.createSnapshot('disk', { name: 'dup' })).id;
    const otherSnap = (await svc.createSnapshot('other', { name: 'dup' })).id;
    const vaultSnap = (await svc.createSnapshot('vault')).id;
    return { dir, home, img, vaultSnap, diskSnap, otherSnap };
  } finally {
    await svc.close();
  }
}

const at = (c: Ctx, name: string) => join(c.dir, name);

const ROWS: Row[] = [
  { name: 'source add: a path that does not exist', args: (c) => ['source', 'add', at(c, 'nope.img')], code: 'E_SOURCE', message: /does not exist/ },
  { name: 'source add: a directory', args: (c) => ['source', 'add', at(c, 'folder')], code: 'E_SOURCE', message: /is a directory/ },
  { name: 'source add: a FIFO', args: (c) => ['source', 'add', at(c, 'fifo')], code: 'E_SOURCE', message: /FIFO/ },
  { name: 'source add: a symlink loop', args: (c) => ['source', 'add', at(c, 'loop-a')], code: 'E_SOURCE', message: /symlink loop/ },
  { name: 'source add: an empty file', args: (c) => ['source', 'add', at(c, 'empty.img')], code: 'E_SOURCE', message: /is empty/ },
  { name: 'source add: a character device', args: () => ['source', 'add', '/dev/null'], code: 'E_SOURCE', message: /character device/ },
  { name: 'source add: a file used as a folder', args: (c) => ['source', 'add', join(c.img, 'x')], code: 'E_SOURCE', message: /not a folder/ },
  { name: 'source add: an image already protected', args: (c) => ['source', 'add', c.img], code: 'E_EXISTS', message: /already protected/ },
  { name: 'source add: a name already taken', args: (c) => ['source', 'add', at(c, 'existing.img'), '--name', 'disk'], code: 'E_EXISTS', message: /exists already/ },
  { name: 'source add: block size not a power of two', args: (c) => ['source', 'add', at(c, 'existing.img'), '--block-size', '3K'], code: 'E_INVALID', message: /power of two/ },
  { name: 'source add: block size too large', args: (c) => ['source', 'add', at(c, 'existing.img'), '--block-size', '1G'], code: 'E_INVALID', message: /power of two/ },
  { name: 'source add: unknown compression', args: (c) => ['source', 'add', at(c, 'existing.img'), '--compression', 'gzip'], code: 'E_INVALID', message: /lz4, zstd, none/ },
  { name: 'source add: no path', args: () => ['source', 'add'], code: 'E_USAGE', message: /missing PATH|usage/, exit: 2 },
  { name: 'snapshot create: unknown source', args: () => ['snapshot', 'create', 'no-such-disk'], code: 'E_NOT_FOUND', message: /no source "no-such-disk"/ },
  { name: 'snapshot create: bad --io-limit', args: () => ['snapshot', 'create', 'disk', '--io-limit', 'banana'], code: 'E_INVALID', message: /banana/ },
  { name: 'snapshot create: unknown flag', args: () => ['snapshot', 'create', 'disk', '--fast'], code: 'E_USAGE', message: /--fast/, exit: 2 },
  { name: 'snapshot delete: id that does not exist', args: () => ['snapshot', 'delete', 'snap-0000000000000000'], code: 'E_NOT_FOUND', message: /no snapshot/ },
  { name: 'snapshot delete: ambiguous name', args: () => ['snapshot', 'delete', 'dup'], code: 'E_AMBIGUOUS', message: /names 2 snapshots/ },
  { name: 'snapshot delete: ambiguous id prefix', args: () => ['snapshot', 'delete', 'snap-'], code: 'E_AMBIGUOUS', message: /give more of the id/ },
  { name: 'restore: unknown snapshot', args: (c) => ['restore', 'snap-ffff', '--to', at(c, 'out.img')], code: 'E_NOT_FOUND', message: /no snapshot/ },
  { name: 'restore: onto the source itself', args: (c) => ['restore', c.diskSnap, '--to', c.img, '--force'], code: 'E_INVALID', message: /is the source of this snapshot/ },
  { name: 'restore: onto a directory', args: (c) => ['restore', c.diskSnap, '--to', at(c, 'folder')], code: 'E_INVALID', message: /is a directory/ },
  { name: 'restore: onto an existing file without --force', args: (c) => ['restore', c.diskSnap, '--to', at(c, 'existing.img')], code: 'E_CONFIRM', message: /--force/ },
  { name: 'restore: into a folder that does not exist', args: (c) => ['restore', c.diskSnap, '--to', at(c, 'no/dir/out.img')], code: 'E_INVALID', message: /does not exist/ },
  { name: 'restore: onto a FIFO', args: (c) => ['restore', c.diskSnap, '--to', at(c, 'fifo'), '--force'], code: 'E_INVALID', message: /neither a regular file nor a block device/ },
  { name: 'restore: no --to', args: (c) => ['restore', c.diskSnap], code: 'E_USAGE', message: /--to/, exit: 2 },
  { name: 'rollback: a snapshot of another source', args: (c) => ['rollback', 'disk', c.otherSnap, '--force'], code: 'E_NOT_FOUND', message: /no snapshot of this source/ },
  { name: 'rollback: unknown source', args: (c) => ['rollback', 'nothing', c.diskSnap], code: 'E_NOT_FOUND', message: /no source/ },
  { name: 'chain: unknown source', args: () => ['chain', 'nothing'], code: 'E_NOT_FOUND', message: /no source/ },
  { name: 'unknown command', args: () => ['frobnicate'], code: 'E_USAGE', message: /unknown command/, exit: 2 },
  { name: '--home without a value', args: () => ['--home'], code: 'E_USAGE', message: /--home needs a value/, exit: 2 },
  { name: 'check: an extra argument', args: () => ['check', 'everything'], code: 'E_USAGE', message: /unexpected argument/, exit: 2 },
  { name: 'repair: something other than the index', args: () => ['repair', 'packs'], code: 'E_USAGE', message: /Expected "index"/, exit: 2 },
  { name: 'policy create: hour 24', args: () => ['policy', 'create', 'p', '--hours', '24', '--weekdays', '1-7', '--retention-days', '30'], code: 'E_INVALID', message: /0 to 23/ },
  { name: 'policy create: empty weekdays', args: () => ['policy', 'create', 'p', '--hours', '2', '--weekdays', '', '--retention-days', '30'], code: 'E_INVALID', message: /at least one weekday/ },
  { name: 'policy create: retention 0', args: () => ['policy', 'create', 'p', '--hours', '2', '--weekdays', '1-7', '--retention-days', '0'], code: 'E_INVALID', message: /retention days/ },
  { name: 'policy apply: unknown policy', args: () => ['policy', 'apply', 'no-such-policy', 'disk'], code: 'E_NOT_FOUND', message: /no-such-policy/ },
  { name: 'encrypted restore: wrong passphrase', args: (c) => ['restore', c.vaultSnap, '--to', at(c, 'v.img')], env: { STRATA_PASSPHRASE: 'wrong' }, code: 'E_PASSPHRASE', message: /passphrase/ },
  { name: 'encrypted restore: no passphrase and no terminal', args: (c) => ['restore', c.vaultSnap, '--to', at(c, 'v.img')], env: { STRATA_PASSPHRASE: '' }, code: 'E_NEEDS_KEY', message: /passphrase/ },
  { name: 'encrypted restore: key file readable by others', args: (c) => ['--key-file', at(c, 'key-open'), 'restore', c.vaultSnap, '--to', at(c, 'v.img')], env: { STRATA_PASSPHRASE: '' }, code: 'E_NEEDS_KEY', message: /chmod 600/ },
];

test(`${ROWS.length} bad CLI inputs each fail clearly, exit non-zero, and leave the repository byte-for-byte unchanged`, async () => {
  await withTempDir(async (dir) => {
    const c = await prepare(dir);
    const repo = join(c.home, 'repository');
    for (const row of ROWS) {
      const before = await hashTree(repo);
      const r = await runCli(['--home', c.home, '--json', ...row.args(c)], { env: { STRATA_PASSPHRASE: 'correct horse battery staple', ...row.env } });
      const err = (JSON.parse(r.stderr.trim().split('\n').at(-1) ?? '{}') as { error?: { code: string; message: string } }).error;
      assert.equal(r.code, row.exit ?? 1, `${row.name}: exit code (stderr: ${r.stderr})`);
      assert.equal(err?.code, row.code, `${row.name}: error code (${err?.message})`);
      assert.match(err!.message, row.message, `${row.name}: message`);
      assert.equal(r.stdout, '', `${row.name}: nothing on stdout`);
      assert.equal(await hashTree(repo), before, `${row.name}: the repository is unchanged`);
    }
    assert.ok(ROWS.length >= 30);
  });
});

test('no permission: a user who cannot read the image is told so (root reads everything, so this runs as nobody)', async (t) => {
  if (process.getuid?.() !== 0 || spawnSync('setpriv', ['--version']).status !== 0) {
    t.skip('needs root and setpriv to switch to an unprivileged user');
    return;
  }
  await withTempDir(async (dir) => {
    await fsp.chmod(dir, 0o755);
    const home = join(dir, 'home');
    await fsp.writeFile(join(dir, 'private.img'), Buffer.alloc(MiB, 1), { mode: 0o600 });
    await (await openService(home)).close();
    spawnSync('chown', ['-R', '65534:65534', home]);
    const before = await hashTree(join(home, 'repository'));
    const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, CLI, '--home', home, '--json', 'source', 'add', join(dir, 'private.img')], { encoding: 'utf8' });
    assert.equal(r.status, 1, r.stderr);
    const err = JSON.parse(r.stderr.trim()).error as { code: string; message: string };
    assert.equal(err.code, 'E_SOURCE');
    assert.match(err.message, /permission denied/);
    assert.equal(await hashTree(join(home, 'repository')), before);
  });
});
