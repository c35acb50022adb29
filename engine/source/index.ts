/**
 * Sources: checks that a path is an image file or a block device Strata can read (and says why
 * not), finds a device's size in sysfs, finds its mounts, and reads it front to back.
 */
export * from './inspect';
export * from './block-reader';
