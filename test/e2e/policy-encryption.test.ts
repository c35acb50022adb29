/**
 * Policies through the grid editor, and encrypted disks: the badge, no way back to plaintext,
 * and a wrong passphrase refused by a freshly started (locked) web host.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Chain, Policy, Source } from '../../engine/api/contract';
import { createImage } from '../helpers/images';
import { addDisk, openApp, openScreen, takeSnapshot, withE2e } from './harness';

const MiB = 1024 * 1024;
const PASSPHRASE = 'correct horse battery staple';

test('a policy made in the grid editor shows its next runs and applies to a disk', async (t) => {
  await withE2e(t, async ({ dir, page, api }) => {
    const image = join(dir, 'disk.img');
    await createImage(image, 4 * MiB, 3);
    await addDisk(page, { path: image, name: 'laptop' });

    await openScreen(page, 'Policies');
    await page.getByRole('button', { name: 'New policy' }).click();
    await page.getByLabel('Policy name').fill('twice daily');
    await page.getByRole('button', { name: 'Hour 14:00' }).click();
    await page.getByRole('button', { name: 'Sun', exact: true }).click();
    await page.getByTestId('schedule-summary').filter({ hasText: 'At 02:00, 14:00 on Mon, Tue, Wed, Thu, Fri, Sat — 12 runs a week.' }).waitFor();
    await page.getByLabel('Keep for (days)').fill('14');
    await page.getByRole('checkbox', { name: 'laptop' }).check();

    const runs = page.getByTestId('next-runs').locator('li');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=next-runs] li').length === 5);
    for (const text of await runs.allTextContents()) {
      assert.match(text, /^\d{4}-\d\d-\d\d (02|14):00 laptop$/, `a next run at a chosen hour for the chosen disk: ${text}`);
      const day = new Date(text.slice(0, 10)).getUTCDay();
      assert.notEqual(day, 0, `no run on a Sunday: ${text}`);
    }

    await page.getByRole('button', { name: 'Save policy' }).click();
    const item = page.getByTestId('policy-item').filter({ hasText: 'twice daily' });
    await item.filter({ hasText: 'Disks: laptop' }).waitFor();
    const [policy] = (await api('listPolicies')) as Policy[];
    const [source] = (await api('listSources')) as Source[];
    assert.deepEqual(
      { timePoints: policy!.timePoints, repeatWeekdays: policy!.repeatWeekdays, retentionDays: policy!.retentionDays, sourceIds: policy!.sourceIds },
      { timePoints: [2, 14], repeatWeekdays: [1, 2, 3, 4, 5, 6], retentionDays: 14, sourceIds: [source!.id] },
    );

    await openScreen(page, 'Disks');
    const row = page.getByRole('row').filter({ hasText: 'laptop' });
    await row.filter({ hasText: 'twice daily' }).waitFor();
    assert.match((await row.locator('td').last().textContent()) ?? '', /^\d{4}-\d\d-\d\d (02|14):00$/);

    // Editing unbinds the disk; deleting the policy removes it and leaves the disk alone.
    await openScreen(page, 'Policies');
    await page.getByRole('button', { name: 'Edit twice daily' }).click();
    await page.getByRole('checkbox', { name: 'laptop' }).uncheck();
    await page.getByRole('button', { name: 'Save policy' }).click();
    await item.filter({ hasText: 'No disks' }).waitFor();
    assert.deepEqual(((await api('listPolicies')) as Policy[])[0]!.sourceIds, []);
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Delete twice daily' }).click();
    await page.getByText('No policies yet.').waitFor();
    assert.deepEqual(await api('listPolicies'), []);
    assert.equal(((await api('listSources')) as Source[]).length, 1);
  });
});

test('an encrypted disk shows its badge, offers no plaintext switch, and a wrong passphrase is refused', async (t) => {
  await withE2e(t, async (e) => {
    const image = join(e.dir, 'vault.img');
    await createImage(image, 4 * MiB, 5);
    const page = e.page;

    // A path that does not exist: the engine's message and what to do about it.
    await openScreen(page, 'Disks');
    await page.getByRole('button', { name: 'Add disk' }).click();
    await page.getByLabel('Disk or image file').fill(join(e.dir, 'missing.img'));
    await page.getByRole('button', { name: 'Add disk' }).click();
    const alert = page.getByRole('alert');
    await alert.filter({ hasText: 'missing.img' }).waitFor();
    assert.match((await alert.textContent()) ?? '', /E_[A-Z_]+.*(Check|Reload|Try)/);

    await addDisk(page, { path: image, name: 'vault', encrypted: true, passphrase: PASSPHRASE, compression: 'Compact (zstd)' });
    await page.getByRole('region', { name: 'vault' }).getByText('Compact (zstd)', { exact: true }).waitFor();

    await page.getByRole('region', { name: 'vault' }).getByText('Encrypted', { exact: true }).waitFor();
    assert.match((await page.getByTestId('encryption-note').textContent()) ?? '', /cannot be switched to plaintext/);
    assert.equal(await page.getByLabel(/plaintext/i).count(), 0, 'the disk screen offers no control to turn encryption off');
    assert.match((await takeSnapshot(page, 'sealed')).done, /succeeded/);
    await page.locator('[data-testid=snapshot-row]', { hasText: 'sealed' }).getByText('Encrypted', { exact: true }).waitFor();
    const chain = (await e.cli(['chain', 'vault'])) as Chain;
    assert.equal(chain.source.encrypted, true);
    assert.equal(chain.source.compression, 'zstd', 'the compression chosen in the form reached the engine');
    assert.equal(chain.snapshots[0]!.encrypted, true);

    await openScreen(page, 'Disks');
    await page.getByRole('row').filter({ hasText: 'vault' }).getByText('Encrypted', { exact: true }).waitFor();

    // A new host process starts locked: the UI asks for the passphrase and refuses a wrong one.
    await e.restartServer();
    await openApp(page, e.server.url);
    const unlock = page.getByRole('form', { name: 'Unlock the repository' });
    await unlock.getByLabel('Passphrase').fill('not the passphrase');
    await unlock.getByRole('button', { name: 'Unlock' }).click();
    await unlock.getByRole('alert').filter({ hasText: 'E_PASSPHRASE' }).waitFor();
    await unlock.getByText('Check the passphrase').waitFor();
    await unlock.getByLabel('Passphrase').fill(PASSPHRASE);
    await unlock.getByRole('button', { name: 'Unlock' }).click();
    await unlock.waitFor({ state: 'detached' });
    await page.getByRole('link', { name: 'vault' }).click();
    assert.match((await takeSnapshot(page, 'after unlock')).done, /succeeded/);
  });
});
