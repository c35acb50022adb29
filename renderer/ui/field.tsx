import { useId, type ReactNode } from 'react';

/**
 * A labelled control with an optional hint. The hint sits outside the <label> and is tied to the
 * control with aria-describedby, so the control's name stays short and the hint is still read.
 */
export function Field({ label, hint, children }: { label: string; hint?: ReactNode; children: (ids: { id: string; describedBy?: string }) => ReactNode }) {
  const id = useId();
  const hintId = `${id}-hint`;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children(hint ? { id, describedBy: hintId } : { id })}
      {hint && (
        <span id={hintId} className="hint">
          {hint}
        </span>
      )}
    </div>
  );
}
