import { useState } from 'react';
import { api } from '../api/client';
import { useAction } from './use-load';
import { ErrorBox } from './widgets';

/** Encrypted chains need the repository key: asked for here, once, instead of on every action. */
export function UnlockBanner({ onUnlocked }: { onUnlocked: () => void }) {
  const [passphrase, setPassphrase] = useState('');
  const [remember, setRemember] = useState(false);
  const [error, run] = useAction();
  const submit = async () => {
    const s = await run(() => api().unlock({ passphrase, remember }));
    setPassphrase('');
    if (s) onUnlocked();
  };
  return (
    <form
      className="card unlock"
      aria-label="Unlock the repository"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <p>The repository is locked. Encrypted disks can be snapshotted and restored once it is unlocked.</p>
      <div className="row wrap">
        <label className="field inline">
          Passphrase
          <input type="password" name="unlockPassphrase" autoComplete="current-password" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} required />
        </label>
        <label className="check">
          <input type="checkbox" checked={remember} onChange={(e) => setRemember(e.target.checked)} /> Remember on this machine
        </label>
        <button type="submit" className="primary">
          Unlock
        </button>
      </div>
      <ErrorBox error={error} />
    </form>
  );
}
