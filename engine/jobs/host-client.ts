import { StrataError, fromErrorInfo } from '../core/errors';
import type { ApiMethod, ApiResponse, EventName, StrataEvents } from '../api/contract';
import type { FrontMessage, HostMessage, SignalUpdate } from './protocol';

/** How a front talks to the engine host process: Node's fork or Electron's utilityProcess. */
export interface HostChannel {
  send(msg: FrontMessage): void;
  onMessage(cb: (msg: HostMessage) => void): void;
  onExit(cb: (code: number | null) => void): void;
  kill(): void;
}

type Listener = (payload: never) => void;

/**
 * The front's side of the engine host: typed calls matched to results by sequence number, and
 * pushed events. When the host dies every pending call fails with a clear error, not a hang.
 */
export class HostClient {
  private seq = 0;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly listeners = new Map<EventName, Set<Listener>>();
  private exited: string | null = null;
  private readonly stopListeners = new Set<(reason: string) => void>();
  readonly ready: Promise<void>;

  constructor(private readonly channel: HostChannel) {
    let onReady: () => void = () => undefined;
    let onFail: (e: Error) => void = () => undefined;
    this.ready = new Promise<void>((resolve, reject) => ((onReady = resolve), (onFail = reject)));
    channel.onMessage((msg) => {
      if (msg.type === 'ready') onReady();
      else if (msg.type === 'fatal') onFail(fromErrorInfo(msg.error as never));
      else if (msg.type === 'event') for (const cb of this.listeners.get(msg.event) ?? []) cb(msg.payload as never);
      else if (msg.type === 'result') this.settle(msg);
    });
    channel.onExit((code) => {
      this.exited = `the engine host stopped (exit code ${code ?? 'none'})`;
      const err = new StrataError('E_IO', this.exited);
      onFail(err);
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
      for (const cb of this.stopListeners) cb(this.exited);
    });
  }

  call<M extends ApiMethod>(method: M, arg?: unknown): Promise<ApiResponse<M>> {
    if (this.exited) return Promise.reject(new StrataError('E_IO', this.exited));
    const seq = ++this.seq;
    return new Promise((resolve, reject) => {
      this.pending.set(seq, { resolve: resolve as (v: unknown) => void, reject });
      this.channel.send({ type: 'call', seq, method, arg });
    });
  }

  on<E extends EventName>(event: E, cb: (payload: StrataEvents[E]) => void): () => void {
    const set = this.listeners.get(event) ?? new Set<Listener>();
    this.listeners.set(event, set);
    set.add(cb as Listener);
    return () => set.delete(cb as Listener);
  }

  /** Called once when the host process has gone, whether asked to or not. */
  onStop(cb: (reason: string) => void): void {
    this.stopListeners.add(cb);
  }

  signals(update: SignalUpdate): void {
    if (!this.exited) this.channel.send({ type: 'signals', signals: update });
  }

  /** Asks the host to finish (running jobs are cancelled) and waits for it to exit, then kills it. */
  async close(timeoutMs = 5000): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((resolve) => this.channel.onExit(() => resolve()));
    this.channel.send({ type: 'shutdown' });
    const timer = setTimeout(() => this.channel.kill(), timeoutMs);
    await gone;
    clearTimeout(timer);
  }

  private settle(msg: Extract<HostMessage, { type: 'result' }>): void {
    const p = this.pending.get(msg.seq);
    if (!p) return;
    this.pending.delete(msg.seq);
    if (msg.ok) p.resolve(msg.value);
    else p.reject(fromErrorInfo(msg.error as never));
  }
}
