import { EventEmitter } from 'node:events';
import { fork } from 'node:child_process';

/**
 * Just enough of Electron's main-process API to boot dist/electron/main.cjs in Node: windows,
 * IPC, dialogs and the tray are recorded; `utilityProcess.fork` starts the real engine host
 * with Node's fork, so calls go all the way to the engine.
 */
export function fakeElectron(opts: { pick: string | null }) {
  const rec = {
    schemes: [] as unknown[],
    protocolHandlers: new Map<string, (req: Request) => Promise<Response>>(),
    handlers: new Map<string, (e: unknown, arg: unknown) => Promise<unknown>>(),
    windows: [] as FakeWindow[],
    sent: [] as { channel: string; payload: unknown }[],
    trayMenus: [] as unknown[],
    tooltips: [] as string[],
    loginItems: [] as unknown[],
    quits: 0,
  };
  const app = Object.assign(new EventEmitter(), {
    requestSingleInstanceLock: () => true,
    isPackaged: false,
    getAppPath: () => '/opt/strata app',
    setAppUserModelId: () => undefined,
    whenReady: () => Promise.resolve(),
    quit: () => void rec.quits++,
    exit: () => void rec.quits++,
    relaunch: () => undefined,
    setLoginItemSettings: (s: unknown) => void rec.loginItems.push(s),
  });
  class FakeWindow extends EventEmitter {
    url = '';
    title = '';
    visible = false;
    readonly webContents = Object.assign(new EventEmitter(), {
      setWindowOpenHandler: () => undefined,
      send: (channel: string, payload: unknown) => void rec.sent.push({ channel, payload }),
    });
    constructor(readonly options: Record<string, unknown>) {
      super();
      rec.windows.push(this);
    }
    loadURL(url: string) {
      this.url = url;
      return Promise.resolve();
    }
    show() {
      this.visible = true;
    }
    hide() {
      this.visible = false;
    }
    focus() {}
    isDestroyed() {
      return false;
    }
    setTitle(t: string) {
      this.title = t;
    }
  }
  class FakeTray extends EventEmitter {
    setImage() {}
    setToolTip(t: string) {
      rec.tooltips.push(t);
    }
    setTitle() {}
    setContextMenu(m: unknown) {
      rec.trayMenus.push(m);
    }
    destroy() {}
  }
  const electron = {
    app,
    BrowserWindow: FakeWindow,
    Tray: FakeTray,
    Menu: { buildFromTemplate: (t: unknown) => t },
    nativeImage: { createFromBitmap: (buf: Buffer, o: unknown) => ({ buf, o }) },
    Notification: Object.assign(class {}, { isSupported: () => false }),
    protocol: {
      registerSchemesAsPrivileged: (s: unknown[]) => void rec.schemes.push(...s),
      handle: (scheme: string, fn: (req: Request) => Promise<Response>) => void rec.protocolHandlers.set(scheme, fn),
    },
    session: { defaultSession: { setPermissionRequestHandler: () => undefined, setPermissionCheckHandler: () => undefined } },
    ipcMain: { handle: (channel: string, fn: (e: unknown, arg: unknown) => Promise<unknown>) => void rec.handlers.set(channel, fn) },
    dialog: {
      showOpenDialog: async () => ({ canceled: opts.pick === null, filePaths: opts.pick ? [opts.pick] : [] }),
      showSaveDialog: async () => ({ canceled: opts.pick === null, filePath: opts.pick ?? undefined }),
      showErrorBox: (title: string, body: string) => {
        throw new Error(`${title}: ${body}`);
      },
    },
    shell: { openExternal: async () => undefined },
    safeStorage: { isEncryptionAvailable: () => false, getSelectedStorageBackend: () => 'basic_text', encryptString: () => Buffer.alloc(0), decryptString: () => '' },
    powerMonitor: Object.assign(new EventEmitter(), { isOnBatteryPower: () => false, getSystemIdleTime: () => 42 }),
    utilityProcess: {
      fork: (script: string, args: string[], o: { env: NodeJS.ProcessEnv }) => {
        const child = fork(script, args, { env: o.env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
        return Object.assign(new EventEmitter(), {
          postMessage: (m: unknown) => child.send(m as object),
          on(event: string, cb: (...a: unknown[]) => void) {
            child.on(event, cb);
            return this;
          },
          once(event: string, cb: (...a: unknown[]) => void) {
            child.once(event, cb);
            return this;
          },
          kill: () => child.kill(),
        });
      },
    },
  };
  return { electron, rec, app };
}
