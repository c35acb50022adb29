import type { ApiMethod, ApiResponse, StrataApi } from '../api/contract';
import type { ApiDeps } from './ports';
import { policyCalls } from './policy-calls';
import { snapshotCalls } from './snapshot-calls';
import { sourceCalls } from './source-calls';
import { validateRequest } from './validate';

/** The one implementation of the UI's API, over the engine, the catalog and the scheduler. */
export function createApi(deps: ApiDeps): StrataApi {
  return { ...sourceCalls(deps), ...snapshotCalls(deps), ...policyCalls(deps) };
}

/**
 * Calls one method with an argument from outside (IPC, HTTP): the argument is checked first, so
 * nothing malformed reaches the engine.
 */
export async function callApi<M extends ApiMethod>(api: StrataApi, method: M, arg: unknown): Promise<ApiResponse<M>> {
  const req = validateRequest(method, arg);
  const fn = api[method] as (a: unknown) => Promise<ApiResponse<M>>;
  return fn.call(api, req);
}
