/**
 * Core: the words of the product and nothing else. Imports nothing from the rest of the engine.
 *
 * - Source: a disk to protect (an image file or a block device) with a fixed block size and a
 *   fixed encryption flag.
 * - Snapshot: a point-in-time copy of one source; `exclusiveBytes` is what deleting it frees.
 * - Chain: every snapshot of one source, oldest first, with the unique bytes it stores.
 * - StrataError: an error with a stable `code` that survives process boundaries.
 * - Clock: the only way to read time, so that schedules are tested on a fake one.
 */
export * from './types';
export * from './errors';
export * from './clock';
export * from './units';
export * from './ids';
export * from './order';
