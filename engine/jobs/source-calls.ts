import type { AppState, StrataApi } from '../api/contract';
import type { ApiDeps } from './ports';

type SourceCalls = Pick<StrataApi, 'getAppState' | 'unlock' | 'listSources' | 'addSource' | 'removeSource' | 'pickSourcePath' | 'pickRestoreTarget' | 'repositoryInfo'>;

/** App state, keys and sources. */
export function sourceCalls(d: ApiDeps): SourceCalls {
  const appState = async (): Promise<AppState> => {
    const hasKeys = await d.service.repo.keyring.hasKeys();
    return {
      host: d.host, version: d.version, repositoryPath: d.service.repo.path,
      locked: hasKeys && !d.keys.has(), hasKeys, trayAvailable: d.trayAvailable(),
    };
  };

  /** Checks a passphrase against the key slots (a wrong one fails here, before any work). */
  const unlockWith = async (passphrase: string) => {
    if (await d.service.repo.keyring.hasKeys()) await d.service.repo.keyring.unlock(passphrase);
    d.keys.set(passphrase);
  };

  return {
    getAppState: appState,
    unlock: async ({ passphrase }) => {
      await unlockWith(passphrase);
      return appState();
    },
    listSources: () => d.service.listSources(),
    addSource: async ({ path, name, blockSize, compression, encrypted, passphrase }) => {
      if (passphrase !== undefined) await unlockWith(passphrase);
      const src = await d.service.addSource({ path, name, blockSize, compression, encrypted });
      d.emit('catalogChanged', { what: 'sources' });
      return src;
    },
    removeSource: async ({ sourceId, deleteSnapshots }) => {
      const src = await d.service.sourceRecord(sourceId);
      const policies = (await d.catalog.listPolicies()).filter((p) => p.sourceIds.includes(src.id));
      const { freedBytes } = await d.service.removeSource(src.id, { deleteSnapshots });
      for (const p of policies) await d.catalog.unapplyPolicy(p.id, [src.id]);
      d.emit('catalogChanged', { what: 'sources' });
      if (policies.length > 0) d.emit('catalogChanged', { what: 'policies' });
      return { freedBytes };
    },
    // Dialogs exist only on the desktop, where Electron main answers these itself.
    pickSourcePath: async () => null,
    pickRestoreTarget: async () => null,
    repositoryInfo: () => d.service.info(),
  };
}
