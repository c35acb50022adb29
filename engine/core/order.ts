/** Orders by `<` on UTF-16 code units: the same in every locale, and no collator to load. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Oldest first, then by id: the order of snapshots, sources and key slots. Their `createdAt` are
 * ISO 8601 UTC times, which sort as text. `localeCompare` loaded the ICU collator on first use,
 * 6–20 ms of every command that lists snapshots.
 */
export function byCreation(a: { createdAt: string; id: string }, b: { createdAt: string; id: string }): number {
  return compareText(a.createdAt, b.createdAt) || compareText(a.id, b.id);
}
