import { app, BrowserWindow, Notification, safeStorage } from 'electron';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../engine/core/clock';
import { EVENT_NAMES, eventChannel, type Source } from '../engine/api/contract';
import type { HostClient } from '../engine/jobs/host-client';
import { Keychain } from '../engine/crypto/keychain';
import { AppStatus } from './app-status';
import { registerIpc } from './ipc';
import { safeStorageProtector } from './keychain-adapter';
import { noticeFor } from './notify-model';
import { PathGrants } from './path-grants';
import { forwardPowerSignals } from './power-signals';
import { ShellSettings } from './settings';
import { linuxAutostart } from './linux-autostart';
import { StrataTray, trayImage } from './tray';
import { pauseUntil, trayModel, type TrayAction } from './tray-model';
import { createMainWindow } from './window';

const xdgConfigDir = () => process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config');

/** How the OS starts this app again: the AppImage file, the installed binary, or Electron on the source folder. */
function startCommand(): string[] {
  if (process.env.APPIMAGE) return [process.env.APPIMAGE];
  return app.isPackaged ? [process.execPath] : [process.execPath, app.getAppPath()];
}

/**
 * The desktop shell once the engine host runs: the window, the tray, IPC, power signals and
 * notifications, all fed by the host's events.
 */
export class Shell {
  private win: BrowserWindow | null = null;
  private tray: StrataTray | null = null;
  private quitting = false;
  private sources: Source[] = [];
  private readonly status = new AppStatus();
  private readonly settings: ShellSettings;
  private stopPower: () => void = () => undefined;

  constructor(private readonly client: HostClient, private readonly home: string, private readonly distDir: string, private readonly traySupport: { ok: boolean; why: string | null }) {
    this.settings = new ShellSettings(process.platform === 'linux' ? linuxAutostart(xdgConfigDir(), startCommand()) : app, traySupport.ok);
  }

  async start(showWindow: boolean): Promise<void> {
    const keychain = new Keychain(this.home, safeStorageProtector(safeStorage));
    registerIpc({ client: this.client, grants: new PathGrants(), keychain, window: () => this.win, onSettings: (s) => this.settings.apply(s) });
    this.wireEvents();
    const remembered = keychain.recall();
    // A remembered passphrase that no longer opens the keys (changed elsewhere) is dropped.
    if (remembered) await this.client.call('unlock', { passphrase: remembered, remember: true }).catch(() => keychain.forget());
    this.settings.apply(await this.client.call('getSettings'));
    this.createTray();
    this.client.signals({ trayAvailable: this.tray !== null });
    this.stopPower = forwardPowerSignals(this.client);
    await this.refresh();
    if (showWindow || !this.tray) this.open();
  }

  open(): void {
    this.status.acknowledge();
    if (!this.win || this.win.isDestroyed()) {
      this.win = createMainWindow({ preload: join(this.distDir, 'electron', 'preload.cjs'), icon: trayImage({ icon: 'idle', percent: null }, 64), hideOnClose: () => !this.quitting && this.settings.hideOnClose() });
      if (!this.tray && this.traySupport.why) this.win.setTitle(`Strata — no tray icon: ${this.traySupport.why}; closing this window quits`);
    }
    this.win.show();
    this.win.focus();
    this.redraw();
  }

  async stop(): Promise<void> {
    this.quitting = true;
    this.stopPower();
    this.tray?.destroy();
    await this.client.close();
  }

  private createTray(): void {
    if (!this.traySupport.ok) {
      console.warn(`strata: no tray icon: ${this.traySupport.why}; the window stays open instead`);
      return;
    }
    try {
      this.tray = new StrataTray(trayModel(this.status.trayInput(systemClock.now())), (a) => this.inBackground(this.act(a), `tray action ${a}`), () => this.open());
    } catch (err) {
      console.warn(`strata: no tray icon (${(err as Error).message}); the window stays open instead`);
    }
  }

  private wireEvents(): void {
    for (const event of EVENT_NAMES) this.client.on(event, (payload) => this.win?.webContents.send(eventChannel(event), payload));
    this.client.on('job', (job) => {
      const done = this.status.job(job);
      const notice = done && this.settings.notifications() ? noticeFor(done, (id) => this.sources.find((s) => s.id === id)?.name ?? id ?? '') : null;
      if (notice && Notification.isSupported()) new Notification({ title: notice.title, body: notice.body }).show();
      this.redraw();
    });
    this.client.on('scheduler', (s) => {
      this.status.setScheduler(s);
      this.redraw();
    });
    this.client.on('catalogChanged', ({ what }) => {
      if (what === 'sources') this.inBackground(this.refresh(), 'refreshing the disks');
      if (what === 'settings') this.inBackground(this.client.call('getSettings').then((s) => this.settings.apply(s)), 'reading the settings');
    });
  }

  private async refresh(): Promise<void> {
    this.sources = await this.client.call('listSources');
    this.status.setSourceCount(this.sources.length);
    this.status.setScheduler(await this.client.call('schedulerState'));
    this.redraw();
  }

  /**
   * Work started from an event or a tray click, which nothing awaits: a failure is logged, not
   * left as an unhandled rejection (as when the engine host stops while the app quits).
   */
  private inBackground(work: Promise<unknown>, what: string): void {
    work.catch((err: unknown) => console.error(`strata: ${what} failed: ${err instanceof Error ? err.message : String(err)}`));
  }

  private redraw(): void {
    this.tray?.update(trayModel(this.status.trayInput(systemClock.now())));
  }

  private async act(action: TrayAction): Promise<void> {
    if (action === 'open') return this.open();
    if (action === 'quit') return void app.quit();
    if (action === 'snapshot-all') return void (await this.client.call('snapshotAllNow'));
    const until = action === 'resume' ? null : pauseUntil(action, systemClock.now());
    this.status.setScheduler(await this.client.call('pauseSchedules', { until }));
    this.redraw();
  }
}
