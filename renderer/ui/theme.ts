/**
 * Light and dark: the system preference by default, a toggle overrides it for this browser.
 * The choice is written to <html data-theme>, which the stylesheet reads.
 */
export type ThemeChoice = 'system' | 'light' | 'dark';

const KEY = 'strata.theme';
const ORDER: ThemeChoice[] = ['system', 'light', 'dark'];

export function nextTheme(t: ThemeChoice): ThemeChoice {
  return ORDER[(ORDER.indexOf(t) + 1) % ORDER.length]!;
}

export function loadTheme(storage: Pick<Storage, 'getItem'>): ThemeChoice {
  const v = storage.getItem(KEY);
  return v === 'light' || v === 'dark' ? v : 'system';
}

export function applyTheme(t: ThemeChoice, root: HTMLElement, storage: Pick<Storage, 'setItem'>): void {
  if (t === 'system') root.removeAttribute('data-theme');
  else root.setAttribute('data-theme', t);
  storage.setItem(KEY, t);
}
