// Runs the built CLI like build/bin/strata.mjs, but says "ready" on fd 3 once the bundle is
// loaded, so the crash harness can aim its SIGKILL at the work rather than at Node's start-up.
import { writeSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
// STRATA_CRASH_CLI: a private bundle (the torture run builds one so others' rebuilds cannot change it mid-run).
const { main } = await import(pathToFileURL(process.env.STRATA_CRASH_CLI ?? join(root, 'dist', 'cli.mjs')).href);
writeSync(3, 'R');
process.exitCode = await main(process.argv.slice(2));
