/**
 * The web host (`strata serve`): the renderer and the API over HTTP and a WebSocket, on
 * 127.0.0.1 only, for headless machines and browser tests.
 *
 * - Token: 32 random bytes, printed in the URL; every API call and the event stream need it.
 * - Loopback: the server binds 127.0.0.1 and answers only requests naming a loopback host.
 * - Backend: a `HostClient` to a forked engine host; the web host holds no engine state.
 */
export { startWebHost, type WebHost, type WebHostOptions } from './server';
export { rendererDir } from './renderer-dir';
