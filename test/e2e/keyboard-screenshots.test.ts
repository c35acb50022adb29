/**
 * Keyboard-only use of the main screens, and screenshots of every screen at 1280×800 and 800×600
 * in light and dark, saved under test-results/screenshots/ for a person to look at.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Page } from 'playwright-core';
import { createImage, mutateImage } from '../helpers/images';
import { ROOT } from '../helpers/cli';
import { addDisk, openScreen, SCREENSHOTS, takeSnapshot, withE2e } from './harness';

const MiB = 1024 * 1024;
const PNG_MAGIC = '89504e470d0a1a0a';

/** The accessible name of the focused element, as a screen reader would read it. */
const focusedName = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    return el?.getAttribute('aria-label') ?? el?.textContent?.trim() ?? '';
  });

/** Presses Tab (or Shift+Tab) until the focused element has `name`; fails after `max` presses. */
async function tabTo(page: Page, name: string | RegExp, opts: { back?: boolean; max?: number } = {}): Promise<void> {
  const seen: string[] = [];
  for (let i = 0; i < (opts.max ?? 60); i++) {
    await page.keyboard.press(opts.back ? 'Shift+Tab' : 'Tab');
    const got = await focusedName(page);
    seen.push(got);
    if (typeof name === 'string' ? got === name : name.test(got)) return;
  }
  assert.fail(`Tab never reached "${name}"; focus went through: ${seen.join(' | ')}`);
}

test('the main screens work from the keyboard alone', async (t) => {
  await withE2e(t, async ({ dir, page }) => {
    const image = join(dir, 'disk.img');
    await createImage(image, 4 * MiB, 9);
    await addDisk(page, { path: image, name: 'laptop' });
    await takeSnapshot(page, 'first');

    // From here on, only keys.
    await tabTo(page, 'Policies');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Policies', level: 2 }).waitFor();
    await tabTo(page, 'New policy');
    await page.keyboard.press('Enter');
    await tabTo(page, 'Mon 2:00');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press(' ');
    await page.getByTestId('schedule-summary').filter({ hasText: 'At 02:00, 04:00 every day' }).waitFor();

    await tabTo(page, 'Disks', { back: true });
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Disks', level: 2 }).waitFor();
    await tabTo(page, 'laptop');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'laptop', level: 2 }).waitFor();
    await tabTo(page, 'Delete first');
    await page.keyboard.press('Enter');
    await page.getByTestId('delete-preview').waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    assert.equal(await focusedName(page), 'Delete first', 'focus returns to the button that opened the dialog');

    for (const name of ['Repository', 'Activity'] as const) {
      await tabTo(page, name, { back: true });
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name, level: 2 }).waitFor();
    }
    await page.getByRole('row').filter({ hasText: 'snapshot' }).first().waitFor();

    // The theme toggle overrides the system preference: system → light → dark.
    await page.emulateMedia({ colorScheme: 'light' });
    const lightBackground = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await tabTo(page, /switch theme$/);
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
    assert.notEqual(await page.evaluate(() => getComputedStyle(document.body).backgroundColor), lightBackground);
  });
});

/** The README shows the desktop-size shots; refreshed on request only, so a test run never edits docs/. */
function copyToDocs(files: string[]): void {
  const docs = join(ROOT, 'docs', 'screenshots');
  mkdirSync(docs, { recursive: true });
  for (const f of files) copyFileSync(f, join(docs, basename(f).replace('-1280x800', '')));
}

const VIEWPORTS = [
  { width: 1280, height: 800 },
  { width: 800, height: 600 },
];

test('screenshots of every screen, in two sizes and two themes', async (t) => {
  await withE2e(t, async ({ dir, page }) => {
    const image = join(dir, 'disk.img');
    await createImage(image, 8 * MiB, 4);
    await addDisk(page, { path: image, name: 'laptop' });
    await takeSnapshot(page, 'monday');
    await mutateImage(image, 40, 1);
    await takeSnapshot(page, 'tuesday');
    await mutateImage(image, 20, 2);
    await takeSnapshot(page, 'wednesday');
    await openScreen(page, 'Repository');
    await page.getByRole('button', { name: 'Check', exact: true }).click();
    await page.getByTestId('last-check').filter({ hasText: 'no problems' }).waitFor();
    mkdirSync(SCREENSHOTS, { recursive: true });

    const detail = async () => {
      await openScreen(page, 'Disks');
      await page.getByRole('link', { name: 'laptop' }).click();
      await page.getByTestId('chain-total').waitFor();
    };
    const screens: [string, () => Promise<void>][] = [
      ['disks', async () => {
        await openScreen(page, 'Disks');
        await page.getByRole('link', { name: 'laptop' }).waitFor();
      }],
      ['disk-detail', detail],
      ['delete-dialog', async () => {
        await detail();
        await page.getByRole('button', { name: 'Delete tuesday' }).click();
        await page.getByTestId('delete-preview').waitFor();
      }],
      ['rollback-review', async () => {
        await detail();
        await page.getByRole('button', { name: 'Restore monday' }).click();
        await page.getByLabel('Roll back “laptop” in place').check();
        await page.getByRole('button', { name: 'Review…' }).click();
        await page.getByTestId('restore-review').waitFor();
      }],
      ['add-disk', async () => {
        await openScreen(page, 'Disks');
        await page.getByRole('button', { name: 'Add disk' }).click();
        await page.getByLabel('Encrypted (AES-256-GCM)').check();
      }],
      ['policies', async () => {
        await openScreen(page, 'Policies');
        await page.getByRole('button', { name: 'New policy' }).click();
        await page.getByTestId('next-runs').locator('li').first().waitFor();
      }],
      ['repository', async () => {
        await openScreen(page, 'Repository');
        await page.getByTestId('last-check').waitFor();
      }],
      ['activity', async () => {
        await openScreen(page, 'Activity');
        await page.getByTestId('job-row').first().waitFor();
      }],
    ];
    const files: string[] = [];
    for (const theme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: theme });
      for (const vp of VIEWPORTS) {
        await page.setViewportSize(vp);
        for (const [name, open] of screens) {
          await open();
          const file = join(SCREENSHOTS, `${name}-${vp.width}x${vp.height}-${theme}.png`);
          await page.screenshot({ path: file });
          files.push(file);
          // Dialogs are modal: close them before the next screen is opened.
          if (await page.getByRole('dialog').count()) await page.keyboard.press('Escape');
        }
      }
    }
    assert.equal(files.length, 32);
    for (const f of files) assert.equal(readFileSync(f).subarray(0, 8).toString('hex'), PNG_MAGIC, `${f} is a PNG`);
    if (process.env.STRATA_DOCS_SCREENSHOTS === '1') copyToDocs(files.filter((f) => f.includes('-1280x800-')));
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await page.emulateMedia({ colorScheme: 'light' });
    const light = await background();
    await page.emulateMedia({ colorScheme: 'dark' });
    assert.notEqual(await background(), light, 'dark mode changes the page background');
  });
});
