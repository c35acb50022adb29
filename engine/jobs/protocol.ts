/**
 * The messages between a front (Electron main, the web host) and the engine host process.
 * Calls carry a sequence number and get exactly one result with the same number; events and
 * system signals flow without answers. Plain JSON-serialisable objects only.
 */
import type { ApiError, ApiMethod, EventName, StrataEvents } from '../api/contract';

/** What the front knows about the machine (Electron's powerMonitor); absent fields are unknown. */
export interface SignalUpdate {
  onAcPower?: boolean;
  idleSeconds?: number;
  /** The machine is about to sleep or has just woken. */
  power?: 'suspend' | 'resume';
  trayAvailable?: boolean;
}

export type FrontMessage =
  | { type: 'call'; seq: number; method: ApiMethod; arg: unknown }
  | { type: 'signals'; signals: SignalUpdate }
  | { type: 'shutdown' };

export type HostMessage =
  | { type: 'ready' }
  | { type: 'result'; seq: number; ok: true; value: unknown }
  | { type: 'result'; seq: number; ok: false; error: ApiError }
  | { type: 'event'; event: EventName; payload: StrataEvents[EventName] }
  | { type: 'fatal'; error: ApiError };

/** One end of a message channel; both Electron's parentPort and Node's IPC fit behind it. */
export interface MessageEnd<In, Out> {
  post(msg: Out): void;
  onMessage(cb: (msg: In) => void): void;
}

export function isFrontMessage(m: unknown): m is FrontMessage {
  if (typeof m !== 'object' || m === null) return false;
  const t = (m as { type?: unknown }).type;
  if (t === 'call') return Number.isSafeInteger((m as { seq?: unknown }).seq) && typeof (m as { method?: unknown }).method === 'string';
  if (t === 'signals') return typeof (m as { signals?: unknown }).signals === 'object' && (m as { signals?: unknown }).signals !== null;
  return t === 'shutdown';
}
