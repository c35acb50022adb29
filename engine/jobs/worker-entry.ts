/**
 * The engine host process (bundled to dist/engine-worker.mjs). Electron main starts it as a
 * utility process (messages on `process.parentPort`); the web host and tests fork it with Node
 * (messages on `process.send`). Either way it serves the API on that one channel.
 */
import { readFileSync } from 'node:fs';
import { toErrorInfo } from '../core/errors';
import { resolveHome } from '../api/home';
import { openEngineHost } from './engine-host';
import { serveApi } from './host-server';
import type { HostMessage, MessageEnd } from './protocol';

interface ParentPort {
  postMessage(msg: unknown): void;
  on(event: 'message', cb: (e: { data: unknown }) => void): void;
}

function channel(): MessageEnd<unknown, HostMessage> {
  const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;
  if (parentPort) return { post: (m) => parentPort.postMessage(m), onMessage: (cb) => parentPort.on('message', (e) => cb(e.data)) };
  if (process.send) {
    const send = process.send.bind(process);
    return { post: (m) => void send(m), onMessage: (cb) => process.on('message', cb) };
  }
  throw new Error('the engine host must be started by Strata (no message channel to a parent)');
}

/** The version in package.json: beside dist/ when bundled, two folders up in the source tree. */
function packageVersion(): string {
  for (const rel of ['../package.json', '../../package.json']) {
    try {
      const v = (JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { name?: string; version?: string });
      if (v.name === 'strata' && v.version) return v.version;
    } catch {
      // Not at this place: try the next.
    }
  }
  return 'unknown';
}

async function main(): Promise<void> {
  const end = channel();
  const host = process.env.STRATA_HOST === 'electron' ? 'electron' : 'web';
  const version = packageVersion();
  try {
    const engine = await openEngineHost({ home: resolveHome(), host, version, emit: (event, payload) => end.post({ type: 'event', event, payload }) });
    const shutdown = async () => {
      await engine.close().catch(() => undefined);
      process.exit(0);
    };
    // Ctrl-C in a terminal reaches the whole process group: the front (strata serve) decides
    // when this host stops, and asks with a shutdown message. SIGTERM alone stops it cleanly.
    process.on('SIGINT', () => undefined);
    process.once('SIGTERM', () => void shutdown());
    serveApi(end, engine.api, { signals: (u) => engine.signals(u), shutdown });
    end.post({ type: 'ready' });
  } catch (err) {
    const { code, message } = toErrorInfo(err);
    end.post({ type: 'fatal', error: { code, message } });
    process.exitCode = 1;
    setTimeout(() => process.exit(1), 100);
  }
}

// The parent going away (a crash of main or the web host) must not leave this process behind.
process.on('disconnect', () => process.exit(0));
void main();
