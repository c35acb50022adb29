import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { Chain, Job, Source, WebEventMessage } from '../../engine/api/contract';
import { createImage, sha256File } from '../helpers/images';
import { callApi, startHarness, type Harness } from './web-harness';

let h: Harness;
before(async () => (h = await startHarness()));
after(async () => h?.close());

/** Polls the job list until the job has finished; returns it. */
async function finishedJob(jobId: string): Promise<Job | undefined> {
  for (let i = 0; i < 600; i++) {
    const j = ((await callApi(h.web, 'listJobs', { limit: 50 })).body as Job[]).find((x) => x.id === jobId);
    if (j && !['queued', 'running'].includes(j.status)) return j;
    await new Promise((r) => setTimeout(r, 50));
  }
  return undefined;
}

/** Collects job events from the WebSocket until `done` says the job is over. */
function watchJob(ws: WebSocket, jobId: () => string | null): Promise<Job[]> {
  const seen: Job[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no end of job after 30 s; saw ${seen.map((j) => j.status).join(',')}`)), 30_000);
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data)) as WebEventMessage;
      if (msg.event !== 'job' || msg.payload.id !== jobId()) return;
      seen.push(msg.payload);
      if (['succeeded', 'failed', 'cancelled'].includes(msg.payload.status)) {
        clearTimeout(timer);
        resolve(seen);
      }
    });
  });
}

test('add a 4 MiB image, snapshot it over the API, watch it succeed on the WebSocket, restore the same bytes', async () => {
  const image = join(h.dir, 'disk.img');
  await createImage(image, 4 * 1024 * 1024, 7);
  const added = await callApi(h.web, 'addSource', { path: image, encrypted: false, name: 'disk' });
  assert.equal(added.status, 200, JSON.stringify(added.body));
  const source = added.body as Source;
  assert.equal(source.sizeBytes, 4 * 1024 * 1024);

  const ws = new WebSocket(`ws://127.0.0.1:${h.web.port}/events?token=${h.web.token}`);
  await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
  let jobId: string | null = null;
  const events = watchJob(ws, () => jobId);
  const started = await callApi(h.web, 'createSnapshot', { sourceId: source.id, name: 'first' });
  assert.equal(started.status, 200, JSON.stringify(started.body));
  jobId = (started.body as Job).id;
  const seen = await events;
  ws.close();
  const last = seen.at(-1)!;
  assert.equal(last.status, 'succeeded', JSON.stringify(last.error));
  assert.ok(seen.some((j) => j.status === 'running'), 'a running event came');
  assert.equal(last.progress?.percent, 100);
  assert.ok(last.snapshotId);

  const chain = (await callApi(h.web, 'chain', { sourceId: source.id })).body as Chain;
  assert.equal(chain.snapshotCount, 1);
  assert.equal(chain.snapshots[0]!.id, last.snapshotId);
  assert.ok(chain.totalBytes > 0);

  const target = join(h.dir, 'restored.img');
  const restore = (await callApi(h.web, 'restore', { snapshotId: last.snapshotId, target, force: false })).body as Job;
  const finished = await finishedJob(restore.id);
  assert.equal(finished?.status, 'succeeded', JSON.stringify(finished?.error));
  assert.equal(await sha256File(target), await sha256File(image));

  const history = (await callApi(h.web, 'listJobs', {})).body as Job[];
  assert.deepEqual(history.map((j) => j.kind).sort(), ['restore', 'snapshot']);
});

test('app state says web host, unlocked, no keys; a wrong passphrase after keys exist is refused', async () => {
  const state = (await callApi(h.web, 'getAppState')).body as { host: string; locked: boolean; hasKeys: boolean };
  assert.equal(state.host, 'web');
  assert.equal(state.hasKeys, false);
  const image = join(h.dir, 'secret.img');
  await createImage(image, 1024 * 1024, 9);
  const enc = await callApi(h.web, 'addSource', { path: image, encrypted: true, passphrase: 'right passphrase' });
  assert.equal(enc.status, 200, JSON.stringify(enc.body));
  assert.equal((enc.body as Source).encrypted, true);
  const wrong = await callApi(h.web, 'unlock', { passphrase: 'wrong', remember: false });
  assert.equal(wrong.status, 403);
  assert.equal((wrong.body as { error: { code: string } }).error.code, 'E_PASSPHRASE');
  const right = await callApi(h.web, 'unlock', { passphrase: 'right passphrase', remember: false });
  assert.equal((right.body as { locked: boolean; hasKeys: boolean }).hasKeys, true);
});

test('a restore onto an existing file is refused at once with E_CONFIRM (the window then asks), and runs with force', async () => {
  const image = join(h.dir, 'again.img');
  await createImage(image, 1024 * 1024, 12);
  const src = (await callApi(h.web, 'addSource', { path: image, encrypted: false })).body as Source;
  const snapJob = (await callApi(h.web, 'createSnapshot', { sourceId: src.id })).body as Job;
  const snapshotId = (await finishedJob(snapJob.id))?.snapshotId;
  assert.ok(snapshotId);
  const existing = join(h.dir, 'existing.img');
  await createImage(existing, 4096, 1);
  const before = await sha256File(existing);
  const refused = await callApi(h.web, 'restore', { snapshotId, target: existing, force: false });
  assert.equal(refused.status, 409);
  assert.equal((refused.body as { error: { code: string } }).error.code, 'E_CONFIRM');
  assert.equal(await sha256File(existing), before, 'the refused restore left the file alone');
  const forced = await callApi(h.web, 'restore', { snapshotId, target: existing, force: true });
  assert.equal(forced.status, 200);
  assert.equal((await finishedJob((forced.body as Job).id))?.status, 'succeeded');
  assert.equal(await sha256File(existing), await sha256File(image));
});
