import { StrataError } from '../core/errors';
import type { RepoStore } from './store';

/**
 * A RepoStore wrapper that refuses every change with E_READ_ONLY, for opening a repository that
 * must not be touched (a mounted backup disk, an audit). Reads pass through. Work that needs a
 * lock file (snapshot, restore, check) is refused too, with a message saying why.
 */
export class ReadOnlyStore implements RepoStore {
  constructor(private readonly inner: RepoStore) {}

  get location(): string {
    return this.inner.location;
  }

  private refuse(what: string, name: string): never {
    throw new StrataError('E_READ_ONLY', `the repository at ${this.location} is opened read-only: cannot ${what} ${name}`);
  }

  async write(name: string): Promise<void> {
    this.refuse('write', name);
  }

  prepare(name: string): void {
    this.refuse('write', name);
  }

  async discard(): Promise<void> {}

  async createExclusive(name: string): Promise<boolean> {
    this.refuse('create', name);
  }

  async remove(name: string): Promise<void> {
    this.refuse('remove', name);
  }

  read(name: string): Promise<Buffer> {
    return this.inner.read(name);
  }

  readRange(name: string, offset: number, length: number, into?: Buffer): Promise<Buffer> {
    return this.inner.readRange(name, offset, length, into);
  }

  size(name: string): Promise<number> {
    return this.inner.size(name);
  }

  exists(name: string): Promise<boolean> {
    return this.inner.exists(name);
  }

  list(dir: string): Promise<string[]> {
    return this.inner.list(dir);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
