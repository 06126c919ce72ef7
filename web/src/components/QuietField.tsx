import type { InputHTMLAttributes, TextareaHTMLAttributes } from 'react';

/**
 * A field whose label only screen readers read: the placeholder and the form
 * around it say the rest (searches, a handle to invite, a message to send).
 */
export function QuietInput({
  id,
  label,
  onValue,
  ...input
}: {
  id: string;
  label: string;
  /** Absent for a read-only field (a link to copy). */
  onValue?: (value: string) => void;
} & Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'onChange'>) {
  return (
    <>
      <label htmlFor={id} className="visually-hidden">
        {label}
      </label>
      <input id={id} onChange={onValue && ((e) => onValue(e.target.value))} {...input} />
    </>
  );
}

/** QuietInput's text area (a post, a note). */
export function QuietTextArea({
  id,
  label,
  onValue,
  ...area
}: {
  id: string;
  label: string;
  onValue: (value: string) => void;
} & Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'id' | 'onChange'>) {
  return (
    <>
      <label htmlFor={id} className="visually-hidden">
        {label}
      </label>
      <textarea id={id} onChange={(e) => onValue(e.target.value)} {...area} />
    </>
  );
}
