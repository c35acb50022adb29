import { useEffect, useRef, type ReactNode } from 'react';

/**
 * A modal built on the native <dialog>: the browser traps focus, Escape closes it and focus goes
 * back to the button that opened it, which keeps the screens keyboard-usable without a library.
 */
export function Dialog({ title, onClose, children }: { title: string; onClose: () => void; children: ReactNode }) {
  const ref = useRef<HTMLDialogElement>(null);
  const latestOnClose = useRef(onClose);
  useEffect(() => {
    latestOnClose.current = onClose;
  });
  useEffect(() => {
    const d = ref.current!;
    const closed = () => latestOnClose.current();
    d.addEventListener('close', closed);
    if (!d.open) d.showModal();
    return () => {
      // Closing (not just removing) the dialog gives focus back to its opener; the listener goes
      // first so that this close, and a development re-mount, do not count as the user's.
      d.removeEventListener('close', closed);
      d.close();
    };
  }, []);
  return (
    <dialog ref={ref} className="dialog" aria-label={title}>
      <h2>{title}</h2>
      {children}
    </dialog>
  );
}
