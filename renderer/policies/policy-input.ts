import type { Policy, PolicyInput } from '../../engine/api/contract';

/** The editable part of a stored policy, as `createPolicy`/`previewPolicy` take it. */
export function toPolicyInput(p: Policy): PolicyInput {
  return {
    name: p.name,
    enabled: p.enabled,
    timePoints: p.timePoints,
    repeatWeekdays: p.repeatWeekdays,
    retentionDays: p.retentionDays,
    gfs: p.gfs,
    offPeak: p.offPeak,
    ioBudget: p.ioBudget,
    sourceIds: p.sourceIds,
  };
}

export function emptyPolicy(): PolicyInput {
  return {
    name: '',
    enabled: true,
    timePoints: [2],
    repeatWeekdays: [1, 2, 3, 4, 5, 6, 7],
    retentionDays: 30,
    gfs: null,
    offPeak: { requireAcPower: true, idleMinutes: 10, deadlineMinutes: 120 },
    ioBudget: 0,
    sourceIds: [],
  };
}
