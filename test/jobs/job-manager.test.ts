import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../engine/core/clock';
import { StrataError } from '../../engine/core/errors';
import type { Job } from '../../engine/core/types';
import { JobManager, type JobHistory } from '../../engine/jobs/job-manager';

function setup() {
  const recorded: Job[] = [];
  const events: Job[] = [];
  const history: JobHistory = {
    recordJob: async (j) => void recorded.push(j),
    listJobs: async (limit) => [...recorded].reverse().slice(0, limit),
  };
  const jobs = new JobManager({ clock: new FakeClock(Date.UTC(2026, 0, 1)), history, onChange: (j) => events.push(j) });
  return { jobs, recorded, events };
}

const progress = (percent: number) => ({ bytesDone: percent, bytesTotal: 100, rate: 0, etaSeconds: null, percent, phase: 'reading' });

test('a job goes queued → running → succeeded, with progress events once per whole percent', async () => {
  const { jobs, recorded, events } = setup();
  const { job, done } = jobs.submit({ kind: 'snapshot', trigger: 'manual', sourceId: 'src-1' }, async (ctx) => {
    ctx.setSnapshot('snap-1');
    for (const p of [0, 0.2, 0.7, 1, 1.5, 50, 100]) ctx.progress(progress(p));
    return { figures: { addedBytes: 42 } };
  });
  assert.equal(job.status, 'queued');
  const finished = await done;
  assert.equal(finished.status, 'succeeded');
  assert.equal(finished.snapshotId, 'snap-1');
  assert.deepEqual(finished.figures, { addedBytes: 42 });
  const percents = events.filter((e) => e.status === 'running' && e.progress).map((e) => e.progress!.percent);
  assert.deepEqual(percents, [0, 1, 50, 100]);
  assert.deepEqual(events.map((e) => e.status).filter((s, i, a) => s !== a[i - 1]), ['queued', 'running', 'succeeded']);
  assert.equal(recorded.length, 1);
  assert.equal(recorded[0]!.status, 'succeeded');
});

test('jobs run one at a time, in order', async () => {
  const { jobs } = setup();
  const order: string[] = [];
  let release: () => void = () => undefined;
  const first = jobs.submit({ kind: 'check', trigger: 'manual' }, async () => {
    order.push('first start');
    await new Promise<void>((r) => (release = r));
    order.push('first end');
    return {};
  });
  const second = jobs.submit({ kind: 'check', trigger: 'manual' }, async () => {
    order.push('second start');
    return {};
  });
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(jobs.active().map((j) => j.status), ['running', 'queued']);
  release();
  await Promise.all([first.done, second.done]);
  assert.deepEqual(order, ['first start', 'first end', 'second start']);
});

test('cancel aborts a running job and skips a queued one', async () => {
  const { jobs, recorded } = setup();
  const running = jobs.submit({ kind: 'snapshot', trigger: 'manual' }, (ctx) => new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason))));
  let ranQueued = false;
  const queued = jobs.submit({ kind: 'snapshot', trigger: 'manual' }, async () => ((ranQueued = true), {}));
  await new Promise((r) => setImmediate(r));
  jobs.cancel(queued.job.id);
  jobs.cancel(running.job.id);
  const [a, b] = await Promise.all([running.done, queued.done]);
  assert.equal(a.status, 'cancelled');
  assert.equal(a.error?.code, 'E_CANCELLED');
  assert.equal(b.status, 'cancelled');
  assert.equal(ranQueued, false);
  assert.equal(recorded.length, 2);
  assert.throws(() => jobs.cancel(a.id), (e: unknown) => (e as StrataError).code === 'E_NOT_FOUND');
});

test('a failing job keeps the error code and message; list shows active jobs before the history', async () => {
  const { jobs } = setup();
  const failed = await jobs.submit({ kind: 'restore', trigger: 'manual' }, async () => {
    throw new StrataError('E_EXISTS', 'target exists; use force');
  }).done;
  assert.equal(failed.status, 'failed');
  assert.deepEqual(failed.error, { code: 'E_EXISTS', message: 'target exists; use force' });
  let release: () => void = () => undefined;
  const live = jobs.submit({ kind: 'check', trigger: 'manual' }, () => new Promise((r) => (release = () => r({}))));
  await new Promise((r) => setImmediate(r));
  const listed = await jobs.list(10);
  assert.deepEqual(listed.map((j) => j.id), [live.job.id, failed.id]);
  release();
  await jobs.idle();
  assert.equal(jobs.active().length, 0);
});
