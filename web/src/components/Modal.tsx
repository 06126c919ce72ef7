import { type ReactNode, useEffect, useId, useRef } from 'react';
import { useTranslation } from 'react-i18next';

/** A modal dialog: labelled, focus moves in and comes back, Escape closes. */
export function Modal({
  title,
  onClose,
  children,
  role = 'dialog',
}: {
  title: string;
  onClose: () => void;
  children: ReactNode;
  /** `alertdialog` for a confirmation. */
  role?: 'dialog' | 'alertdialog';
}) {
  const { t } = useTranslation('components');
  const titleId = useId();
  const panel = useRef<HTMLDivElement>(null);
  const close = useRef(onClose);
  close.current = onClose;

  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    const first = panel.current?.querySelector<HTMLElement>(
      'input, select, textarea, button:not([data-close]), [href]',
    );
    (first ?? panel.current)?.focus();
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') close.current();
    };
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('keydown', onKey);
      previous?.focus?.();
    };
  }, []);

  const body = (
    <>
      <div className="modal-head">
        <h2 id={titleId}>{title}</h2>
        <button type="button" className="icon-button" data-close onClick={onClose}>
          <span aria-hidden="true">✕</span>
          <span className="visually-hidden">{t('modal.close')}</span>
        </button>
      </div>
      {children}
    </>
  );
  return (
    <div className="modal-backdrop">
      {/* Two literal roles, not role={role}: the a11y lint checks aria-modal only against a static role. */}
      {role === 'alertdialog' ? (
        <div
          className="modal"
          role="alertdialog"
          aria-modal="true"
          aria-labelledby={titleId}
          ref={panel}
          tabIndex={-1}
        >
          {body}
        </div>
      ) : (
        <div
          className="modal"
          role="dialog"
          aria-modal="true"
          aria-labelledby={titleId}
          ref={panel}
          tabIndex={-1}
        >
          {body}
        </div>
      )}
    </div>
  );
}
