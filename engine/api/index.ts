/**
 * API: `StrataService`, the engine's one front door for the CLI, the desktop app's engine host
 * and the web host; `contract.ts`, the typed API between the UI and those back ends.
 */
export * from './strata';
export * from './home';
export type * from './contract';
