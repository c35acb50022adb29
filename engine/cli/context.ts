import type { StrataService } from '../api/strata';

/** What every command gets: its arguments, output helpers and a lazily opened service. */
export interface CommandContext {
  args: string[];
  json: boolean;
  home: string;
  out: (value: unknown, human: () => string) => void;
  progress: (line: string) => void;
  service: () => Promise<StrataService>;
  signal: AbortSignal;
}

export type Command = (ctx: CommandContext) => Promise<number>;
