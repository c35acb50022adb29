import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createImage, mutateImage } from '../helpers/images';
import { openService, withTempDir } from '../helpers/home';
import { LocalStore } from '../../engine/storage/local-store';

const MiB = 1024 * 1024;

/** A store in which another process deletes a file right after this one listed its folder. */
class DeletingAfterList extends LocalStore {
  victim: string | null = null;

  override async list(prefix: string): Promise<string[]> {
    const names = await super.list(prefix);
    const victim = this.victim;
    if (victim && names.includes(victim)) {
      this.victim = null;
      await this.remove(victim);
    }
    return names;
  }
}

test('a snapshot deleted between listing and reading is left out of the chain, not an error', async () => {
  await withTempDir(async (dir) => {
    const img = join(dir, 'disk.img');
    await createImage(img, 2 * MiB, 41);
    const store = new DeletingAfterList(join(dir, 'home', 'repository'));
    const svc = await openService(join(dir, 'home'), { store });
    try {
      await svc.addSource({ path: img, name: 'disk', blockSize: 16 * 1024 });
      const first = await svc.createSnapshot('disk');
      await mutateImage(img, 20, 2);
      const second = await svc.createSnapshot('disk');
      store.victim = `snapshots/${first.sourceId}/${first.id}.json`;
      const chain = await svc.chain('disk');
      assert.equal(store.victim, null, 'the record was removed after the folder was listed');
      assert.deepEqual(chain.snapshots.map((s) => s.id), [second.id]);
    } finally {
      await svc.close();
    }
  });
});
