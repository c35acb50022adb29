import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { toErrorInfo } from '../core/errors';
import { EVENT_NAMES, WEB_API_PREFIX, WEB_EVENTS_PATH, type WebEventMessage } from '../api/contract';
import type { HostClient } from '../jobs/host-client';
import { isApiMethod } from '../jobs/validate';
import { bearer, loopbackHost, readJsonBody, sameOrigin, sendError, sendJson, statusFor, tokenMatches } from './http-util';
import { serveStatic } from './static-files';

export type ApiBackend = Pick<HostClient, 'call' | 'on'>;

export interface WebHostOptions {
  backend: ApiBackend;
  /** The built renderer (dist/renderer). */
  rendererDir: string;
  port?: number;
  /** Fixed only in tests; otherwise 32 random bytes. */
  token?: string;
}

export interface WebHost {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

/**
 * `strata serve`: the renderer and the API over HTTP and a WebSocket, on 127.0.0.1 only. Every
 * API call and the event stream need the token; requests naming another host are refused.
 */
export async function startWebHost(opts: WebHostOptions): Promise<WebHost> {
  const token = opts.token ?? randomBytes(32).toString('hex');
  // Loaded here, not with the module: every CLI command bundles this file, and loading `ws`
  // costs ≈ 30 ms that only `strata serve` needs.
  const { WebSocketServer } = await import('ws');
  const sockets = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  let port = 0;
  const server = createServer((req, res) => void handle(req, res).catch((err) => sendError(res, 500, toErrorInfo(err))));

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!loopbackHost(req.headers.host, port)) return sendError(res, 403, { code: 'E_INVALID', message: 'Expected a loopback Host (127.0.0.1 or localhost)' });
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (path.startsWith(WEB_API_PREFIX)) return api(req, res, path.slice(WEB_API_PREFIX.length));
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, 405, { code: 'E_INVALID', message: `Expected GET, got ${req.method}` });
    return serveStatic(req, res, opts.rendererDir, port);
  }

  async function api(req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
    if (!tokenMatches(bearer(req), token)) return sendError(res, 401, { code: 'E_AUTH', message: 'Expected the token of this server (Authorization: Bearer …)' });
    if (!sameOrigin(req.headers.origin, port)) return sendError(res, 403, { code: 'E_INVALID', message: 'Expected a request from this server\'s own page' });
    if (req.method !== 'POST') return sendError(res, 405, { code: 'E_INVALID', message: `Expected POST, got ${req.method}` });
    if (!isApiMethod(method)) return sendError(res, 404, { code: 'E_NOT_FOUND', message: `no API method "${method.slice(0, 60)}"` });
    let arg: unknown;
    try {
      arg = await readJsonBody(req);
    } catch (err) {
      const info = toErrorInfo(err);
      return sendError(res, info.details?.status === 413 ? 413 : 400, info);
    }
    try {
      sendJson(res, 200, (await opts.backend.call(method, arg)) ?? null);
    } catch (err) {
      const info = toErrorInfo(err);
      sendError(res, statusFor(info.code), info);
    }
  }

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const ok = url.pathname === WEB_EVENTS_PATH && loopbackHost(req.headers.host, port) && sameOrigin(req.headers.origin, port) &&
      (tokenMatches(url.searchParams.get('token'), token) || tokenMatches(bearer(req), token));
    if (!ok) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(req, socket, head, (ws) => subscribe(ws));
  });

  function subscribe(ws: WebSocket): void {
    const offs = EVENT_NAMES.map((event) =>
      opts.backend.on(event, (payload) => {
        const msg = { event, payload } as WebEventMessage;
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg));
      }),
    );
    ws.on('close', () => offs.forEach((off) => off()));
    // The page only listens; anything it sends is ignored.
    ws.on('message', () => undefined);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    close: async () => {
      for (const ws of sockets.clients) ws.terminate();
      sockets.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
