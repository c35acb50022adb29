import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { callApi, raw, startHarness, type Harness } from './web-harness';

let h: Harness;
before(async () => (h = await startHarness()));
after(async () => h?.close());

const post = (path: string, headers: Record<string, string>, body = '') => raw(h.web.port, { method: 'POST', path, headers: { 'content-type': 'application/json', ...headers }, body });
const auth = () => ({ authorization: `Bearer ${h.web.token}` });

test('the URL is loopback with a 64-hex-digit token', () => {
  assert.match(h.web.url, /^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{64}$/);
});

test('every API call needs the token', async () => {
  const tries: Record<string, string>[] = [{}, { authorization: 'Bearer nope' }, { authorization: `Bearer ${h.web.token.slice(1)}` }, { authorization: h.web.token }];
  for (const headers of tries) {
    const r = await post('/api/listSources', headers);
    assert.equal(r.status, 401);
    assert.equal((r.json as { error: { code: string } }).error.code, 'E_AUTH');
  }
  const ok = await callApi(h.web, 'listSources');
  assert.equal(ok.status, 200);
  assert.deepEqual(ok.body, []);
});

test('the token in the query string does not open the API', async () => {
  const r = await post(`/api/listSources?token=${h.web.token}`, {});
  assert.equal(r.status, 401);
});

test('a foreign Host (DNS rebinding) or Origin is refused', async () => {
  const rebound = await raw(h.web.port, { method: 'POST', path: '/api/listSources', headers: { ...auth(), host: `evil.example:${h.web.port}` } });
  assert.equal(rebound.status, 403);
  const page = await raw(h.web.port, { path: '/', headers: { host: 'evil.example' } });
  assert.equal(page.status, 403);
  const cross = await post('/api/listSources', { ...auth(), origin: 'http://evil.example' });
  assert.equal(cross.status, 403);
  const own = await post('/api/listSources', { ...auth(), origin: `http://127.0.0.1:${h.web.port}` });
  assert.equal(own.status, 200);
});

test('limits: a body over 1 MiB is 413, malformed JSON 400, unknown method 404, GET 405', async () => {
  const big = await post('/api/listSources', auth(), JSON.stringify({ x: 'a'.repeat(1024 * 1024 + 10) }));
  assert.equal(big.status, 413);
  const bad = await post('/api/createSnapshot', auth(), '{"sourceId": ');
  assert.equal(bad.status, 400);
  assert.match((bad.json as { error: { message: string } }).error.message, /malformed JSON/);
  assert.equal((await post('/api/dropEverything', auth(), '{}')).status, 404);
  assert.equal((await raw(h.web.port, { path: '/api/listSources', headers: auth() })).status, 405);
});

test('malformed requests are refused with E_INVALID before the engine sees them', async () => {
  const r = await callApi(h.web, 'createSnapshot', { sourceId: 42 });
  assert.equal(r.status, 400);
  assert.deepEqual((r.body as { error: { code: string } }).error.code, 'E_INVALID');
  const missing = await callApi(h.web, 'chain', { sourceId: 'src-0000000000000000' });
  assert.equal(missing.status, 404);
  assert.equal((missing.body as { error: { code: string } }).error.code, 'E_NOT_FOUND');
});

test('the page comes with a strict CSP, no-sniff and no referrer; traversal and missing files are 404', async () => {
  const page = await raw(h.web.port, { path: '/' });
  assert.equal(page.status, 200);
  assert.match(page.body, /<title>Strata<\/title>/);
  const csp = String(page.headers['content-security-policy']);
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'self'(;|$)/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  assert.equal(page.headers['x-content-type-options'], 'nosniff');
  assert.equal(page.headers['referrer-policy'], 'no-referrer');
  assert.equal((await raw(h.web.port, { path: '/assets/app.js' })).headers['content-type'], 'text/javascript; charset=utf-8');
  assert.equal((await raw(h.web.port, { path: '/%2e%2e/%2e%2e/etc/passwd' })).status, 404);
  assert.equal((await raw(h.web.port, { path: '/assets/missing.js' })).status, 404);
  assert.match((await raw(h.web.port, { path: '/disks/src-1' })).body, /<title>Strata/, 'app routes get the page');
});

test('the event WebSocket needs the token', async () => {
  const refused = await new Promise<number>((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${h.web.port}/events?token=wrong`);
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', () => resolve(-1));
  });
  assert.equal(refused, 401);
  const opened = await new Promise<boolean>((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${h.web.port}/events?token=${h.web.token}`);
    ws.on('open', () => (ws.close(), resolve(true)));
    ws.on('error', () => resolve(false));
  });
  assert.equal(opened, true);
});
