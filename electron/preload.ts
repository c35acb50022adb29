/**
 * The whole surface the window gets: `window.strata`, one function per API method and `on` for
 * events. Never `ipcRenderer` itself, never Node. Runs sandboxed, so it may import only
 * `electron`; the contract module is bundled in (it has no dependencies).
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { API_METHODS, CHANNEL_PREFIX, EVENT_NAMES, callChannel, eventChannel, type ApiError, type EventName } from '../engine/api/contract';

type Envelope = { ok: true; value: unknown } | { ok: false; error: ApiError };

/**
 * Errors cross as a plain `{ code, message }`: contextBridge would drop an Error's `code`, and
 * the window matches on it.
 */
async function call(channel: string, arg: unknown): Promise<unknown> {
  const r = (await ipcRenderer.invoke(channel, arg)) as Envelope;
  if (r.ok) return r.value;
  throw { code: r.error.code, message: r.error.message };
}

const api: Record<string, unknown> = {};
for (const method of API_METHODS) {
  const channel = callChannel(method);
  api[method] = (arg?: unknown) => call(channel, arg);
}

api.on = (event: EventName, cb: (payload: unknown) => void): (() => void) => {
  if (!EVENT_NAMES.includes(event) || typeof cb !== 'function') throw new TypeError(`Expected one of ${EVENT_NAMES.join(', ')} and a function`);
  const channel = eventChannel(event);
  if (!channel.startsWith(CHANNEL_PREFIX)) throw new TypeError(`refusing channel ${channel}`);
  // The IPC event object is not passed on: it would hand the page `sender` (ipcRenderer).
  const listener = (_e: IpcRendererEvent, payload: unknown) => cb(payload);
  ipcRenderer.on(channel, listener);
  return () => void ipcRenderer.removeListener(channel, listener);
};

contextBridge.exposeInMainWorld('strata', api);
