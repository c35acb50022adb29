/**
 * End-to-end harness: the real web host (`strata serve`) on a temporary home, driven by Debian
 * Chromium through playwright-core. Each test file starts one server and one browser.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { TestContext } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CLI, ROOT, runCli } from '../helpers/cli';

export const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
export const SCREENSHOTS = join(ROOT, 'test-results', 'screenshots');
/** Long enough for a 16 MiB snapshot on a busy 2-core machine; a hang still fails. */
export const STEP_TIMEOUT_MS = 30_000;
/** Steps that sync what they write wait on the disk, which other work on the machine may hold up. */
export const DURABLE_STEP_MS = 120_000;

export interface Served {
  url: string;
  stop(): Promise<void>;
}

/** Starts `strata serve --port 0` on `home` and waits for the URL on its first stdout line. */
export async function serve(home: string): Promise<Served> {
  const child: ChildProcess = spawn(process.execPath, [CLI, '--home', home, 'serve', '--port', '0'], {
    env: { ...process.env, STRATA_TEST_FAST_KDF: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => resolve(line.trim()));
    child.once('exit', (code) => reject(new Error(`strata serve exited (${code}) before printing its URL: ${stderr.trim()}`)));
    setTimeout(() => reject(new Error(`strata serve printed no URL in ${STEP_TIMEOUT_MS} ms: ${stderr.trim()}`)), STEP_TIMEOUT_MS).unref();
  });
  if (!/^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]+$/.test(url)) throw new Error(`Expected the URL with its token on the first line, got "${url}"`);
  return {
    url,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export interface E2e {
  dir: string;
  home: string;
  server: Served;
  browser: Browser;
  page: Page;
  /** The CLI on the same home, with --json. */
  cli(args: string[]): Promise<unknown>;
  /** One call to the web host's API, as the page makes it, to check what the UI stored. */
  api(method: string, arg?: unknown): Promise<unknown>;
  /** Stops the server and starts it again on the same home (a fresh, locked process). */
  restartServer(): Promise<void>;
}

/** Skips when Chromium is missing; otherwise runs `fn` with a server, a browser and a page, and cleans up. */
export async function withE2e(t: TestContext, fn: (e: E2e) => Promise<void>): Promise<void> {
  if (!existsSync(CHROMIUM)) {
    t.skip(`${CHROMIUM} is not installed (apt-get install chromium); the browser tests need it`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'strata-e2e-'));
  const home = join(dir, 'home');
  mkdirSync(home);
  let server: Served | null = null;
  let browser: Browser | null = null;
  try {
    server = await serve(home);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.setDefaultTimeout(STEP_TIMEOUT_MS);
    await openApp(page, server.url);
    const e: E2e = {
      dir, home, server, browser, page,
      cli: async (args) => {
        const r = await runCli(['--home', home, '--json', ...args]);
        if (r.code !== 0) throw new Error(`strata ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
        return r.json;
      },
      api: async (method, arg) => {
        const url = new URL(e.server.url);
        const res = await fetch(`${url.origin}/api/${method}`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${url.searchParams.get('token')}`, 'Content-Type': 'application/json' },
          body: arg === undefined ? '' : JSON.stringify(arg),
        });
        const body = (await res.json()) as unknown;
        if (!res.ok) throw new Error(`${method} failed (${res.status}): ${JSON.stringify(body)}`);
        return body;
      },
      restartServer: async () => {
        await e.server.stop();
        e.server = server = await serve(home);
      },
    };
    await fn(e);
  } finally {
    await browser?.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Loads the page, retrying while the web host answers 503: that is the moment another build is
 * rewriting dist/renderer (developers share one tree), not a failure of the app.
 */
export async function openApp(page: Page, url: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const res = await page.goto(url);
    if (res?.status() !== 503 || attempt === 20) break;
    await page.waitForTimeout(500);
  }
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
}

/** Goes to a screen through the navigation, as a user would. */
export async function openScreen(page: Page, name: 'Disks' | 'Policies' | 'Repository' | 'Activity'): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name }).click();
  await page.getByRole('heading', { name, level: 2 }).waitFor();
}

/** Adds a disk through the Add disk form and waits for its detail screen. */
export async function addDisk(page: Page, opts: { path: string; name: string; encrypted?: boolean; passphrase?: string; blockSize?: string; compression?: string }): Promise<void> {
  await openScreen(page, 'Disks');
  await page.getByRole('button', { name: 'Add disk' }).click();
  await page.getByLabel('Disk or image file').fill(opts.path);
  await page.getByLabel('Name', { exact: true }).fill(opts.name);
  if (opts.blockSize) await page.getByLabel('Block size').selectOption({ label: opts.blockSize });
  if (opts.compression) await page.getByLabel('Compression').selectOption({ label: opts.compression });
  if (opts.encrypted) {
    await page.getByLabel('Encrypted (AES-256-GCM)').check();
    await page.getByLabel('Passphrase', { exact: true }).fill(opts.passphrase ?? '');
    const repeat = page.getByLabel('Repeat passphrase');
    if (await repeat.count()) await repeat.fill(opts.passphrase ?? '');
  }
  await page.getByRole('button', { name: 'Add disk' }).click();
  await page.getByRole('heading', { name: opts.name, level: 2 }).waitFor();
}

const DONE = '[data-testid="job-done"]';

/**
 * Takes a snapshot from the disk screen and waits until its job says how it ended. Returns that
 * line and every progress value the bar showed on the way.
 */
export async function takeSnapshot(page: Page, name: string): Promise<{ done: string; seen: number[] }> {
  const before = await page.locator(DONE).getAttribute('data-job-id', { timeout: 100 }).catch(() => null);
  await page.evaluate(() => {
    const seen: number[] = [];
    (window as unknown as { __progress: number[] }).__progress = seen;
    new MutationObserver(() => {
      for (const bar of document.querySelectorAll('.take-snapshot [role=progressbar]')) seen.push(Number(bar.getAttribute('aria-valuenow')));
    }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['aria-valuenow'] });
  });
  await page.getByLabel('Snapshot name').fill(name);
  await page.getByRole('button', { name: 'Take snapshot' }).click();
  await page.waitForFunction(([sel, prev]) => {
    const el = document.querySelector(sel!);
    return el !== null && el.getAttribute('data-job-id') !== prev;
  }, [DONE, before] as const);
  const done = (await page.locator(DONE).textContent()) ?? '';
  const seen = await page.evaluate(() => (window as unknown as { __progress: number[] }).__progress);
  return { done, seen };
}
