import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyTheme, loadTheme, nextTheme } from '../../renderer/ui/theme';

function fakeRoot() {
  const attrs = new Map<string, string>();
  const root = {
    setAttribute: (k: string, v: string) => void attrs.set(k, v),
    removeAttribute: (k: string) => void attrs.delete(k),
  } as unknown as HTMLElement;
  return { root, attrs };
}

test('the toggle cycles system → light → dark → system', () => {
  assert.equal(nextTheme('system'), 'light');
  assert.equal(nextTheme('light'), 'dark');
  assert.equal(nextTheme('dark'), 'system');
});

test('a forced theme is written to <html data-theme> and remembered; system clears it', () => {
  const stored = new Map<string, string>();
  const storage = { getItem: (k: string) => stored.get(k) ?? null, setItem: (k: string, v: string) => void stored.set(k, v) };
  const { root, attrs } = fakeRoot();
  assert.equal(loadTheme(storage), 'system');
  applyTheme('dark', root, storage);
  assert.equal(attrs.get('data-theme'), 'dark');
  assert.equal(loadTheme(storage), 'dark');
  applyTheme('system', root, storage);
  assert.equal(attrs.has('data-theme'), false);
  assert.equal(loadTheme(storage), 'system');
  stored.set('strata.theme', 'purple');
  assert.equal(loadTheme(storage), 'system', 'an unknown stored value falls back to the system theme');
});
