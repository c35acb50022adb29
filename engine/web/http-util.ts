import type { IncomingMessage, ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { StrataError, type ErrorInfo } from '../core/errors';

export const MAX_BODY_BYTES = 1024 * 1024;

/** Headers on every answer: no sniffing, no framing, no referrer (the URL carries the token). */
export const BASE_HEADERS: Record<string, string> = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** What the page may load: only its own scripts and styles, and its own API and WebSocket. */
export function contentSecurityPolicy(port: number): string {
  return [
    "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "font-src 'self'",
    `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`, "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'",
  ].join('; ');
}

const STATUS: Partial<Record<string, number>> = {
  E_USAGE: 400, E_INVALID: 400, E_NOT_FOUND: 404, E_AMBIGUOUS: 409, E_EXISTS: 409, E_BUSY: 409, E_LOCKED: 409,
  E_CONFIRM: 409, E_MOUNTED: 409, E_PASSPHRASE: 403, E_NEEDS_KEY: 403, E_INTERNAL: 500,
};

export function statusFor(code: string): number {
  return STATUS[code] ?? 422;
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const data = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { ...BASE_HEADERS, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': data.length, 'Cache-Control': 'no-store' });
  res.end(data);
}

export function sendError(res: ServerResponse, status: number, error: ErrorInfo | { code: string; message: string }): void {
  sendJson(res, status, { error: { code: error.code, message: error.message } });
}

/** Reads a JSON body of at most MAX_BODY_BYTES; an empty body is no argument. */
export function readJsonBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_BODY_BYTES) return reject(tooLarge(declared));
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        req.pause();
        reject(tooLarge(size));
      } else chunks.push(c);
    });
    req.on('error', reject);
    req.on('end', () => {
      if (size > MAX_BODY_BYTES) return;
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.trim() === '') return resolve(undefined);
      try {
        resolve(JSON.parse(text));
      } catch (err) {
        reject(new StrataError('E_USAGE', `Expected a JSON body, got malformed JSON (${(err as Error).message})`));
      }
    });
  });
}

function tooLarge(n: number): StrataError {
  return new StrataError('E_INVALID', `Expected a request body of at most ${MAX_BODY_BYTES} bytes, got ${n}`, { details: { status: 413 } });
}

/** Compares tokens in constant time (a timing leak would let a local page guess it byte by byte). */
export function tokenMatches(given: string | null | undefined, token: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function bearer(req: IncomingMessage): string | null {
  const h = req.headers.authorization;
  return typeof h === 'string' && h.startsWith('Bearer ') ? h.slice(7).trim() : null;
}

/**
 * Only loopback names: a page on another site that made its name resolve to 127.0.0.1 (DNS
 * rebinding) still sends its own name in Host, and is refused.
 */
export function loopbackHost(host: string | undefined, port: number): boolean {
  return host === `127.0.0.1:${port}` || host === `localhost:${port}` || host === `[::1]:${port}`;
}

/** A browser's Origin, when present, must be this server itself. */
export function sameOrigin(origin: string | undefined, port: number): boolean {
  return origin === undefined || origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}` || origin === `http://[::1]:${port}`;
}
