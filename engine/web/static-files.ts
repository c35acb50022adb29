import { promises as fsp } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, sep } from 'node:path';
import { BASE_HEADERS, contentSecurityPolicy, sendError } from './http-util';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png',
  '.ico': 'image/x-icon', '.woff2': 'font/woff2', '.map': 'application/json', '.txt': 'text/plain; charset=utf-8',
};

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>Strata</title>
<p>The Strata window has not been built yet: run <code>npm run build</code>, then reload this page.</p>`;

/**
 * Serves the built renderer from `root`. Paths without an extension that name no file get index.html (the app routes
 * in the page); paths that climb out of `root` are refused.
 */
export async function serveStatic(req: IncomingMessage, res: ServerResponse, root: string, port: number): Promise<void> {
  // The raw path, not a parsed URL's: URL parsing resolves "%2e%2e" away and would hide a climb.
  const pathname = (req.url ?? '/').split(/[?#]/)[0]!;
  let rel: string;
  try {
    rel = decodeURIComponent(pathname).replace(/^[/\\]+/, '');
  } catch {
    return sendError(res, 400, { code: 'E_INVALID', message: 'Expected a URL-encoded path' });
  }
  if (rel.split(/[/\\]/).includes('..') || rel.includes('\u0000')) return sendError(res, 404, { code: 'E_NOT_FOUND', message: 'no such file' });
  const headers = { ...BASE_HEADERS, 'Content-Security-Policy': contentSecurityPolicy(port) };
  let file = join(root, rel || 'index.html');
  if (!file.startsWith(root.endsWith(sep) ? root : root + sep)) return sendError(res, 404, { code: 'E_NOT_FOUND', message: 'no such file' });
  if (!(await isFile(file))) {
    // Browsers ask for a favicon on their own; "none" is not an error worth a console line.
    if (rel === 'favicon.ico') return void res.writeHead(204, headers).end();
    if (extname(rel) !== '') return sendError(res, 404, { code: 'E_NOT_FOUND', message: `no file ${pathname}` });
    file = join(root, 'index.html');
  }
  let data: Buffer;
  try {
    data = await fsp.readFile(file);
  } catch {
    res.writeHead(503, { ...headers, 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    return void res.end(NOT_BUILT);
  }
  const type = TYPES[extname(file)] ?? 'application/octet-stream';
  // Built assets carry a content hash in their names, so they may be cached; the page may not.
  const cache = file.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-store';
  res.writeHead(200, { ...headers, 'Content-Type': type, 'Content-Length': data.length, 'Cache-Control': cache });
  res.end(req.method === 'HEAD' ? undefined : data);
}

async function isFile(p: string): Promise<boolean> {
  return (await fsp.stat(p).catch(() => null))?.isFile() ?? false;
}
