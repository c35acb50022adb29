import { Menu, Tray, nativeImage, type MenuItemConstructorOptions, type NativeImage } from 'electron';
import { iconPixels, toBgraPremultiplied } from './tray-icon';
import type { TrayAction, TrayMenuItem, TrayModel } from './tray-model';

const SIZE = 32;

export function trayImage(model: Pick<TrayModel, 'icon' | 'percent'>, size = SIZE): NativeImage {
  // Progress in steps of 5%: an image per percent would redraw the tray for nothing.
  const percent = model.percent === null ? null : Math.floor(model.percent / 5) * 5;
  return nativeImage.createFromBitmap(toBgraPremultiplied(iconPixels(size, model.icon, percent)), { width: size, height: size, scaleFactor: size / 16 });
}

function menuItems(items: TrayMenuItem[], act: (a: TrayAction) => void): MenuItemConstructorOptions[] {
  return items.map((item): MenuItemConstructorOptions => {
    if (item.kind === 'separator') return { type: 'separator' };
    if (item.kind === 'info') return { label: item.label, enabled: false };
    if (item.kind === 'submenu') return { label: item.label, submenu: menuItems(item.items, act) };
    return { label: item.label, enabled: item.enabled, click: () => act(item.action) };
  });
}

/**
 * The tray icon, drawn from the model. Some Linux desktops have no tray (no StatusNotifier
 * host): creating one then throws or shows nothing, and the caller keeps the window instead.
 */
export class StrataTray {
  private readonly tray: Tray;
  private shown = '';

  constructor(model: TrayModel, private readonly act: (a: TrayAction) => void, onClick: () => void) {
    this.tray = new Tray(trayImage(model));
    this.tray.on('click', onClick);
    this.update(model);
  }

  update(model: TrayModel): void {
    const key = JSON.stringify([model.icon, model.percent === null ? null : Math.floor(model.percent / 5), model.tooltip, model.menu]);
    if (key === this.shown) return;
    this.shown = key;
    this.tray.setImage(trayImage(model));
    this.tray.setToolTip(model.tooltip);
    if (process.platform === 'darwin') this.tray.setTitle(model.percent === null ? '' : `${model.percent}%`);
    this.tray.setContextMenu(Menu.buildFromTemplate(menuItems(model.menu, this.act)));
  }

  destroy(): void {
    this.tray.destroy();
  }
}
