import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli';
import { openService, withTempDir } from '../helpers/home';
import { createImage, randomBytesSeeded, rng, sha256File, sha256Prefix } from '../helpers/images';
import { hashTree } from './tree-hash';

const MiB = 1024 * 1024;
const SIZE = 16 * MiB;

function sh(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr || r.error?.message}`);
  return r.stdout.trim();
}

/** Attaches `file` as a loop device, or returns null (with the reason logged) when it cannot. */
function attach(t: TestContext, file: string, devices: string[]): string | null {
  if (process.getuid?.() !== 0) {
    t.skip('loop devices need root');
    return null;
  }
  const r = spawnSync('losetup', ['-f', '--show', file], { encoding: 'utf8' });
  if (r.status !== 0) {
    t.skip(`losetup failed: ${r.stderr.trim() || r.error?.message}`);
    return null;
  }
  devices.push(r.stdout.trim());
  return r.stdout.trim();
}

/** A fresh ext4 file system of `bytes` on a loop device, mounted at `dir`/mnt (null: skipped). */
async function mountExt4(t: TestContext, dir: string, bytes: number, devices: string[], mounts: string[]): Promise<{ dev: string; mnt: string } | null> {
  await fsp.writeFile(join(dir, 'fs.bin'), Buffer.alloc(0));
  await fsp.truncate(join(dir, 'fs.bin'), bytes);
  const dev = attach(t, join(dir, 'fs.bin'), devices);
  if (!dev) return null;
  sh('mkfs.ext4', ['-q', '-F', dev]);
  const mnt = join(dir, 'mnt');
  await fsp.mkdir(mnt);
  sh('mount', [dev, mnt]);
  mounts.push(mnt);
  return { dev, mnt };
}

function detachAll(devices: string[], mounts: string[]): void {
  for (const m of mounts.reverse()) spawnSync('umount', [m]);
  for (const d of devices) spawnSync('losetup', ['-d', d]);
}

async function writeBlocks(dev: string, count: number, seed: number): Promise<void> {
  const next = rng(seed);
  const fh = await fsp.open(dev, 'r+');
  try {
    for (let i = 0; i < count; i++) await fh.write(randomBytesSeeded(4096, next), 0, 4096, Math.floor(next() * (SIZE / 4096)) * 4096);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

test('a loop device: snapshot, incremental, restore to a file and to a device, rollback in place, refusal when mounted', async (t) => {
  await withTempDir(async (dir) => {
    const devices: string[] = [];
    const mounts: string[] = [];
    try {
      await createImage(join(dir, 'src.bin'), SIZE, 41);
      // The second device holds old data everywhere: a restore must overwrite its zero blocks too.
      await fsp.writeFile(join(dir, 'dst.bin'), randomBytesSeeded(SIZE, rng(9)));
      const src = attach(t, join(dir, 'src.bin'), devices);
      const dst = src && attach(t, join(dir, 'dst.bin'), devices);
      if (!src || !dst) return;
      const svc = await openService(join(dir, 'home'));
      try {
        const source = await svc.addSource({ path: src, name: 'loop', blockSize: 16 * 1024 });
        assert.equal(source.kind, 'device');
        assert.equal(source.sizeBytes, SIZE, 'the size comes from sysfs (fstat says 0)');
        const first = await svc.createSnapshot('loop');
        const h1 = await sha256Prefix(src, SIZE);
        await writeBlocks(src, 64, 5);
        const second = await svc.createSnapshot('loop');
        const h2 = await sha256Prefix(src, SIZE);
        assert.notEqual(h1, h2);
        assert.ok(second.addedBytes < first.addedBytes / 4, 'the incremental stores only the change');

        await svc.restore(first.id, join(dir, 'first.img'));
        assert.equal(await sha256File(join(dir, 'first.img')), h1, 'restore to a file is byte-identical');
        await assert.rejects(svc.restore(second.id, dst), { code: 'E_CONFIRM' });
        await svc.restore(second.id, dst, { force: true });
        assert.equal(await sha256Prefix(dst, SIZE), h2, 'restore to a second loop device is byte-identical');

        await svc.rollback('loop', first.id, { force: true });
        assert.equal(await sha256Prefix(src, SIZE), h1, 'rollback in place returns the device to the first snapshot');

        sh('mkfs.ext4', ['-q', '-F', dst]);
        await fsp.mkdir(join(dir, 'mnt'));
        sh('mount', [dst, join(dir, 'mnt')]);
        mounts.push(join(dir, 'mnt'));
        await assert.rejects(svc.restore(first.id, dst, { force: true }), { code: 'E_MOUNTED' });
      } finally {
        await svc.close();
      }
    } finally {
      detachAll(devices, mounts);
    }
  });
});

test('a mounted source cannot be rolled back, and a repository on a read-only file system refuses writes clearly', async (t) => {
  await withTempDir(async (dir) => {
    const devices: string[] = [];
    const mounts: string[] = [];
    try {
      const fs = await mountExt4(t, dir, 32 * MiB, devices, mounts);
      if (!fs) return;
      const { dev, mnt } = fs;
      const home = join(mnt, 'home');
      await createImage(join(dir, 'disk.img'), 4 * MiB, 42);
      const svc = await openService(home);
      try {
        await svc.addSource({ path: join(dir, 'disk.img'), name: 'disk', blockSize: 16 * 1024 });
        await svc.createSnapshot('disk');
        await svc.addSource({ path: dev, name: 'mounted', blockSize: 16 * 1024 });
        const snap = await svc.createSnapshot('mounted');
        await assert.rejects(svc.rollback('mounted', snap.id, { force: true }), { code: 'E_MOUNTED' });
      } finally {
        await svc.close();
      }
      sh('mount', ['-o', 'remount,ro', mnt]);
      const before = await hashTree(join(home, 'repository'));
      const r = await runCli(['--home', home, '--json', 'snapshot', 'create', 'disk']);
      assert.equal(r.code, 1);
      const err = JSON.parse(r.stderr.trim()).error as { code: string; message: string };
      assert.equal(err.code, 'E_READ_ONLY', err.message);
      assert.match(err.message, /read-only/);
      assert.equal(await hashTree(join(home, 'repository')), before, 'the repository is unchanged');
    } finally {
      detachAll(devices, mounts);
    }
  });
});

test('a restore onto a file system that fills up fails with E_NO_SPACE and leaves nothing behind; with room it restores byte-identical', async (t) => {
  await withTempDir(async (dir) => {
    const devices: string[] = [];
    const mounts: string[] = [];
    try {
      const fs = await mountExt4(t, dir, 24 * MiB, devices, mounts);
      if (!fs) return;
      const { mnt } = fs;
      // 64 MiB (decoded on workers, several leaves' writes in flight) holding ≈ 38 MiB of data.
      const img = join(dir, 'disk.img');
      await createImage(img, 64 * MiB, 43);
      const svc = await openService(join(dir, 'home'));
      try {
        await svc.addSource({ path: img, name: 'disk', blockSize: 16 * 1024 });
        const snap = await svc.createSnapshot('disk');
        const before = await hashTree(join(dir, 'home', 'repository'));
        await assert.rejects(svc.restore(snap.id, join(mnt, 'out.img')), (err: { code?: string; message?: string }) => {
          assert.equal(err.code, 'E_NO_SPACE', err.message);
          assert.match(err.message ?? '', /the disk is full/);
          return true;
        });
        assert.deepEqual((await fsp.readdir(mnt)).filter((n) => n !== 'lost+found'), [], 'no partial image, no temporary file');
        assert.equal(await hashTree(join(dir, 'home', 'repository')), before, 'the repository is unchanged');
        await svc.restore(snap.id, join(dir, 'out.img'));
        assert.equal(await sha256File(join(dir, 'out.img')), await sha256File(img));
      } finally {
        await svc.close();
      }
    } finally {
      detachAll(devices, mounts);
    }
  });
});
