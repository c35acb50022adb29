import { useEffect, useRef, type ReactNode } from 'react';

/**
 * A modal built on the native <dialog>: the browser traps focus, Escape closes it and focus goes
 * back to the button that opened it, which keeps the screens keyboard-usable without a library.
 */
export function Dialog({ title, onClose, children }: { title: string; onClose: () => void; children: ReactNode }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    return () => d?.close();
  }, []);
  return (
    <dialog ref={ref} className="dialog" aria-label={title} onClose={onClose}>
      <h2>{title}</h2>
      {children}
    </dialog>
  );
}
