/**
 * The checks every IPC call passes in Electron main before anything leaves it: the sender is our
 * own page, the method is one of the API's, the argument has the right shape, and any path in it
 * came from a dialog the user answered.
 */
import { StrataError } from '../engine/core/errors';
import type { ApiMethod, ApiRequest } from '../engine/api/contract';
import { validateRequest } from '../engine/jobs/validate';
import type { PathGrants } from './path-grants';

export const APP_ORIGIN = 'app://strata';

/** Only frames showing our own bundled page may call (not a page a link navigated to). */
export function trustedSender(frameUrl: string | undefined): boolean {
  if (!frameUrl) return false;
  try {
    const u = new URL(frameUrl);
    return `${u.protocol}//${u.host}` === APP_ORIGIN;
  } catch {
    return false;
  }
}

export function gateRequest<M extends ApiMethod>(method: M, arg: unknown, grants: PathGrants, frameUrl: string | undefined): ApiRequest<M> {
  if (!trustedSender(frameUrl)) throw new StrataError('E_INVALID', `Expected a call from the Strata window, got one from ${String(frameUrl).slice(0, 100)}`);
  const req = validateRequest(method, arg);
  if (method === 'addSource') grants.require('source', (req as ApiRequest<'addSource'>).path);
  if (method === 'restore') grants.require('restore-target', (req as ApiRequest<'restore'>).target);
  return req;
}
