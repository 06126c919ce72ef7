import type { ReactNode } from 'react';
import { Modal } from '../../components/Modal';

/**
 * A confirmation for something that cannot be undone (end, leave as host,
 * remove, block): an alert dialog that says what will happen, with the safe
 * choice first.
 */
export function Confirm({
  title,
  children,
  cancel,
  confirm,
  onConfirm,
  onClose,
}: {
  title: string;
  children: ReactNode;
  cancel: string;
  confirm: string;
  onConfirm: () => void;
  onClose: () => void;
}) {
  return (
    <Modal title={title} role="alertdialog" onClose={onClose}>
      {children}
      <div className="row">
        <button type="button" onClick={onClose}>
          {cancel}
        </button>
        <button type="button" className="danger" onClick={onConfirm}>
          {confirm}
        </button>
      </div>
    </Modal>
  );
}
