/**
 * The main flows in a real browser on a real web host: add an image, snapshot it with progress,
 * compare the chain with the CLI, delete a middle snapshot, restore and compare the bytes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import type { Chain } from '../../engine/api/contract';
import { formatBytes } from '../../renderer/ui/format';
import { createImage, randomBytesSeeded, rng, sha256File } from '../helpers/images';
import { DURABLE_STEP_MS, addDisk, takeSnapshot, withE2e, type E2e } from './harness';

const MiB = 1024 * 1024;

/** Rewrites the same 1 MiB region with new data, so each snapshot holds blocks no other one has. */
async function rewriteRegion(path: string, seed: number): Promise<void> {
  const fh = await fsp.open(path, 'r+');
  try {
    await fh.write(randomBytesSeeded(MiB, rng(seed)), 0, MiB, 2 * MiB);
  } finally {
    await fh.close();
  }
}

/** (3) The chain as drawn equals `strata chain --json`. */
async function checkChainAgainstCli({ page, cli }: E2e): Promise<Chain> {
  const chain = (await cli(['chain', 'laptop'])) as Chain;
  const total = page.getByTestId('chain-total');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=timeline-row]').length === 3);
  assert.equal(Number(await total.getAttribute('data-bytes')), chain.totalBytes);
  assert.equal(await total.textContent(), formatBytes(chain.totalBytes));
  const rows = page.getByTestId('timeline-row');
  for (const [i, snap] of chain.snapshots.entries()) {
    assert.equal(await rows.nth(i).getAttribute('data-snapshot-id'), snap.id);
    assert.equal(Number(await rows.nth(i).getAttribute('data-bytes')), snap.exclusiveBytes, `exclusive bytes of ${snap.name}`);
    await rows.nth(i).getByText(formatBytes(snap.exclusiveBytes), { exact: true }).waitFor();
  }
  return chain;
}

/** (4) Deletes the middle snapshot: the preview is what is freed. */
async function deleteMiddle({ page, cli }: E2e, chain: Chain): Promise<void> {
  const middle = chain.snapshots[1]!;
  assert.ok(middle.exclusiveBytes > 0, 'the middle snapshot holds blocks of its own');
  await page.getByRole('button', { name: 'Delete middle' }).click();
  const preview = Number(await page.getByTestId('delete-preview').getAttribute('data-bytes'));
  assert.equal(preview, middle.exclusiveBytes);
  await page.getByRole('button', { name: 'Delete snapshot' }).click();
  // Deleting repacks and syncs what it keeps: on a disk busy with other work that takes longer
  // than a step. It ends with the freed figure or an error, and an error fails with its text.
  const dialog = page.getByRole('dialog');
  await dialog.getByTestId('delete-freed').or(dialog.getByRole('alert')).waitFor({ timeout: DURABLE_STEP_MS });
  assert.equal(await dialog.getByRole('alert').count(), 0, `the delete failed: ${await dialog.innerText()}`);
  const freed = Number(await dialog.getByTestId('delete-freed').getAttribute('data-bytes'));
  assert.equal(freed, preview);
  await page.getByRole('button', { name: 'Close' }).click();
  const after = (await cli(['chain', 'laptop'])) as Chain;
  assert.deepEqual(after.snapshots.map((s) => s.name), ['first', 'last']);
  assert.equal(after.totalBytes, chain.totalBytes - freed);
  await page.waitForFunction((n) => document.querySelector('[data-testid=chain-total]')?.getAttribute('data-bytes') === String(n), after.totalBytes);
}

/** (5) Restores the first snapshot to a new file, then the last one over it after a confirmation. */
async function restoreToFile({ dir, page }: E2e, image: string, firstSha: string): Promise<void> {
  const target = join(dir, 'restored.img');
  await page.getByRole('button', { name: 'Restore first' }).click();
  await page.getByLabel('Target file').fill(target);
  await page.getByRole('button', { name: 'Review…' }).click();
  await page.getByTestId('restore-review').filter({ hasText: target }).waitFor();
  await page.getByRole('button', { name: 'Restore', exact: true }).click();
  const done = page.getByRole('dialog').getByTestId('job-done');
  await done.waitFor();
  assert.equal(await done.getAttribute('data-status'), 'succeeded');
  assert.equal(await sha256File(target), firstSha);
  await page.getByRole('button', { name: 'Close' }).click();

  // Restoring onto an existing file asks first, then replaces it.
  const lastSha = await sha256File(image);
  await page.getByRole('button', { name: 'Restore last' }).click();
  await page.getByLabel('Target file').fill(target);
  await page.getByRole('button', { name: 'Review…' }).click();
  await page.getByRole('button', { name: 'Restore', exact: true }).click();
  await page.getByTestId('restore-review').filter({ hasText: 'already exists' }).waitFor();
  assert.equal(await sha256File(target), firstSha, 'nothing is overwritten before the user confirms');
  await page.getByRole('button', { name: 'Overwrite and restore' }).click();
  await page.getByRole('dialog').getByTestId('job-done').filter({ hasText: 'succeeded' }).waitFor();
  assert.equal(await sha256File(target), lastSha);
  await page.getByRole('button', { name: 'Close' }).click();
}

/** Rolls the image back: the dry run says how many blocks differ, then they are rewritten. */
async function rollBack({ page }: E2e, image: string, firstSha: string): Promise<void> {
  const lastSha = await sha256File(image);
  await page.getByRole('button', { name: 'Restore first' }).click();
  await page.getByLabel('Roll back “laptop” in place').check();
  await page.getByRole('button', { name: 'Review…' }).click();
  // The rewritten 1 MiB region spans 64 blocks of the default 16 KiB.
  await page.getByTestId('restore-review').filter({ hasText: /^64 block\(s\) of “laptop” \(1 MiB\) differ/ }).waitFor();
  assert.equal(await sha256File(image), lastSha, 'the dry run changes nothing');
  await page.getByRole('button', { name: 'Roll back' }).click();
  await page.getByRole('dialog').getByTestId('job-done').filter({ hasText: 'succeeded' }).waitFor();
  assert.equal(await sha256File(image), firstSha);
}

test('image disk: add, snapshot with progress, chain sizes, delete a middle snapshot, restore, roll back', async (t) => {
  await withE2e(t, async (e) => {
    const { dir, page, cli } = e;
    const image = join(dir, 'disk.img');
    await createImage(image, 16 * MiB, 7);
    const firstSha = await sha256File(image);

    // (1) add an image source
    await addDisk(page, { path: image, name: 'laptop' });
    await page.getByText('No snapshots yet.').first().waitFor();
    const sources = (await cli(['source', 'list'])) as { id: string; name: string; path: string; encrypted: boolean }[];
    assert.deepEqual(sources.map((s) => [s.name, s.path, s.encrypted]), [['laptop', image, false]]);

    // (2) a snapshot's progress reaches 100 %
    const first = await takeSnapshot(page, 'first');
    assert.match(first.done, /succeeded/);
    assert.match(first.done, /100 %/);
    assert.deepEqual(first.seen, [...first.seen].sort((a, b) => a - b), 'progress never goes backwards');
    assert.ok(first.seen.every((p) => p >= 0 && p <= 100), `progress values out of range: ${first.seen}`);
    await page.locator('[data-testid=snapshot-row]', { hasText: 'first' }).getByText('accomplished').waitFor();

    await rewriteRegion(image, 11);
    assert.match((await takeSnapshot(page, 'middle')).done, /succeeded/);
    await rewriteRegion(image, 12);
    assert.match((await takeSnapshot(page, 'last')).done, /succeeded/);

    const chain = await checkChainAgainstCli(e);
    await deleteMiddle(e, chain);
    await restoreToFile(e, image, firstSha);
    await rollBack(e, image, firstSha);
  });
});
