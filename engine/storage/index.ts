/**
 * Storage: where repository files live. `RepoStore` is the contract every backend meets
 * (whole-file atomic writes, ranged reads, listing); `LocalStore` keeps a repository in a
 * folder. Fault injection and read-only mode are wrappers of the same interface.
 */
export * from './store';
export * from './local-store';
