/**
 * The storage interface every repository backend implements. Names are repository-relative
 * paths with forward slashes ("packs/ab/ab12…"). Behaviour such as fault injection, read-only
 * mode and throttling is added by wrapping a store, never by flags inside the engine.
 */
export interface RepoStore {
  /** Where the store lives, for messages. */
  readonly location: string;

  /**
   * Writes a whole file atomically and durably: once the promise resolves the file is complete
   * and survives a crash; if it rejects or the process dies, the file is absent or complete,
   * never partial. Overwrites an existing file with the same name.
   *
   * `released`, if given, is called once `data` is no longer read (the bytes are in the file,
   * not yet durable): the caller may reuse the memory while the store makes the file durable.
   * It is not called if the write fails first.
   */
  write(name: string, data: Buffer | readonly Buffer[], released?: () => void): Promise<void>;

  /**
   * Gets ready for a coming `write` of `name`, a large file such as a pack: its folder and
   * temporary file are made now, so the write starts at once. (Creating a file waits for the file
   * system's journal while other files are being made durable: 5–70 ms a pack here.) A prepared
   * file that will not be written is dropped with `discard`; failures surface in `write`.
   */
  prepare(name: string): void;

  /** Drops what `prepare(name)` made, if anything. */
  discard(name: string): Promise<void>;

  /**
   * Creates a file only if it does not exist yet. Returns false (and writes nothing) if it
   * exists. Used for locks; it MUST be atomic against other processes.
   */
  createExclusive(name: string, data: Buffer): Promise<boolean>;

  /** Reads a whole file. An absent file MUST raise a StrataError with code E_NOT_FOUND. */
  read(name: string): Promise<Buffer>;

  /**
   * Reads `length` bytes at `offset`; a short file MUST raise E_CORRUPT, not return fewer bytes.
   * With `into` (at least `length` bytes), the bytes are read into its start and a view of them
   * is returned: nothing is allocated.
   */
  readRange(name: string, offset: number, length: number, into?: Buffer): Promise<Buffer>;

  /** Size in bytes; E_NOT_FOUND if absent. */
  size(name: string): Promise<number>;

  exists(name: string): Promise<boolean>;

  /** Every file below `dir`, recursively, as repository-relative names, sorted. Absent dir → []. */
  list(dir: string): Promise<string[]>;

  /** Removes a file. Removing an absent file succeeds (idempotent). */
  remove(name: string): Promise<void>;

  /** Releases cached handles. The store stays usable. */
  close(): Promise<void>;
}
