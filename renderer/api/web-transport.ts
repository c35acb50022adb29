/**
 * The web host transport: `POST /api/<method>` with a bearer token, events over the `/events`
 * WebSocket as `{ event, payload }`. The token arrives once in the page URL; it is kept in
 * sessionStorage and taken out of the address bar so it does not linger in history.
 */
import type { ApiMethod, EventName, StrataEvents, WebEventMessage } from '../../engine/api/contract';
import { API_METHODS } from './methods';
import type { StrataClient } from './client';
import { ApiCallError } from './errors';

const TOKEN_KEY = 'strata.token';

export interface BrowserEnv {
  location: { href: string };
  history: { replaceState(data: unknown, unused: string, url?: string): void };
  sessionStorage: Pick<Storage, 'getItem' | 'setItem'>;
  fetch: typeof fetch;
  WebSocket: new (url: string) => WebSocket;
  setTimeout: (fn: () => void, ms: number) => unknown;
}

export function takeToken(env: Pick<BrowserEnv, 'location' | 'history' | 'sessionStorage'>): string {
  const url = new URL(env.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    env.sessionStorage.setItem(TOKEN_KEY, fromUrl);
    url.searchParams.delete('token');
    env.history.replaceState(null, '', url.pathname + url.search + url.hash);
    return fromUrl;
  }
  return env.sessionStorage.getItem(TOKEN_KEY) ?? '';
}

/** Reads a response body: `{ error }` becomes an ApiCallError; an empty body is `undefined`. */
export async function readResponse(res: Response): Promise<unknown> {
  const text = await res.text();
  let body: unknown = undefined;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      throw new ApiCallError('E_PROTOCOL', `The web host answered ${res.status} with something that is not JSON: ${text.slice(0, 120)}`);
    }
  }
  const error = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
  if (error) throw new ApiCallError(error.code ?? 'E_UNKNOWN', error.message ?? `The web host answered ${res.status}`);
  if (res.status === 401) throw new ApiCallError('E_AUTH', 'The web host refused the access token');
  if (!res.ok) throw new ApiCallError('E_HTTP', `The web host answered ${res.status} ${res.statusText}`);
  return body;
}

export function createWebTransport(env: BrowserEnv): StrataClient {
  const token = takeToken(env);
  const origin = new URL(env.location.href).origin;
  const events = createEventSocket(env, origin, token);
  const call = async (method: ApiMethod, arg: unknown): Promise<unknown> => {
    let res: Response;
    try {
      res = await env.fetch(`${origin}/api/${method}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
        // Calls without an argument send an empty body: the host refuses unexpected arguments.
        body: arg === undefined ? '' : JSON.stringify(arg),
      });
    } catch (err) {
      throw new ApiCallError('E_OFFLINE', `Could not reach the web host (${(err as Error).message})`);
    }
    return readResponse(res);
  };
  const methods = Object.fromEntries(API_METHODS.map((m) => [m, (arg?: unknown) => call(m, arg)]));
  return { ...methods, on: events.on } as unknown as StrataClient;
}

type Listener = (payload: unknown) => void;

/** One WebSocket shared by all listeners; reconnects after a drop so progress keeps flowing. */
function createEventSocket(env: BrowserEnv, origin: string, token: string) {
  const listeners = new Map<EventName, Set<Listener>>();
  let socket: WebSocket | null = null;
  const connect = () => {
    socket = new env.WebSocket(`${origin.replace(/^http/, 'ws')}/events?token=${encodeURIComponent(token)}`);
    socket.onmessage = (msg) => {
      const { event, payload } = JSON.parse(String(msg.data)) as WebEventMessage;
      listeners.get(event)?.forEach((cb) => cb(payload));
    };
    socket.onclose = () => {
      socket = null;
      env.setTimeout(connect, 1000);
    };
  };
  return {
    on<E extends EventName>(event: E, cb: (payload: StrataEvents[E]) => void) {
      if (!socket) connect();
      const set = listeners.get(event) ?? new Set<Listener>();
      set.add(cb as Listener);
      listeners.set(event, set);
      return () => void set.delete(cb as Listener);
    },
  };
}
