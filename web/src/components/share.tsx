import type { ProfileDto } from '@salon/protocol';
import { type FormEvent, useState } from 'react';
import { api, errorMessage } from '../api';

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
    const h = handle.trim().replace(/^@/, '');
    if (!h) return;
    void run(async () => {
      const user = await api.userByHandle(h);
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
