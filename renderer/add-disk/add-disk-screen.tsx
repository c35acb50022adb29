import { useState } from 'react';
import { api } from '../api/client';
import { useAppState } from '../ui/app-state';
import { navigate } from '../ui/router';
import { Field } from '../ui/field';
import { useAction } from '../ui/use-load';
import { ErrorBox, Section } from '../ui/widgets';
import type { Compression } from '../../engine/api/contract';
import { BLOCK_SIZES, COMPRESSION_CHOICES, DEFAULT_BLOCK_SIZE, validateAddDisk, type KeyState } from './add-disk-model';
import { EncryptionFields } from './encryption-fields';

export function AddDiskScreen() {
  const app = useAppState();
  const [path, setPath] = useState('');
  const [name, setName] = useState('');
  const [blockSize, setBlockSize] = useState(DEFAULT_BLOCK_SIZE);
  const [compression, setCompression] = useState<Compression>(COMPRESSION_CHOICES[0]!.value);
  const [encrypted, setEncrypted] = useState(false);
  const [passphrase, setPassphrase] = useState('');
  const [confirmPass, setConfirmPass] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, run] = useAction();
  const key: KeyState = !app?.hasKeys ? 'none' : app.locked ? 'locked' : 'unlocked';
  const problem = validateAddDisk({ path, encrypted, passphrase, confirm: confirmPass, key });

  const pick = async () => {
    const picked = await run(() => api().pickSourcePath());
    if (picked) setPath(picked);
  };
  const submit = async () => {
    setBusy(true);
    const req = { path: path.trim(), encrypted, blockSize, compression, ...(name.trim() ? { name: name.trim() } : {}), ...(encrypted && passphrase ? { passphrase } : {}) };
    const source = await run(() => api().addSource(req));
    setBusy(false);
    if (source) navigate(`#/disks/${source.id}`);
  };

  return (
    <Section title="Add disk">
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          if (!problem) void submit();
        }}
      >
        <Field label="Disk or image file" hint={app?.host !== 'electron' ? 'Type the full path on the machine running Strata.' : undefined}>
          {({ id, describedBy }) => (
            <span className="row">
              <input id={id} aria-describedby={describedBy} name="path" value={path} onChange={(e) => setPath(e.target.value)} placeholder="/dev/sdb or /path/to/disk.img" required />
              {app?.host === 'electron' && (
                <button type="button" onClick={pick}>
                  Choose…
                </button>
              )}
            </span>
          )}
        </Field>
        <Field label="Name">
          {({ id }) => <input id={id} name="name" value={name} onChange={(e) => setName(e.target.value)} placeholder="defaults to the file name" />}
        </Field>
        <Field label="Block size" hint="Smaller blocks store small changes more tightly; larger blocks snapshot faster. Fixed once added.">
          {({ id, describedBy }) => (
            <select id={id} aria-describedby={describedBy} name="blockSize" value={blockSize} onChange={(e) => setBlockSize(Number(e.target.value))}>
              {BLOCK_SIZES.map((b) => (
                <option key={b.bytes} value={b.bytes}>
                  {b.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Compression" hint="Fast takes and restores snapshots quickest; compact stores about a third less of compressible data but takes longer. Fixed once added.">
          {({ id, describedBy }) => (
            <select id={id} aria-describedby={describedBy} name="compression" value={compression} onChange={(e) => setCompression(e.target.value as Compression)}>
              {COMPRESSION_CHOICES.map((c) => (
                <option key={c.value} value={c.value}>
                  {c.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <EncryptionFields
          keyState={key}
          encrypted={encrypted}
          passphrase={passphrase}
          confirm={confirmPass}
          onEncrypted={setEncrypted}
          onPassphrase={setPassphrase}
          onConfirm={setConfirmPass}
        />
        {problem && path && <p className="hint warn-text">{problem}</p>}
        <ErrorBox error={error} />
        <div className="actions">
          <button type="button" onClick={() => navigate('#/disks')}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy || problem !== null}>
            {busy ? 'Adding…' : 'Add disk'}
          </button>
        </div>
      </form>
    </Section>
  );
}
