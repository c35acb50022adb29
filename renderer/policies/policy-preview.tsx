import { useEffect, useState } from 'react';
import type { PolicyInput, PolicyPreview, Source } from '../../engine/api/contract';
import { api } from '../api/client';
import { formatDateTime } from '../ui/format';
import { describeError, type ShownError } from '../ui/next-step';
import { ErrorBox } from '../ui/widgets';

/** How long typing may go on before the preview asks again. */
const PREVIEW_DEBOUNCE_MS = 300;

/** The next runs and the next deletions the policy as edited would cause. */
export function PolicyPreviewPanel({ policy, sources }: { policy: PolicyInput; sources: Source[] }) {
  const [preview, setPreview] = useState<PolicyPreview | null>(null);
  const [error, setError] = useState<ShownError | null>(null);
  const key = JSON.stringify(policy);
  useEffect(() => {
    let live = true;
    const t = setTimeout(() => {
      api()
        // The name does not change when it runs; a form still being filled in can preview too.
        .previewPolicy({ policy: { ...policy, name: policy.name.trim() || 'preview' }, count: 5 })
        .then(
          (p) => live && (setPreview(p), setError(null)),
          (e) => live && setError(describeError(e)),
        );
    }, PREVIEW_DEBOUNCE_MS);
    return () => {
      live = false;
      clearTimeout(t);
    };
    // `key` stands for the policy's content; the object itself is new on every render.
  }, [key]);
  const nameOf = (id: string) => sources.find((s) => s.id === id)?.name ?? id;
  return (
    <div className="preview" aria-live="polite">
      <ErrorBox error={error} />
      <h3>Next runs</h3>
      {preview && preview.nextRuns.length === 0 && <p className="muted">No runs scheduled.</p>}
      <ul className="plain" data-testid="next-runs">
        {preview?.nextRuns.map((r) => (
          <li key={r.at}>
            {formatDateTime(r.at)} <span className="muted">{r.sourceIds.length ? r.sourceIds.map(nameOf).join(', ') : 'no disk chosen'}</span>
          </li>
        ))}
      </ul>
      <h3>Next deletions</h3>
      {preview && preview.deletions.length === 0 && <p className="muted">Nothing is due for deletion.</p>}
      <ul className="plain" data-testid="next-deletions">
        {preview?.deletions.map((d) => (
          <li key={d.snapshotId}>
            {formatDateTime(d.at)}: {nameOf(d.sourceId)} / {d.name} <span className="muted">({d.reason})</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
