import { useState } from 'react';
import type { Snapshot } from '../../engine/api/contract';
import { api } from '../api/client';
import { formatBytes } from '../ui/format';
import { useLoad } from '../ui/use-load';
import { EncryptionBadge, ErrorBox, Loading, Section } from '../ui/widgets';
import { ChainTimeline } from './chain-timeline';
import { DeleteDialog } from './delete-dialog';
import { RemoveDiskDialog } from './remove-disk-dialog';
import { RestoreWizard } from './restore-wizard';
import { COMPRESSION_CHOICES } from '../add-disk/add-disk-model';
import { SnapshotTable } from './snapshot-table';
import { TakeSnapshot } from './take-snapshot';
import { progressBySnapshot, useLiveJobs } from './use-live-jobs';

type Open = { kind: 'delete' | 'restore'; snapshot: Snapshot } | { kind: 'remove' } | null;

export function DiskDetailScreen({ sourceId }: { sourceId: string }) {
  const chain = useLoad(() => api().chain({ sourceId }), [sourceId], ['catalogChanged', 'job']);
  const jobs = useLiveJobs(sourceId);
  const [open, setOpen] = useState<Open>(null);

  // Once loaded, the screen stays and a failed reload shows its error above it: replacing the
  // screen would close an open dialog mid-way (a delete's own reloads run while it works).
  if (!chain.data) return chain.error ? <ErrorBox error={chain.error} /> : <Loading what="the chain" />;
  const { source, snapshots } = chain.data;
  return (
    <>
      <ErrorBox error={chain.error} />
      <Section
        title={source.name}
        actions={
          <>
            <EncryptionBadge encrypted={source.encrypted} />
            <button type="button" onClick={() => setOpen({ kind: 'remove' })}>
              Remove disk…
            </button>
          </>
        }
      >
        <dl className="facts">
          <dt>Path</dt>
          <dd className="path">{source.path}</dd>
          <dt>Size</dt>
          <dd>{formatBytes(source.sizeBytes)}</dd>
          <dt>Block size</dt>
          <dd>{formatBytes(source.blockSize)}</dd>
          <dt>Compression</dt>
          <dd>{COMPRESSION_CHOICES.find((c) => c.value === source.compression)?.label ?? source.compression}</dd>
          <dt>Encryption</dt>
          <dd data-testid="encryption-note">
            {source.encrypted
              ? 'Encrypted (AES-256-GCM). Fixed for this chain: it cannot be switched to plaintext. A plaintext copy is made only by restoring, which needs the passphrase.'
              : 'Plaintext. Fixed for this chain: to encrypt, add the disk again as a new encrypted disk.'}
          </dd>
        </dl>
        <TakeSnapshot sourceId={source.id} />
      </Section>
      <Section title="Chain">
        <ChainTimeline chain={chain.data} />
      </Section>
      <Section title="Snapshots">
        {snapshots.length === 0 ? (
          <p className="empty">No snapshots yet.</p>
        ) : (
          <SnapshotTable
            snapshots={snapshots}
            live={progressBySnapshot(jobs)}
            onDelete={(s) => setOpen({ kind: 'delete', snapshot: s })}
            onRestore={(s) => setOpen({ kind: 'restore', snapshot: s })}
          />
        )}
      </Section>
      {open?.kind === 'delete' && <DeleteDialog snapshot={open.snapshot} onClose={() => setOpen(null)} />}
      {open?.kind === 'restore' && <RestoreWizard source={source} snapshot={open.snapshot} onClose={() => setOpen(null)} />}
      {open?.kind === 'remove' && <RemoveDiskDialog source={source} onClose={() => setOpen(null)} />}
    </>
  );
}
