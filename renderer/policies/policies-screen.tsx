import { useState } from 'react';
import type { Policy } from '../../engine/api/contract';
import { api } from '../api/client';
import { formatRetention } from '../ui/format';
import { useAction, useLoad } from '../ui/use-load';
import { ErrorBox, Loading, Section } from '../ui/widgets';
import { describeSchedule } from './grid-model';
import { PolicyEditor } from './policy-editor';
import { emptyPolicy, toPolicyInput } from './policy-input';

type Editing = { policy: Policy | null } | null;

export function PoliciesScreen() {
  const data = useLoad(async () => {
    const [policies, sources] = await Promise.all([api().listPolicies(), api().listSources()]);
    return { policies, sources };
  }, []);
  const [editing, setEditing] = useState<Editing>(null);
  const [error, run] = useAction();
  // A failed reload leaves what was loaded (and a policy being edited) on screen, see DiskDetailScreen.
  if (!data.data) return data.error ? <ErrorBox error={data.error} /> : <Loading what="policies" />;
  const { policies, sources } = data.data;
  const nameOf = (id: string) => sources.find((s) => s.id === id)?.name ?? id;
  const remove = (p: Policy) => {
    if (window.confirm(`Delete policy “${p.name}”? Its snapshots stay; the disks just stop being scheduled by it.`)) void run(() => api().deletePolicy({ policyId: p.id }));
  };

  if (editing) {
    const p = editing.policy;
    return (
      <Section title={p ? `Edit “${p.name}”` : 'New policy'}>
        <PolicyEditor
          policy={p}
          initial={p ? toPolicyInput(p) : emptyPolicy()}
          sources={sources}
          onDone={() => {
            setEditing(null);
            data.reload();
          }}
        />
      </Section>
    );
  }
  const add = (
    <button type="button" className="primary" onClick={() => setEditing({ policy: null })}>
      New policy
    </button>
  );
  return (
    <Section title="Policies" actions={add}>
      <ErrorBox error={data.error ?? error} />
      {policies.length === 0 && <p className="empty">No policies yet. A policy takes snapshots on a schedule, off-peak, and deletes old ones.</p>}
      <ul className="policy-list">
        {policies.map((p) => (
          <li key={p.id} className="policy-item" data-testid="policy-item">
            <div>
              <strong>{p.name}</strong> {!p.enabled && <span className="badge status-warn">paused</span>}
              <div className="small">{describeSchedule(p)}</div>
              <div className="small muted">
                Keeps {formatRetention(p.retentionDays)}
                {p.gfs ? ' plus GFS rules' : ''} · {p.offPeak.requireAcPower ? 'AC power only · ' : ''}
                {p.sourceIds.length ? `Disks: ${p.sourceIds.map(nameOf).join(', ')}` : 'No disks'}
              </div>
            </div>
            <div className="actions">
              <button type="button" onClick={() => setEditing({ policy: p })} aria-label={`Edit ${p.name}`}>
                Edit
              </button>
              <button type="button" className="danger" onClick={() => remove(p)} aria-label={`Delete ${p.name}`}>
                Delete
              </button>
            </div>
          </li>
        ))}
      </ul>
    </Section>
  );
}
