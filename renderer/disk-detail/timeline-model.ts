import type { Chain } from '../../engine/api/contract';

export interface TimelineBar {
  snapshotId: string;
  name: string;
  createdAt: string;
  bytes: number;
  /** Width in percent of the widest possible bar (the chain total). */
  widthPercent: number;
}

export interface Timeline {
  bars: TimelineBar[];
  /** Bytes held by more than one snapshot: freed only when all of those are gone. */
  sharedBytes: number;
  sharedPercent: number;
  totalBytes: number;
}

/** Bars this thin would vanish; a snapshot that holds any data stays visible. */
export const MIN_VISIBLE_PERCENT = 1;

function scale(bytes: number, total: number): number {
  if (total <= 0 || bytes <= 0) return 0;
  return Math.min(100, Math.max(MIN_VISIBLE_PERCENT, (bytes / total) * 100));
}

/**
 * Each snapshot's exclusive bytes as a share of the chain total. What no single snapshot owns is
 * shared between several of them; it is shown apart so the bars never claim more than the chain.
 */
export function buildTimeline(chain: Chain): Timeline {
  const done = chain.snapshots.filter((s) => s.status === 'accomplished');
  const exclusiveSum = done.reduce((sum, s) => sum + s.exclusiveBytes, 0);
  const sharedBytes = Math.max(0, chain.totalBytes - exclusiveSum);
  return {
    bars: done.map((s) => ({
      snapshotId: s.id,
      name: s.name,
      createdAt: s.createdAt,
      bytes: s.exclusiveBytes,
      widthPercent: scale(s.exclusiveBytes, chain.totalBytes),
    })),
    sharedBytes,
    sharedPercent: scale(sharedBytes, chain.totalBytes),
    totalBytes: chain.totalBytes,
  };
}
