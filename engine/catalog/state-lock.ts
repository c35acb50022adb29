import { systemClock, type Clock } from '../core/clock';
import { StrataError } from '../core/errors';
import { tryPidLock } from './pid-lock';

/** How long a change of the state file waits for another process's change (they take ms). */
const ATTEMPTS = 400;
const PAUSE_MS = 25;

/**
 * Takes `<state file>.lock` for one read-modify-write of the state file. Waiting uses real time
 * even under a fake clock: the holder is another process, which fake time does not move.
 */
export async function acquireStateLock(statePath: string, clock: Clock): Promise<() => Promise<void>> {
  const path = `${statePath}.lock`;
  for (let attempt = 0; ; attempt++) {
    const r = await tryPidLock(path, 'a change of the app state', new Date(clock.now()));
    if (r.held) return r.release;
    if (attempt >= ATTEMPTS) {
      throw new StrataError('E_LOCKED', `the app state is being changed by ${r.holder.owner} (pid ${r.holder.pid} on ${r.holder.host}, since ${r.holder.since}); try again`, {
        details: { holder: r.holder },
      });
    }
    await systemClock.sleep(PAUSE_MS);
  }
}
