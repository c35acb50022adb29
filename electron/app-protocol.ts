import { protocol } from 'electron';
import { promises as fsp } from 'node:fs';
import { extname, join, sep } from 'node:path';

/** The window's CSP: only its own scripts and styles; no network at all (IPC needs none). */
export const WINDOW_CSP = [
  "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "font-src 'self'",
  "connect-src 'none'", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'", "object-src 'none'",
].join('; ');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.woff2': 'font/woff2', '.json': 'application/json',
};

/** Must run before the app is ready: `app:` behaves as a secure, standard origin. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

/** The file under `root` a URL path names (index.html for routes), or null if it climbs out. */
export function appFile(root: string, pathname: string): string | null {
  let rel: string;
  try {
    rel = decodeURIComponent(pathname).replace(/^[/\\]+/, '');
  } catch {
    return null;
  }
  if (rel.split(/[/\\]/).includes('..') || rel.includes('\u0000')) return null;
  const file = join(root, rel === '' || extname(rel) === '' ? 'index.html' : rel);
  return file.startsWith(root.endsWith(sep) ? root : root + sep) ? file : null;
}

/** Serves dist/renderer at app://strata/ with the CSP on every answer. */
export function serveAppScheme(root: string): void {
  protocol.handle('app', async (req) => {
    const url = new URL(req.url);
    const file = url.host === 'strata' ? appFile(root, url.pathname) : null;
    const headers = { 'Content-Security-Policy': WINDOW_CSP, 'X-Content-Type-Options': 'nosniff' };
    if (!file) return new Response('not found', { status: 404, headers });
    try {
      const data = await fsp.readFile(file);
      return new Response(data, { headers: { ...headers, 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' } });
    } catch {
      return new Response('not found', { status: 404, headers });
    }
  });
}
