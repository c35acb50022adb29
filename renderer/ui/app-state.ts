import { createContext, useContext } from 'react';
import type { AppState } from '../../engine/api/contract';

/** Which host serves the UI and whether the repository is unlocked; loaded once by the shell. */
export const AppStateContext = createContext<AppState | null>(null);

export function useAppState(): AppState | null {
  return useContext(AppStateContext);
}
