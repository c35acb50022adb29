import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWebTransport, takeToken, type BrowserEnv } from '../../renderer/api/web-transport';

interface FakeSocket {
  url: string;
  onmessage: ((m: { data: string }) => void) | null;
  onclose: (() => void) | null;
}

function fakeEnv(href: string, respond: (url: string, init: RequestInit) => Response) {
  const stored = new Map<string, string>();
  const calls: { url: string; init: RequestInit }[] = [];
  const sockets: FakeSocket[] = [];
  const replaced: string[] = [];
  const env: BrowserEnv = {
    location: { href },
    history: { replaceState: (_d, _u, url) => void replaced.push(url ?? '') },
    sessionStorage: { getItem: (k) => stored.get(k) ?? null, setItem: (k, v) => void stored.set(k, v) },
    fetch: (async (url: string, init: RequestInit) => {
      calls.push({ url, init });
      return respond(url, init);
    }) as typeof fetch,
    WebSocket: function (this: FakeSocket, url: string) {
      this.url = url;
      this.onmessage = null;
      this.onclose = null;
      sockets.push(this);
    } as unknown as BrowserEnv['WebSocket'],
    setTimeout: () => 0,
  };
  return { env, stored, calls, sockets, replaced };
}

test('the token moves from the address bar to session storage', () => {
  const f = fakeEnv('http://127.0.0.1:4100/?token=abc123#/disks', () => new Response('{}'));
  assert.equal(takeToken(f.env), 'abc123');
  assert.equal(f.stored.get('strata.token'), 'abc123');
  assert.deepEqual(f.replaced, ['/#/disks']);
  const again = fakeEnv('http://127.0.0.1:4100/#/policies', () => new Response('{}'));
  again.env.sessionStorage.setItem('strata.token', 'kept');
  assert.equal(takeToken(again.env), 'kept');
  assert.deepEqual(again.replaced, []);
});

test('a call is a POST to /api/<method> with the bearer token and a JSON body', async () => {
  const f = fakeEnv('http://127.0.0.1:4100/?token=t0k', () => Response.json([{ id: 's1' }]));
  const client = createWebTransport(f.env);
  assert.deepEqual(await client.listSnapshots({ sourceId: 's1' }), [{ id: 's1' }]);
  assert.equal(f.calls[0]!.url, 'http://127.0.0.1:4100/api/listSnapshots');
  assert.equal(f.calls[0]!.init.method, 'POST');
  assert.equal((f.calls[0]!.init.headers as Record<string, string>).Authorization, 'Bearer t0k');
  assert.deepEqual(JSON.parse(String(f.calls[0]!.init.body)), { sourceId: 's1' });
});

test('an error body becomes an Error carrying the engine code', async () => {
  const f = fakeEnv('http://127.0.0.1:4100/?token=t', () => Response.json({ error: { code: 'E_NOT_FOUND', message: 'no source "x"' } }, { status: 404 }));
  const client = createWebTransport(f.env);
  await assert.rejects(client.chain({ sourceId: 'x' }), (e: Error & { code?: string }) => e.code === 'E_NOT_FOUND' && e.message === 'no source "x"');
  const bare = fakeEnv('http://127.0.0.1:4100/?token=t', () => new Response('', { status: 401 }));
  await assert.rejects(createWebTransport(bare.env).listSources(), (e: Error & { code?: string }) => e.code === 'E_AUTH');
  const empty = fakeEnv('http://127.0.0.1:4100/?token=t', () => new Response('', { status: 200 }));
  assert.equal(await createWebTransport(empty.env).cancelJob({ jobId: 'j' }), undefined);
});

test('events arrive from one WebSocket with the token and reach only their listeners', () => {
  const f = fakeEnv('https://127.0.0.1:4100/?token=a b', () => new Response('{}'));
  const client = createWebTransport(f.env);
  const jobs: unknown[] = [];
  const changes: unknown[] = [];
  const off = client.on('job', (j) => jobs.push(j));
  client.on('catalogChanged', (c) => changes.push(c));
  assert.equal(f.sockets.length, 1);
  assert.equal(f.sockets[0]!.url, 'wss://127.0.0.1:4100/events?token=a%20b');
  f.sockets[0]!.onmessage!({ data: JSON.stringify({ event: 'job', payload: { id: 'j1' } }) });
  f.sockets[0]!.onmessage!({ data: JSON.stringify({ event: 'catalogChanged', payload: { what: 'sources' } }) });
  off();
  f.sockets[0]!.onmessage!({ data: JSON.stringify({ event: 'job', payload: { id: 'j2' } }) });
  assert.deepEqual(jobs, [{ id: 'j1' }]);
  assert.deepEqual(changes, [{ what: 'sources' }]);
});
