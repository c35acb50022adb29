import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Job, Policy, SchedulerState, Source, StrataEvents } from '../../engine/api/contract';
import type { HostClient } from '../../engine/jobs/host-client';
import { forkEngineHost } from '../../engine/jobs/fork-host';
import { isStrataError } from '../../engine/core/errors';
import { createTempDir } from '../helpers/home';
import { ROOT } from '../helpers/cli';
import { createImage } from '../helpers/images';

// The bundled host, as the app and `strata serve` run it (npm test bundles first).
const SCRIPT = join(ROOT, 'dist', 'engine-worker.mjs');
let client: HostClient;
let tmp: { dir: string; cleanup: () => void };
const events: { event: keyof StrataEvents; payload: unknown }[] = [];

before(async () => {
  tmp = createTempDir();
  client = forkEngineHost({ home: join(tmp.dir, 'home'), host: 'electron', script: SCRIPT, env: { STRATA_PASSPHRASE: '' } });
  for (const event of ['job', 'catalogChanged', 'scheduler'] as const) client.on(event, (payload) => events.push({ event, payload }));
  await client.ready;
});
after(async () => {
  await client?.close();
  tmp?.cleanup();
});

test('calls are answered by sequence number, concurrently, each with its own result', async () => {
  const [sources, state, settings] = await Promise.all([client.call('listSources'), client.call('getAppState'), client.call('getSettings')]);
  assert.deepEqual(sources, []);
  assert.equal(state.host, 'electron');
  assert.equal(typeof settings.closeToTray, 'boolean');
});

test('malformed or unknown calls fail with E_INVALID and the host keeps serving', async () => {
  await assert.rejects(client.call('createSnapshot', { sourceId: ['x'] }), (e: unknown) => isStrataError(e, 'E_INVALID'));
  await assert.rejects(client.call('nope' as never, {}), (e: unknown) => isStrataError(e, 'E_INVALID') && /API's \d+ methods/.test((e as Error).message));
  assert.deepEqual(await client.call('listPolicies'), []);
});

test('policies: created and applied through the API, announced as events; removing the source unbinds it', async () => {
  const image = join(tmp.dir, 'a.img');
  await createImage(image, 1024 * 1024, 3);
  const src = (await client.call('addSource', { path: image, encrypted: false })) as Source;
  await assert.rejects(client.call('applyPolicy', { policyId: 'pol-0', sourceIds: [src.id] }), (e: unknown) => isStrataError(e, 'E_NOT_FOUND'));
  const policy = (await client.call('createPolicy', { name: 'nightly', timePoints: [2], repeatWeekdays: [1, 2, 3, 4, 5, 6, 7], retentionDays: 7 })) as Policy;
  await assert.rejects(client.call('applyPolicy', { policyId: policy.id, sourceIds: ['src-0000000000000000'] }), (e: unknown) => isStrataError(e, 'E_NOT_FOUND'));
  const applied = (await client.call('applyPolicy', { policyId: policy.id, sourceIds: [src.id] })) as Policy;
  assert.deepEqual(applied.sourceIds, [src.id]);
  assert.ok(events.some((e) => e.event === 'catalogChanged' && (e.payload as { what: string }).what === 'policies'));
  // The scheduler plans again on its own loop, then says so in a scheduler event.
  let state = (await client.call('schedulerState')) as SchedulerState;
  for (let i = 0; i < 100 && state.nextRun?.policyId !== policy.id; i++) {
    await new Promise((r) => setTimeout(r, 20));
    state = (await client.call('schedulerState')) as SchedulerState;
  }
  assert.equal(state.nextRun?.policyId, policy.id);
  assert.ok(events.some((e) => e.event === 'scheduler' && (e.payload as SchedulerState).nextRun?.policyId === policy.id));
  await client.call('removeSource', { sourceId: src.id, deleteSnapshots: true });
  assert.deepEqual(((await client.call('listPolicies')) as Policy[])[0]!.sourceIds, []);
});

test('pause schedules: state and event say until when; resume clears it', async () => {
  const until = new Date(Date.now() + 3_600_000).toISOString();
  const paused = (await client.call('pauseSchedules', { until })) as SchedulerState;
  assert.equal(paused.pausedUntil, until);
  assert.ok(events.some((e) => e.event === 'scheduler' && (e.payload as SchedulerState).pausedUntil === until));
  assert.equal(((await client.call('pauseSchedules', { until: null })) as SchedulerState).pausedUntil, null);
  client.signals({ onAcPower: false, idleSeconds: 30, power: 'resume', trayAvailable: true });
  assert.equal(((await client.call('getAppState')) as { trayAvailable: boolean }).trayAvailable, true);
});

test('a snapshot job can be cancelled; the history keeps it as cancelled', async () => {
  const image = join(tmp.dir, 'b.img');
  await createImage(image, 16 * 1024 * 1024, 4);
  const src = (await client.call('addSource', { path: image, encrypted: false, blockSize: 4096 })) as Source;
  const job = (await client.call('createSnapshot', { sourceId: src.id })) as Job;
  await client.call('cancelJob', { jobId: job.id });
  let last: Job | undefined;
  for (let i = 0; i < 200 && !(last && ['succeeded', 'failed', 'cancelled'].includes(last.status)); i++) {
    await new Promise((r) => setTimeout(r, 50));
    last = ((await client.call('listJobs', { limit: 5 })) as Job[]).find((j) => j.id === job.id);
  }
  assert.equal(last?.status, 'cancelled');
  assert.equal(last?.error?.code, 'E_CANCELLED');
  const snaps = await client.call('listSnapshots', { sourceId: src.id });
  assert.equal(snaps.filter((s) => s.status === 'accomplished').length, 0);
});

test('when the host dies, pending and later calls fail at once instead of hanging', async () => {
  const other = createTempDir();
  const c = forkEngineHost({ home: join(other.dir, 'home'), host: 'web', script: SCRIPT });
  await c.ready;
  const stopped: string[] = [];
  c.onStop((reason) => stopped.push(reason));
  c.signals({ power: 'suspend' });
  const pending = c.call('check', { readData: true });
  await c.close();
  assert.equal(stopped.length, 1);
  assert.match(stopped[0]!, /engine host stopped/);
  await assert.rejects(c.call('listSources'), /engine host stopped/);
  await pending.then(() => undefined, () => undefined);
  other.cleanup();
});
