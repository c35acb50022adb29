import { useState } from 'react';
import type { Policy, PolicyInput, Source } from '../../engine/api/contract';
import { api } from '../api/client';
import { useAction } from '../ui/use-load';
import { ErrorBox } from '../ui/widgets';
import { PolicyPreviewPanel } from './policy-preview';
import { OffPeakFields, RetentionFields } from './retention-fields';
import { ScheduleGrid } from './schedule-grid';

interface Props {
  /** The policy being edited, or null for a new one. */
  policy: Policy | null;
  initial: PolicyInput;
  sources: Source[];
  onDone: () => void;
}

/** Saves the policy, then binds and unbinds disks so the stored set matches the form. */
async function save(policy: Policy | null, input: PolicyInput): Promise<Policy> {
  const { sourceIds = [], ...rest } = input;
  const saved = policy ? await api().updatePolicy({ policyId: policy.id, changes: rest }) : await api().createPolicy({ ...rest, sourceIds: [] });
  const had = policy?.sourceIds ?? [];
  const add = sourceIds.filter((id) => !had.includes(id));
  const remove = had.filter((id) => !sourceIds.includes(id));
  let result = saved;
  if (add.length) result = await api().applyPolicy({ policyId: saved.id, sourceIds: add });
  if (remove.length) result = await api().unapplyPolicy({ policyId: saved.id, sourceIds: remove });
  return result;
}

export function PolicyEditor({ policy, initial, sources, onDone }: Props) {
  const [value, setValue] = useState<PolicyInput>(initial);
  const [busy, setBusy] = useState(false);
  const [error, run] = useAction();
  const edit = (c: Partial<PolicyInput>) => setValue((v) => ({ ...v, ...c }));
  const chosen = value.sourceIds ?? [];
  const toggleSource = (id: string) => edit({ sourceIds: chosen.includes(id) ? chosen.filter((x) => x !== id) : [...chosen, id] });
  const submit = async () => {
    setBusy(true);
    const saved = await run(() => save(policy, value));
    setBusy(false);
    if (saved) onDone();
  };
  return (
    <form
      className="policy-editor"
      aria-label={policy ? `Edit policy ${policy.name}` : 'New policy'}
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <div className="form policy-main">
        <div className="row wrap">
          <label className="field inline">
            Policy name
            <input name="policyName" required maxLength={80} value={value.name} onChange={(e) => edit({ name: e.target.value })} />
          </label>
          <label className="check">
            <input type="checkbox" name="enabled" checked={value.enabled !== false} onChange={(e) => edit({ enabled: e.target.checked })} /> Enabled
          </label>
        </div>
        <fieldset>
          <legend>Schedule</legend>
          <ScheduleGrid value={value} onChange={(s) => edit(s)} />
        </fieldset>
        <RetentionFields value={value} onChange={edit} />
        <OffPeakFields value={value} onChange={edit} />
        <fieldset>
          <legend>Disks it applies to</legend>
          {sources.length === 0 && <p className="muted">No disks yet.</p>}
          {sources.map((s) => (
            <label key={s.id} className="check">
              <input type="checkbox" checked={chosen.includes(s.id)} onChange={() => toggleSource(s.id)} /> {s.name}
            </label>
          ))}
        </fieldset>
      </div>
      <aside className="form policy-side">
        <fieldset>
          <legend>Preview</legend>
          <PolicyPreviewPanel policy={value} sources={sources} />
        </fieldset>
        <ErrorBox error={error} />
        <div className="actions">
          <button type="button" onClick={onDone}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Saving…' : 'Save policy'}
          </button>
        </div>
      </aside>
    </form>
  );
}
