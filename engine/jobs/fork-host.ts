import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { HostClient } from './host-client';
import type { HostMessage } from './protocol';

/** The engine host script: the bundle next to the running bundle, or the source under tsx. */
export function engineHostScript(): { script: string; execArgv: string[] } {
  const here = import.meta.url;
  if (here.endsWith('.ts')) return { script: fileURLToPath(new URL('./worker-entry.ts', here)), execArgv: ['--import', 'tsx'] };
  return { script: fileURLToPath(new URL('./engine-worker.mjs', here)), execArgv: [] };
}

/** Starts the engine host as a Node child process (the web host and tests). */
export function forkEngineHost(opts: { home: string; host: 'electron' | 'web'; env?: NodeJS.ProcessEnv; script?: string }): HostClient {
  const { script, execArgv } = opts.script ? { script: opts.script, execArgv: [] } : engineHostScript();
  const child: ChildProcess = fork(script, [], {
    execArgv, env: { ...process.env, ...opts.env, STRATA_HOME: opts.home, STRATA_HOST: opts.host }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new HostClient({
    send: (msg) => child.send(msg),
    onMessage: (cb) => child.on('message', (m) => cb(m as HostMessage)),
    onExit: (cb) => child.once('exit', (code) => cb(code)),
    kill: () => child.kill('SIGKILL'),
  });
}
