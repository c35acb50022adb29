import { StrataError, fromErrorInfo, type ErrorInfo } from '../core/errors';
import { checkTarget } from '../restore/target';
import type { CheckReport, Job, JobTrigger, Progress } from '../core/types';
import type { StrataApi } from '../api/contract';
import type { ApiDeps } from './ports';

type SnapshotCalls = Pick<StrataApi,
  'listSnapshots' | 'chain' | 'createSnapshot' | 'deleteSnapshot' | 'restore' | 'rollback' | 'listJobs' | 'cancelJob' | 'check' | 'lastCheck' | 'snapshotAllNow'>;

export interface SnapshotRun {
  trigger: JobTrigger;
  name?: string;
  policyId?: string | null;
  retainUntil?: string | null;
  ioLimit?: number;
  type?: 'manual' | 'auto';
  /** Overrides the engine's default (automatic snapshots yield I/O to the user). */
  adaptiveIo?: boolean;
}

/** A progress figure from a count of done and total units (the check reports files, not bytes). */
function countProgress(done: number, total: number, phase: string): Progress {
  return { bytesDone: done, bytesTotal: total, rate: 0, etaSeconds: null, percent: total > 0 ? Math.min(100, (done / total) * 100) : 0, phase };
}

/** Snapshots as jobs: what the UI's "create snapshot" and the scheduler both use. */
export function snapshotJob(d: ApiDeps, sourceId: string, run: SnapshotRun): { job: Job; done: Promise<Job> } {
  return d.jobs.submit({ kind: 'snapshot', trigger: run.trigger, sourceId, policyId: run.policyId ?? null }, async (ctx) => {
    try {
      const snap = await d.service.createSnapshot(sourceId, {
        name: run.name, type: run.type ?? (run.trigger === 'manual' ? 'manual' : 'auto'), policyId: run.policyId ?? null,
        retainUntil: run.retainUntil ?? null, ioLimit: run.ioLimit, adaptiveIo: run.adaptiveIo, signal: ctx.signal,
        onStart: (id) => {
          ctx.setSnapshot(id);
          d.emit('catalogChanged', { what: 'snapshots' });
        },
        onProgress: (p) => ctx.progress(p),
      });
      return { snapshotId: snap.id, figures: { sourceBytes: snap.sourceBytes, addedBytes: snap.addedBytes } };
    } finally {
      d.emit('catalogChanged', { what: 'snapshots' });
    }
  });
}

export function snapshotCalls(d: ApiDeps): SnapshotCalls {
  let lastReport: CheckReport | null = null;
  return {
    listSnapshots: ({ sourceId }) => d.service.listSnapshots(sourceId),
    chain: ({ sourceId }) => d.service.chain(sourceId),
    createSnapshot: async ({ sourceId, name }) => snapshotJob(d, (await d.service.sourceRecord(sourceId)).id, { trigger: 'manual', name }).job,
    deleteSnapshot: async ({ snapshotId, dryRun }) => {
      if (dryRun) return d.service.deleteSnapshot(snapshotId, { dryRun: true });
      const job = await d.jobs.submit({ kind: 'delete', trigger: 'manual', snapshotId }, async () => {
        const r = await d.service.deleteSnapshot(snapshotId, { dryRun: false });
        return { figures: { freedBytes: r.freedBytes } };
      }).done;
      d.emit('catalogChanged', { what: 'snapshots' });
      if (job.error) throw fromErrorInfo(job.error as ErrorInfo);
      return { snapshotId, dryRun: false, freedBytes: job.figures.freedBytes ?? 0 };
    },
    restore: async ({ snapshotId, target, force }) => {
      const snap = await d.service.snapshotRecord(snapshotId);
      // Refused now, not when the job runs: the window asks "overwrite?" on E_CONFIRM and calls again.
      await checkTarget(target, (await d.service.sourceRecord(snap.sourceId)).path, snap.sourceBytes, force);
      return d.jobs.submit({ kind: 'restore', trigger: 'manual', sourceId: snap.sourceId, snapshotId: snap.id }, async (ctx) => {
        const r = await d.service.restore(snap.id, target, { force, signal: ctx.signal, onProgress: (p) => ctx.progress(p) });
        return { figures: { bytesWritten: r.bytesWritten, blocksWritten: r.blocksWritten }, message: `restored to ${r.target}` };
      }).job;
    },
    rollback: async ({ sourceId, snapshotId, dryRun }) => {
      const src = await d.service.sourceRecord(sourceId);
      if (dryRun) return { blocksDiffering: (await d.service.rollback(src.id, snapshotId, { force: false })).blocksDiffering };
      return d.jobs.submit({ kind: 'rollback', trigger: 'manual', sourceId: src.id, snapshotId }, async (ctx) => {
        try {
          const r = await d.service.rollback(src.id, snapshotId, { force: true, signal: ctx.signal, onProgress: (p) => ctx.progress(p) });
          return { figures: { blocksDiffering: r.blocksDiffering, bytesWritten: r.bytesWritten }, message: r.safetySnapshotId ? `safety snapshot ${r.safetySnapshotId} taken first` : null };
        } finally {
          d.emit('catalogChanged', { what: 'snapshots' });
        }
      }).job;
    },
    listJobs: ({ limit }) => d.jobs.list(limit ?? 100),
    cancelJob: async ({ jobId }) => d.jobs.cancel(jobId),
    check: async ({ readData }) =>
      d.jobs.submit({ kind: 'check', trigger: 'manual' }, async (ctx) => {
        const report = await d.service.check({ readData, onProgress: (done, total, phase) => ctx.progress(countProgress(done, total, phase)) });
        lastReport = report;
        const figures = { problems: report.problems.length, notices: report.notices.length, snapshotsChecked: report.snapshotsChecked, bytesRead: report.bytesRead };
        if (!report.ok) throw new StrataError('E_CORRUPT', `the check found ${report.problems.length} problem(s): ${report.problems[0]?.message ?? ''}`);
        return { figures, message: `${report.snapshotsChecked} snapshot(s) and ${report.packsChecked} pack(s) checked, no problems` };
      }).job,
    lastCheck: async () => lastReport,
    snapshotAllNow: async () => (await d.service.listSources()).map((s) => snapshotJob(d, s.id, { trigger: 'manual' }).job),
  };
}
