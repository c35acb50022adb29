import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** The Strata home: --home, else $STRATA_HOME, else the platform's user-data folder (as Electron's). */
export function resolveHome(flag?: string): string {
  if (flag) return resolve(flag);
  if (process.env.STRATA_HOME) return resolve(process.env.STRATA_HOME);
  return defaultUserDataDir();
}

export function defaultUserDataDir(): string {
  const home = homedir();
  if (process.platform === 'darwin') return join(home, 'Library', 'Application Support', 'Strata');
  if (process.platform === 'win32') return join(process.env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Strata');
  return join(process.env.XDG_CONFIG_HOME ?? join(home, '.config'), 'Strata');
}

export const repositoryDir = (home: string) => join(home, 'repository');
