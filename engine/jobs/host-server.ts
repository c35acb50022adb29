import { toErrorInfo } from '../core/errors';
import type { StrataApi } from '../api/contract';
import { callApi } from './api-impl';
import { isFrontMessage, type FrontMessage, type HostMessage, type MessageEnd, type SignalUpdate } from './protocol';

export interface HostHandlers {
  signals(update: SignalUpdate): void;
  shutdown(): Promise<void>;
}

/**
 * Answers a front's calls on one message channel: every call gets exactly one result with its
 * sequence number, whatever happens, so the front never waits forever.
 */
export function serveApi(end: MessageEnd<unknown, HostMessage>, api: StrataApi, handlers: HostHandlers): void {
  end.onMessage((raw) => {
    if (!isFrontMessage(raw)) return;
    const msg: FrontMessage = raw;
    if (msg.type === 'signals') handlers.signals(msg.signals);
    else if (msg.type === 'shutdown') void handlers.shutdown();
    else void answer(end, api, msg);
  });
}

async function answer(end: MessageEnd<unknown, HostMessage>, api: StrataApi, msg: Extract<FrontMessage, { type: 'call' }>): Promise<void> {
  try {
    // callApi checks the method name and the argument: a message is not to be trusted for either.
    const value = await callApi(api, msg.method, msg.arg);
    end.post({ type: 'result', seq: msg.seq, ok: true, value: value ?? null });
  } catch (err) {
    const { code, message } = toErrorInfo(err);
    end.post({ type: 'result', seq: msg.seq, ok: false, error: { code, message } });
  }
}
