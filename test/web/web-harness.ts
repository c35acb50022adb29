import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import type { HostClient } from '../../engine/jobs/host-client';
import { forkEngineHost } from '../../engine/jobs/fork-host';
import { startWebHost, type WebHost } from '../../engine/web/server';
import { createTempDir } from '../helpers/home';
import { ROOT } from '../helpers/cli';

export interface Harness {
  dir: string;
  web: WebHost;
  client: HostClient;
  close(): Promise<void>;
}

/** A real engine host process and web host on port 0, on a fresh home, with a tiny renderer. */
export async function startHarness(): Promise<Harness> {
  const { dir, cleanup } = createTempDir();
  const renderer = join(dir, 'renderer');
  mkdirSync(join(renderer, 'assets'), { recursive: true });
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>Strata</title><script type="module" src="./assets/app.js"></script>');
  writeFileSync(join(renderer, 'assets', 'app.js'), 'console.log("strata")');
  // The bundled host, as `strata serve` runs it (npm test bundles first): its snapshot worker
  // threads cannot load TypeScript.
  const client = forkEngineHost({ home: join(dir, 'home'), host: 'web', env: { STRATA_PASSPHRASE: '' }, script: join(ROOT, 'dist', 'engine-worker.mjs') });
  await client.ready;
  const web = await startWebHost({ backend: client, rendererDir: renderer });
  return {
    dir, web, client,
    close: async () => {
      await web.close();
      await client.close();
      cleanup();
    },
  };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json: unknown;
}

/** A plain HTTP request where every header is ours to set (fetch would not let us set Host). */
export function raw(port: number, opts: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer }): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: opts.method ?? 'GET', path: opts.path, headers: { host: `127.0.0.1:${port}`, ...opts.headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(body);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json });
      });
    });
    // A server that refuses early may close while the body is still being sent.
    req.on('error', (err: NodeJS.ErrnoException) => (err.code === 'EPIPE' || err.code === 'ECONNRESET' ? undefined : reject(err)));
    req.end(opts.body);
  });
}

/** Calls the API as the page does. */
export async function callApi(web: WebHost, method: string, arg?: unknown): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`http://127.0.0.1:${web.port}/api/${method}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${web.token}`, 'content-type': 'application/json' },
    body: arg === undefined ? '' : JSON.stringify(arg),
  });
  return { status: res.status, body: await res.json() };
}
