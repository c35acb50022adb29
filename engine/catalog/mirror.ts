import { isStrataError } from '../core/errors';
import type { Policy } from '../core/types';
import type { Settings } from '../api/contract';
import type { RepoStore } from '../storage/store';

/**
 * A copy of the policies and settings inside the repository (`catalog/policies.json`), so that
 * losing the app's state file loses nothing the repository cannot give back: sources and
 * snapshots describe themselves, and this file holds the rest.
 */
export const MIRROR_FILE = 'catalog/policies.json';

export interface CatalogMirror {
  format: 1;
  policies: Policy[];
  settings: Settings;
  savedAt: string;
}

export async function writeMirror(store: RepoStore, policies: Policy[], settings: Settings, now: Date): Promise<void> {
  const doc: CatalogMirror = { format: 1, policies, settings, savedAt: now.toISOString() };
  await store.write(MIRROR_FILE, Buffer.from(JSON.stringify(doc, null, 2)));
}

/** The mirror, or null when there is none or it cannot be read (the caller starts from defaults). */
export async function readMirror(store: RepoStore): Promise<CatalogMirror | null> {
  try {
    const doc = JSON.parse((await store.read(MIRROR_FILE)).toString('utf8')) as CatalogMirror;
    return doc.format === 1 && Array.isArray(doc.policies) && typeof doc.settings === 'object' ? doc : null;
  } catch (err) {
    if (isStrataError(err, 'E_NOT_FOUND') || err instanceof SyntaxError) return null;
    throw err;
  }
}
