import { once } from 'node:events';
import { parse, noExtra } from '../args';
import type { Command } from '../context';
import { int } from '../../jobs/checks';
import { forkEngineHost } from '../../jobs';
import { rendererDir, startWebHost } from '../../web';

const USAGE = 'strata serve [--port P]';

/** Serves the app to a browser on this machine until interrupted. The URL is the first line. */
export const serveCommand: Command = async (ctx) => {
  const { values, positionals } = parse(ctx.args, { port: { type: 'string' } }, USAGE);
  noExtra(positionals, 0, USAGE);
  const port = values.port === undefined ? 0 : int(0, 65535)(Number(values.port), '--port');
  const backend = forkEngineHost({ home: ctx.home, host: 'web' });
  try {
    await backend.ready;
    const web = await startWebHost({ backend, rendererDir: rendererDir(), port });
    process.stdout.write(`${web.url}\n`);
    if (!ctx.json) process.stderr.write(`strata: serving ${ctx.home} on 127.0.0.1:${web.port}; open the URL above (Ctrl-C stops)\n`);
    if (!ctx.signal.aborted) await once(ctx.signal, 'abort');
    await web.close();
  } finally {
    await backend.close();
  }
  return 0;
};
