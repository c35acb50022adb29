import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pauseUntil, trayModel, type TrayInput, type TrayMenuItem } from '../../electron/tray-model';
import { AppStatus } from '../../electron/app-status';
import type { Job, SchedulerState } from '../../engine/api/contract';

const NOW = new Date(2026, 10, 25, 10, 30).getTime();

function job(over: Partial<Job>): Job {
  return {
    id: 'job-1', kind: 'snapshot', status: 'running', trigger: 'manual', sourceId: 'src-1', snapshotId: null, policyId: null,
    createdAt: '', startedAt: null, finishedAt: null, durationMs: null, progress: null, figures: {}, message: null, error: null, ...over,
  };
}

const scheduler = (over: Partial<SchedulerState> = {}): SchedulerState => ({
  running: true, pausedUntil: null, nextRun: { at: new Date(2026, 10, 25, 14, 0).toISOString(), policyId: 'pol-1', sourceIds: ['src-1'] }, activeJobs: 0, lastError: null, ...over,
});

const input = (over: Partial<TrayInput> = {}): TrayInput => ({ scheduler: scheduler(), active: [], lastFailure: null, sourceCount: 2, now: NOW, ...over });

const labels = (items: TrayMenuItem[]): string[] =>
  items.flatMap((i) => (i.kind === 'separator' ? ['—'] : i.kind === 'submenu' ? [i.label, ...labels(i.items).map((l) => `  ${l}`)] : [i.label]));

test('idle: the menu has open, snapshot all, the next run, pause choices and quit', () => {
  const m = trayModel(input());
  assert.equal(m.icon, 'idle');
  assert.equal(m.percent, null);
  assert.deepEqual(labels(m.menu), [
    'Open Strata', 'Snapshot all now', '—', 'Next run: 14:00', 'Pause schedules', '  For 1 hour', '  Until tomorrow', '  Resume', '—', 'Quit Strata',
  ]);
  const pause = m.menu.find((i) => i.kind === 'submenu');
  assert.ok(pause?.kind === 'submenu');
  const resume = pause.items.find((i) => i.kind === 'action' && i.action === 'resume');
  assert.ok(resume?.kind === 'action' && resume.enabled === false, 'resume is off while not paused');
});

test('running: the icon shows the mean percent of running jobs', () => {
  const progress = (percent: number) => ({ bytesDone: 0, bytesTotal: 0, rate: 0, etaSeconds: null, percent, phase: 'reading' });
  const m = trayModel(input({ active: [job({ progress: progress(40) }), job({ id: 'job-2', progress: progress(61) }), job({ id: 'job-3', status: 'queued' })] }));
  assert.equal(m.icon, 'running');
  assert.equal(m.percent, 50);
  assert.equal(m.tooltip, 'Strata: 3 jobs, 50%');
});

test('error: a failure shows until acknowledged; running wins over error', () => {
  const failed = job({ status: 'failed', error: { code: 'E_SOURCE', message: 'disk gone' } });
  const m = trayModel(input({ lastFailure: failed }));
  assert.equal(m.icon, 'error');
  assert.match(m.tooltip, /snapshot failed: disk gone/);
  assert.equal(trayModel(input({ lastFailure: failed, active: [job({ id: 'job-9' })] })).icon, 'running');
});

test('paused: the next run says until when, resume is on; no sources: snapshot all is off', () => {
  const until = new Date(2026, 10, 26, 0, 0).toISOString();
  const m = trayModel(input({ scheduler: scheduler({ pausedUntil: until }), sourceCount: 0 }));
  assert.ok(labels(m.menu).includes('Next run: paused until Thu 00:00'));
  const all = m.menu.find((i) => i.kind === 'action' && i.action === 'snapshot-all');
  assert.ok(all?.kind === 'action' && !all.enabled);
  const pause = m.menu.find((i) => i.kind === 'submenu');
  assert.ok(pause?.kind === 'submenu' && pause.items.some((i) => i.kind === 'action' && i.action === 'resume' && i.enabled));
  assert.ok(labels(trayModel(input({ scheduler: scheduler({ nextRun: null }) })).menu).includes('Next run: none scheduled'));
});

test('pause for an hour or until local midnight', () => {
  assert.equal(Date.parse(pauseUntil('pause-1h', NOW)) - NOW, 3_600_000);
  const t = new Date(pauseUntil('pause-tomorrow', NOW));
  assert.deepEqual([t.getDate(), t.getHours(), t.getMinutes()], [26, 0, 0]);
});

test('app status: job events feed the tray; a finished failure is reported once and cleared by acknowledge', () => {
  const s = new AppStatus();
  s.setSourceCount(1);
  assert.equal(s.job(job({ status: 'running' })), null);
  assert.equal(trayModel(s.trayInput(NOW)).icon, 'running');
  const done = s.job(job({ status: 'failed', error: { code: 'E_IO', message: 'read error' } }));
  assert.equal(done?.status, 'failed');
  assert.equal(trayModel(s.trayInput(NOW)).icon, 'error');
  s.acknowledge();
  assert.equal(trayModel(s.trayInput(NOW)).icon, 'idle');
});
