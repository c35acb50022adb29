/**
 * Maintenance: who references what (exclusive and chain sizes), deleting snapshots with a gc
 * that frees the space in the same call, and checking the repository.
 */
export * from './refs';
export * from './delete';
export * from './gc';
export * from './check';
export * from './stats';
export * from './info';
