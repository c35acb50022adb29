import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { Catalog, INTERRUPTED_MESSAGE } from '../../engine/catalog/catalog';
import { systemClock } from '../../engine/core/clock';
import type { Job } from '../../engine/core/types';
import { openEngineHost } from '../../engine/jobs/engine-host';
import { acquireSchedulerLock } from '../../engine/scheduler/instance-lock';
import { newJob } from '../../engine/scheduler/executor';
import { withTempDir } from '../helpers/home';

/** A home whose history holds a running snapshot job, as a killed scheduler leaves it. */
async function withLeftJob(fn: (home: string, job: Job) => Promise<void>): Promise<void> {
  await withTempDir(async (dir) => {
    const home = join(dir, 'home');
    const job = newJob(systemClock, { kind: 'snapshot', trigger: 'schedule', sourceId: null, policyId: null, status: 'running' });
    const catalog = await Catalog.open(home);
    try {
      await catalog.recordJob(job);
    } finally {
      await catalog.close();
    }
    await fn(home, job);
  });
}

async function statusOf(home: string, id: string): Promise<Job | undefined> {
  const catalog = await Catalog.open(home);
  try {
    return (await catalog.listJobs()).find((j) => j.id === id);
  } finally {
    await catalog.close();
  }
}

const host = (home: string) => openEngineHost({ home, host: 'electron', version: 'test', emit: () => undefined });

test('the app host that takes the scheduler lock from a dead holder marks the jobs it left running as failed', async () => {
  await withLeftJob(async (home, job) => {
    const dead = Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString());
    await fsp.writeFile(join(home, 'scheduler.lock'), JSON.stringify({ pid: dead, host: hostname(), owner: 'strata daemon', since: '2026-01-01T00:00:00.000Z' }));
    const h = await host(home);
    await h.close();
    const after = await statusOf(home, job.id);
    assert.equal(after?.status, 'failed');
    assert.deepEqual(after?.error, { code: 'E_INTERRUPTED', message: INTERRUPTED_MESSAGE });
    assert.match(await fsp.readFile(join(home, 'logs', 'scheduler.log'), 'utf8'), new RegExp(`marked failed: ${job.id}`));
  });
});

test('an app host that does not get the scheduler lock leaves the live holder\'s running jobs alone', async () => {
  await withLeftJob(async (home, job) => {
    const lock = await acquireSchedulerLock(home, { owner: 'strata daemon' });
    try {
      const h = await host(home);
      await h.close();
    } finally {
      await lock.release();
    }
    assert.equal((await statusOf(home, job.id))?.status, 'running');
  });
});
