import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StrataService, type ServiceOptions } from '../../engine/api/strata';

/** A fresh temporary folder, removed after `fn`. */
export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'strata-test-'));
  try {
    return await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function createTempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'strata-test-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Opens a service on `home` with a fixed passphrase and short lock waits. */
export function openService(home: string, extra: Partial<ServiceOptions> = {}): Promise<StrataService> {
  return StrataService.open({ home, passphrase: async () => 'correct horse battery staple', lockWaitMs: 2000, ...extra });
}
