import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { FakeClock } from '../../engine/core/clock';
import type { Job } from '../../engine/core/types';
import { Catalog } from '../../engine/catalog/catalog';
import { Scheduler } from '../../engine/scheduler/scheduler';
import { FixedSignals } from '../../engine/scheduler/signals';
import { silentLog } from '../../engine/scheduler/log';
import { JobExecutor } from '../../engine/jobs/job-executor';
import { JobManager } from '../../engine/jobs/job-manager';
import { PassphraseBox } from '../../engine/jobs/passphrase-box';
import { applySignals } from '../../engine/jobs/host-signals';
import { createApi } from '../../engine/jobs/api-impl';
import type { ApiDeps } from '../../engine/jobs/ports';
import { createImage } from '../helpers/images';
import { openService, withTempDir } from '../helpers/home';

test('a policy set through the API runs on the schedule as a job of the job manager, with events and history', async () => {
  await withTempDir(async (dir) => {
    const img = join(dir, 'disk.img');
    await createImage(img, 2 * 1024 * 1024, 11);
    const clock = new FakeClock(new Date('2026-11-23T00:30:00Z'));
    const home = join(dir, 'home');
    const service = await openService(home, { clock });
    const catalog = await Catalog.open(home, { clock, service, timeZone: 'UTC' });
    const events: Job[] = [];
    const jobs = new JobManager({ clock, history: catalog, onChange: (j) => events.push(j) });
    const signals = new FixedSignals(true, Infinity);
    let scheduler: Scheduler | null = null;
    const deps: ApiDeps = {
      service, catalog, jobs, keys: new PassphraseBox({}), emit: () => undefined, host: 'web', version: 'test', trayAvailable: () => false,
      scheduler: { state: () => scheduler!.state(), pause: (u) => scheduler!.pause(u), refresh: () => scheduler!.refresh() },
    };
    // The adaptive I/O gate sleeps on the engine's clock, which here moves only when told to.
    scheduler = new Scheduler({ clock, catalog, service, executor: new JobExecutor(deps, { adaptiveIo: false }), signals, log: silentLog, timeZone: 'UTC', tickMs: 3_600_000 });
    const api = createApi(deps);
    try {
      const src = await api.addSource({ path: img, encrypted: false });
      await api.createPolicy({ name: 'at one', timePoints: [1], repeatWeekdays: [1, 2, 3, 4, 5, 6, 7], retentionDays: 7, sourceIds: [src.id] });
      await scheduler.start();
      await scheduler.whenIdle();
      const until = Date.parse('2026-11-23T01:00:00Z');
      while (clock.now() < until) {
        clock.set(Math.min(until, scheduler.nextWakeAt()));
        await scheduler.whenIdle();
      }
      await jobs.idle();
      const finished = events.filter((j) => j.kind === 'snapshot' && j.status === 'succeeded');
      assert.equal(finished.length, 1, JSON.stringify(events.map((j) => [j.status, j.error])));
      assert.equal(finished[0]!.trigger, 'schedule');
      assert.ok(finished[0]!.policyId);
      const snaps = await api.listSnapshots({ sourceId: src.id });
      assert.deepEqual(snaps.map((s) => [s.type, s.policyId, s.createdAt]), [['auto', finished[0]!.policyId, '2026-11-23T01:00:00.000Z']]);
      assert.equal((await api.listJobs({})).find((j) => j.id === finished[0]!.id)?.status, 'succeeded');
      assert.equal(jobs.active().length, 0);
    } finally {
      await scheduler.stop();
      await catalog.close();
      await service.close();
    }
  });
});

test('front signals reach the scheduler: AC, idle time, suspend and resume', () => {
  const signals = new FixedSignals(true, 0);
  const seen: string[] = [];
  signals.onSuspend(() => seen.push('suspend'));
  signals.onResume(() => seen.push('resume'));
  applySignals(signals, { onAcPower: false, idleSeconds: 600 });
  assert.equal(signals.onAcPower(), false);
  assert.equal(signals.idleSeconds(), 600);
  applySignals(signals, { power: 'suspend' });
  applySignals(signals, { power: 'resume', idleSeconds: -5 });
  assert.deepEqual(seen, ['suspend', 'resume']);
  assert.equal(signals.idleSeconds(), 600, 'a negative idle time is ignored');
});
