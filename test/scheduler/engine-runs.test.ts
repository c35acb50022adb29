import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { FakeClock } from '../../engine/core/clock';
import { Catalog } from '../../engine/catalog/catalog';
import { Scheduler } from '../../engine/scheduler/scheduler';
import { ServiceExecutor } from '../../engine/scheduler/executor';
import { FixedSignals } from '../../engine/scheduler/signals';
import { createImage, mutateImage, sha256File } from '../helpers/images';
import { openService, withTempDir } from '../helpers/home';
import { memoryLog } from './fakes';

const MiB = 1024 * 1024;

test('the scheduler over the real engine: daily snapshots of a real image, expired ones deleted with their space freed, the manual one kept', async () => {
  await withTempDir(async (dir) => {
    const img = join(dir, 'vm.img');
    await createImage(img, 4 * MiB, 5);
    const clock = new FakeClock(new Date('2026-11-23T00:00:00Z'));
    const home = join(dir, 'home');
    const service = await openService(home, { clock });
    const catalog = await Catalog.open(home, { clock, service, timeZone: 'Europe/Berlin' });
    try {
      await service.addSource({ path: img, name: 'vm' });
      const manual = await service.createSnapshot('vm', { name: 'by hand' });
      await catalog.createPolicy({ name: 'daily', timePoints: [3], repeatWeekdays: [1, 2, 3, 4, 5, 6, 7], retentionDays: 2, sourceIds: ['vm'] });
      const log = memoryLog();
      // The adaptive I/O gate sleeps on the engine's clock, which only moves here when told to.
      const executor = new ServiceExecutor(service, clock, { history: catalog, adaptiveIo: false });
      const scheduler = new Scheduler({ clock, catalog, service, executor, signals: new FixedSignals(), log, timeZone: 'Europe/Berlin', tickMs: 3_600_000 });
      await scheduler.start();
      const hashes = new Map<string, string>();
      for (let day = 0; day < 5; day++) {
        await mutateImage(img, 40, 100 + day); // a day of writes, then the night's run
        const until = Date.parse('2026-11-23T03:00:00Z') + day * 86_400_000;
        await scheduler.whenIdle();
        while (clock.now() < until) {
          clock.set(Math.min(until, scheduler.nextWakeAt()));
          await scheduler.whenIdle();
        }
        hashes.set(new Date(until - 3_600_000).toISOString(), await sha256File(img));
      }
      await scheduler.stop();

      const snaps = await service.listSnapshots('vm');
      assert.deepEqual(snaps.map((s) => [s.type, s.createdAt]), [
        ['manual', '2026-11-23T00:00:00.000Z'],
        ['auto', '2026-11-26T02:00:00.000Z'],
        ['auto', '2026-11-27T02:00:00.000Z'],
      ]);
      assert.equal(snaps[0]!.id, manual.id);
      assert.equal(snaps[2]!.retainUntil, '2026-11-29T02:00:00.000Z');
      const jobs = await catalog.listJobs();
      const deletes = jobs.filter((j) => j.kind === 'delete');
      assert.equal(deletes.length, 3, 'a snapshot goes at the first run at or after its retainUntil');
      assert.ok(deletes.every((j) => j.status === 'succeeded' && j.figures.freedBytes! > 0), JSON.stringify(deletes));
      assert.equal(jobs.filter((j) => j.kind === 'snapshot' && j.status === 'succeeded').length, 5);
      assert.equal((await service.check()).ok, true);
      const out = join(dir, 'restored.img');
      await service.restore(snaps[2]!.id, out);
      assert.equal(await sha256File(out), hashes.get('2026-11-27T02:00:00.000Z'));
    } finally {
      await catalog.close();
      await service.close();
    }
  });
});
