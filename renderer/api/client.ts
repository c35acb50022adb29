/**
 * The one client the screens use. In Electron the preload exposes `window.strata` (one function
 * per API method plus `on`); in a browser served by `strata serve` the web transport speaks HTTP
 * and WebSocket. Components never see which one is in use.
 */
import type { EventName, StrataApi, StrataEvents } from '../../engine/api/contract';
import { createWebTransport } from './web-transport';

export { ApiCallError } from './errors';

export type Unsubscribe = () => void;

export interface StrataClient extends StrataApi {
  on<E extends EventName>(event: E, cb: (payload: StrataEvents[E]) => void): Unsubscribe;
}

declare global {
  interface Window {
    strata?: StrataClient;
  }
}

let client: StrataClient | null = null;

export function api(): StrataClient {
  client ??= window.strata ?? createWebTransport(window);
  return client;
}
