import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CLI } from '../helpers/cli';
import { withTempDir } from '../helpers/home';

test('strata serve prints the URL with its token on the first line, answers with it, and stops on SIGINT', async () => {
  await withTempDir(async (dir) => {
    const child = spawn(process.execPath, [CLI, '--home', join(dir, 'home'), 'serve', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const firstLine = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d) => {
        out += d;
        if (out.includes('\n')) resolve(out.split('\n')[0]!);
      });
      child.on('exit', () => reject(new Error(`serve exited early: ${stderr}`)));
    });
    const url = new URL(firstLine);
    assert.equal(url.hostname, '127.0.0.1');
    assert.match(url.searchParams.get('token') ?? '', /^[0-9a-f]{64}$/);
    const call = (token: string) => fetch(new URL('/api/getAppState', url), { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    assert.equal((await call('0'.repeat(64))).status, 401);
    const res = await call(url.searchParams.get('token')!);
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { host: string }).host, 'web');
    child.kill('SIGINT');
    assert.equal(await exited, 0, stderr);
    assert.equal(existsSync(join(dir, 'home', 'scheduler.lock')), false, 'the engine host released the scheduler lock on its way out');
  });
});

test('strata serve refuses a port that is not a number', async () => {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', 'http'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  assert.notEqual(code, 0);
  assert.match(stderr, /--port to be a whole number from 0 to 65535/);
});
