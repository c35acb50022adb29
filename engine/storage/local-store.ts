import { promises as fsp, constants as fsc } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { randomBytes } from 'node:crypto';
import { StrataError, fromFsError } from '../core/errors';
import type { RepoStore } from './store';
import { syncDir } from './file-writes';
import { readFully } from './file-reads';
import { DirectWriter } from './direct-writer';

const MAX_OPEN_READERS = 16;
/** Files at least this large (packs) are written around the page cache; see DirectWriter. */
const DIRECT_MIN_BYTES = 1024 * 1024;

interface TempFile {
  tmp: string;
  out: DirectWriter;
}

/**
 * A repository in a local folder. Atomic writes are: write a temp file, fsync it, rename it over
 * the final name, fsync the directory. Temp files start with ".tmp-" and are garbage if found.
 */
export class LocalStore implements RepoStore {
  readonly location: string;
  private readers = new Map<string, Promise<FileHandle>>();
  /** Temporary files made ahead of their writes (see `prepare`), by final name. */
  private readonly prepared = new Map<string, Promise<TempFile>>();

  constructor(root: string) {
    this.location = root;
  }

  private path(name: string): string {
    if (name.includes('..') || name.startsWith('/')) {
      throw new StrataError('E_INVALID', `Expected a repository-relative name, got "${name}"`);
    }
    return join(this.location, ...name.split('/'));
  }

  prepare(name: string): void {
    if (this.prepared.has(name)) return;
    const file = this.openTemp(name, true);
    // Not an unhandled rejection: `write` or `discard` awaits it.
    file.catch(() => undefined);
    this.prepared.set(name, file);
  }

  async discard(name: string): Promise<void> {
    const file = this.prepared.get(name);
    if (!file) return;
    this.prepared.delete(name);
    const t = await file.catch(() => null);
    if (!t) return;
    await t.out.close().catch(() => undefined);
    await fsp.rm(t.tmp, { force: true }).catch(() => undefined);
  }

  /** A new temporary file beside `name`, open for writing (see `prepare`). */
  private async openTemp(name: string, direct: boolean): Promise<TempFile> {
    const final = this.path(name);
    const dir = dirname(final);
    const tmp = join(dir, `.tmp-${randomBytes(6).toString('hex')}`);
    await fsp.mkdir(dir, { recursive: true });
    return { tmp, out: await DirectWriter.open(tmp, 'wx', 0o600, name, { direct }) };
  }

  async write(name: string, data: Buffer | readonly Buffer[], released?: () => void): Promise<void> {
    const final = this.path(name);
    const dir = dirname(final);
    let tmp = '';
    await this.closeReader(name);
    try {
      const parts = Buffer.isBuffer(data) ? [data] : data;
      const total = parts.reduce((n, p) => n + p.length, 0);
      const file = this.prepared.get(name) ?? this.openTemp(name, total >= DIRECT_MIN_BYTES);
      this.prepared.delete(name);
      const { tmp: made, out } = await file;
      tmp = made;
      try {
        await out.writeAt(parts, 0);
        released?.();
        await out.sync();
      } finally {
        await out.close();
      }
      await fsp.rename(tmp, final);
      await syncDir(dir);
    } catch (err) {
      if (tmp) await fsp.rm(tmp, { force: true }).catch(() => undefined);
      throw fromFsError(err, `writing ${name} in ${this.location}`);
    }
  }

  async createExclusive(name: string, data: Buffer): Promise<boolean> {
    const p = this.path(name);
    // The complete file is linked into place (link fails if the name exists): a crash can never
    // leave an empty or torn lock file that nobody could read, and so nobody could recover.
    const tmp = join(dirname(p), `.tmp-${randomBytes(6).toString('hex')}`);
    try {
      await fsp.mkdir(dirname(p), { recursive: true });
      const fh = await fsp.open(tmp, fsc.O_CREAT | fsc.O_EXCL | fsc.O_WRONLY, 0o600);
      try {
        await fh.writeFile(data);
        await fh.sync();
      } finally {
        await fh.close();
      }
      await fsp.link(tmp, p);
      await syncDir(dirname(p));
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw fromFsError(err, `creating ${name} in ${this.location}`);
    } finally {
      await fsp.rm(tmp, { force: true }).catch(() => undefined);
    }
  }

  async read(name: string): Promise<Buffer> {
    try {
      return await fsp.readFile(this.path(name));
    } catch (err) {
      throw fromFsError(err, `reading ${name}`);
    }
  }

  async readRange(name: string, offset: number, length: number, into?: Buffer): Promise<Buffer> {
    if (into && into.length < length) throw new RangeError(`reading ${length} bytes of ${name} into ${into.length}`);
    const fh = await this.reader(name);
    const buf = into ? into.subarray(0, length) : Buffer.allocUnsafe(length);
    const done = await readFully(fh, buf, length, offset);
    if (done < length) {
      throw new StrataError('E_CORRUPT', `${name} is shorter than expected: wanted ${length} bytes at offset ${offset}, file ends after ${done}`);
    }
    return buf;
  }

  private reader(name: string): Promise<FileHandle> {
    let fh = this.readers.get(name);
    if (!fh) {
      if (this.readers.size >= MAX_OPEN_READERS) {
        const oldest = this.readers.keys().next().value as string;
        void this.closeReader(oldest);
      }
      fh = fsp.open(this.path(name), 'r').catch((err: unknown) => {
        this.readers.delete(name);
        throw fromFsError(err, `opening ${name}`);
      });
      this.readers.set(name, fh);
    }
    return fh;
  }

  private async closeReader(name: string): Promise<void> {
    const fh = this.readers.get(name);
    if (!fh) return;
    this.readers.delete(name);
    await fh.then((h) => h.close()).catch(() => undefined);
  }

  async size(name: string): Promise<number> {
    try {
      return (await fsp.stat(this.path(name))).size;
    } catch (err) {
      throw fromFsError(err, `reading the size of ${name}`);
    }
  }

  async exists(name: string): Promise<boolean> {
    try {
      await fsp.access(this.path(name));
      return true;
    } catch {
      return false;
    }
  }

  async list(dir: string): Promise<string[]> {
    const base = this.path(dir);
    let entries: string[];
    try {
      entries = (await fsp.readdir(base, { recursive: true, withFileTypes: true }))
        .filter((e) => e.isFile())
        .map((e) => relative(this.location, join(e.parentPath, e.name)).split(sep).join('/'));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw fromFsError(err, `listing ${dir}`);
    }
    return entries.sort();
  }

  async remove(name: string): Promise<void> {
    await this.closeReader(name);
    try {
      await fsp.rm(this.path(name), { force: true });
    } catch (err) {
      throw fromFsError(err, `removing ${name}`);
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.readers.keys()].map((n) => this.closeReader(n)));
    await Promise.all([...this.prepared.keys()].map((n) => this.discard(n)));
  }
}
