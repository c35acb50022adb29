import { utilityProcess } from 'electron';
import { HostClient } from '../engine/jobs/host-client';
import type { HostMessage } from '../engine/jobs/protocol';

/**
 * Starts the engine host (dist/engine-worker.mjs) in an Electron utility process, so snapshot
 * work never runs on the thread that draws the window. Packaged, the script lives unpacked
 * beside the asar: its worker threads and native modules need real files.
 */
export function startEngineHost(script: string, home: string): HostClient {
  const child = utilityProcess.fork(script.replace(/app\.asar([\\/])/, 'app.asar.unpacked$1'), [], {
    env: { ...process.env, STRATA_HOME: home, STRATA_HOST: 'electron' },
    serviceName: 'Strata engine',
    stdio: 'inherit',
  });
  return new HostClient({
    send: (msg) => child.postMessage(msg),
    onMessage: (cb) => child.on('message', (m: HostMessage) => cb(m)),
    onExit: (cb) => child.once('exit', (code) => cb(code)),
    kill: () => void child.kill(),
  });
}
