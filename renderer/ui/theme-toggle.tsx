import { useEffect, useState } from 'react';
import { applyTheme, loadTheme, nextTheme, type ThemeChoice } from './theme';

const LABEL: Record<ThemeChoice, string> = { system: 'Theme: system', light: 'Theme: light', dark: 'Theme: dark' };

export function ThemeToggle() {
  const [theme, setTheme] = useState<ThemeChoice>(() => loadTheme(window.localStorage));
  useEffect(() => applyTheme(theme, document.documentElement, window.localStorage), [theme]);
  return (
    <button type="button" className="theme-toggle" onClick={() => setTheme(nextTheme)} aria-label={`${LABEL[theme]}; switch theme`}>
      {LABEL[theme]}
    </button>
  );
}
