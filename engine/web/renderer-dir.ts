import { fileURLToPath } from 'node:url';

/** dist/renderer: beside the bundle when bundled (dist/cli.mjs), from the source tree under tsx. */
export function rendererDir(): string {
  const here = import.meta.url;
  return fileURLToPath(here.endsWith('.ts') ? new URL('../../dist/renderer', here) : new URL('./renderer', here));
}
