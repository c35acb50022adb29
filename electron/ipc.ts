import { dialog, ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { toErrorInfo } from '../engine/core/errors';
import { API_METHODS, callChannel, type ApiMethod, type ApiRequest, type Settings } from '../engine/api/contract';
import type { HostClient } from '../engine/jobs/host-client';
import type { Keychain } from '../engine/crypto/keychain';
import { gateRequest } from './ipc-gate';
import type { PathGrants } from './path-grants';

export interface IpcDeps {
  client: HostClient;
  grants: PathGrants;
  keychain: Keychain | null;
  window: () => BrowserWindow | null;
  /** Settings changed: apply what main owns (start at login, close to tray). */
  onSettings: (s: Settings) => void;
}

/**
 * Native dialogs answer the two "pick" calls; what the user chose becomes a granted path. A
 * restore target may not exist yet, so it is asked with a save dialog.
 */
async function pick(d: IpcDeps, kind: 'source' | 'restore-target'): Promise<string | null> {
  const win = d.window();
  let path: string | undefined;
  if (kind === 'source') {
    const options: Electron.OpenDialogOptions = { title: 'Choose a disk image or device to protect', properties: ['openFile', 'showHiddenFiles'] };
    const r = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
    path = r.canceled ? undefined : r.filePaths[0];
  } else {
    const options: Electron.SaveDialogOptions = { title: 'Restore to…', buttonLabel: 'Restore here', properties: ['showHiddenFiles', 'createDirectory'] };
    const r = win ? await dialog.showSaveDialog(win, options) : await dialog.showSaveDialog(options);
    path = r.canceled ? undefined : r.filePath;
  }
  if (!path) return null;
  d.grants.grant(kind, path);
  return path;
}

async function route(d: IpcDeps, method: ApiMethod, req: unknown): Promise<unknown> {
  if (method === 'pickSourcePath') return pick(d, 'source');
  if (method === 'pickRestoreTarget') return pick(d, 'restore-target');
  const value = await d.client.call(method, req);
  if (method === 'unlock') {
    const { passphrase, remember } = req as ApiRequest<'unlock'>;
    // Only after the host accepted it: a wrong passphrase is never remembered.
    if (remember && d.keychain?.available()) d.keychain.remember(passphrase);
    if (!remember) d.keychain?.forget();
  }
  if (method === 'getSettings' || method === 'updateSettings') d.onSettings(value as Settings);
  return value;
}

/** One handler per API method; each answers an envelope so the error code survives IPC. */
export function registerIpc(d: IpcDeps): void {
  for (const method of API_METHODS) {
    ipcMain.handle(callChannel(method), async (e: IpcMainInvokeEvent, arg: unknown) => {
      try {
        const req = gateRequest(method, arg, d.grants, e.senderFrame?.url);
        return { ok: true, value: (await route(d, method, req)) ?? null };
      } catch (err) {
        const { code, message } = toErrorInfo(err);
        return { ok: false, error: { code, message } };
      }
    });
  }
}
