import { StrataError } from '../core/errors';

/**
 * Holds the repository passphrase in the engine host's memory once the user gave it (the
 * unlock call, or Electron main passing on what the OS keychain remembered). STRATA_PASSPHRASE
 * counts as given, for headless use.
 */
export class PassphraseBox {
  private value: string | null = null;

  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  set(passphrase: string): void {
    this.value = passphrase;
  }

  has(): boolean {
    return this.current() !== null;
  }

  /** The repository's passphrase provider. */
  readonly provider = async (): Promise<string> => {
    const v = this.current();
    if (v === null) throw new StrataError('E_NEEDS_KEY', 'the repository is locked: unlock it with the passphrase first');
    return v;
  };

  private current(): string | null {
    return this.value ?? (this.env.STRATA_PASSPHRASE ? this.env.STRATA_PASSPHRASE : null);
  }
}
