import type { StrataService } from '../api/strata';
import type { PassphraseProvider } from '../repo/repository';

/** What every command gets: its arguments, output helpers and a lazily opened service. */
export interface CommandContext {
  args: string[];
  json: boolean;
  home: string;
  out: (value: unknown, human: () => string) => void;
  progress: (line: string) => void;
  service: () => Promise<StrataService>;
  /** The same passphrase source the service uses (environment, key file, prompt). */
  passphrase: PassphraseProvider;
  signal: AbortSignal;
}

export type Command = (ctx: CommandContext) => Promise<number>;
