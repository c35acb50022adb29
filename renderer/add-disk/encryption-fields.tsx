import { Field } from '../ui/field';
import type { KeyState } from './add-disk-model';

const PASS_HINT: Record<KeyState, string> = {
  none: 'Creates the repository key. Without it, encrypted snapshots cannot be restored.',
  locked: 'Unlocks the repository key.',
  unlocked: 'The repository is unlocked; leave empty to use its key.',
};

interface Props {
  keyState: KeyState;
  encrypted: boolean;
  passphrase: string;
  confirm: string;
  onEncrypted: (v: boolean) => void;
  onPassphrase: (v: string) => void;
  onConfirm: (v: string) => void;
}

/** Plaintext or encrypted, said to be final, and the passphrase when encrypting. */
export function EncryptionFields({ keyState, encrypted, passphrase, confirm, onEncrypted, onPassphrase, onConfirm }: Props) {
  return (
    <>
      <fieldset>
        <legend>Encryption</legend>
        <label className="radio">
          <input type="radio" name="encryption" checked={!encrypted} onChange={() => onEncrypted(false)} /> Plaintext
        </label>
        <label className="radio">
          <input type="radio" name="encryption" checked={encrypted} onChange={() => onEncrypted(true)} /> Encrypted (AES-256-GCM)
        </label>
        <p className="note" role="note">
          This cannot be changed later: every snapshot of this disk will be {encrypted ? 'encrypted' : 'plaintext'}. To change it, add the disk again as a new
          disk.
        </p>
      </fieldset>
      {encrypted && (
        <Field label="Passphrase" hint={PASS_HINT[keyState]}>
          {({ id, describedBy }) => (
            <input id={id} aria-describedby={describedBy} name="passphrase" type="password" autoComplete="new-password" value={passphrase} onChange={(e) => onPassphrase(e.target.value)} />
          )}
        </Field>
      )}
      {encrypted && keyState === 'none' && (
        <Field label="Repeat passphrase">
          {({ id }) => <input id={id} name="passphrase2" type="password" autoComplete="new-password" value={confirm} onChange={(e) => onConfirm(e.target.value)} />}
        </Field>
      )}
    </>
  );
}
