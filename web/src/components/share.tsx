import type { ProfileDto } from '@salon/protocol';
import { type FormEvent, useState } from 'react';
import { api, errorMessage } from '../api';
import { QuietInput } from './QuietField';

/**
 * What every share surface (a space's share sheet, a clip's page) has in
 * common: one status line (what was just done, or the error), copying a text
 * to the clipboard with a fallback when the page may not, and sending to a
 * person by @handle.
 */
export function useShareStatus() {
  const [done, setDone] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  /** Runs an action; its result is the status line, a failure the error line. */
  async function run(action: () => Promise<string>) {
    setError(null);
    try {
      setDone(await action());
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  /** Copies `value`; without clipboard permission the text stays selectable in its field. */
  async function copy(value: string, copied: string, selectIt: string) {
    setError(null);
    try {
      await navigator.clipboard.writeText(value);
      setDone(copied);
    } catch {
      setDone(selectIt);
    }
  }

  return { done, error, run, copy };
}

/** "Send to @handle": looks the person up, then `send` returns the status line to show. */
export function SendToHandle({
  id,
  label,
  submit,
  run,
  send,
}: {
  id: string;
  label: string;
  submit: string;
  run: (action: () => Promise<string>) => Promise<void>;
  send: (user: ProfileDto) => Promise<string>;
}) {
  const [handle, setHandle] = useState('');

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (!typedHandle(handle)) return;
    void run(async () => {
      const user = await api.userByHandle(typedHandle(handle));
      const status = await send(user);
      setHandle('');
      return status;
    });
  }

  return (
    <form onSubmit={onSubmit} className="row">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        placeholder="@handle"
        value={handle}
        onChange={(e) => setHandle(e.target.value)}
      />
      <button type="submit">{submit}</button>
    </form>
  );
}

/** A handle as people type it (" @ada"): trimmed, without its @; empty when nothing was typed. */
export const typedHandle = (text: string) => text.trim().replace(/^@/, '');

/**
 * A form's submit that looks the typed @handle up and gives the person to
 * `use`; a failure (nobody by that handle) goes to `fail`. Nothing typed,
 * nothing done.
 */
export function submitHandle(
  handle: string,
  use: (user: ProfileDto) => unknown,
  fail: (message: string) => void,
) {
  return async (event: FormEvent) => {
    event.preventDefault();
    const h = typedHandle(handle);
    if (!h) return;
    try {
      await use(await api.userByHandle(h));
    } catch (err) {
      fail(errorMessage(err));
    }
  };
}

/** A link in a read-only field (selected on focus, for copying by hand) and its Copy button. */
export function CopyLink({
  id,
  label,
  url,
  copyLabel,
  primary = false,
  onCopy,
}: {
  id: string;
  label: string;
  url: string;
  copyLabel: string;
  primary?: boolean;
  onCopy: () => void;
}) {
  return (
    <div className="row">
      <QuietInput id={id} label={label} readOnly value={url} onFocus={(e) => e.target.select()} />
      <button type="button" className={primary ? 'primary' : undefined} onClick={onCopy}>
        {copyLabel}
      </button>
    </div>
  );
}
