import type { SpaceDto } from '@salon/protocol';
import { type FormEvent, useState } from 'react';
import { api, errorMessage } from '../../api';
import { ErrorText } from '../../components/ErrorText';
import { Modal } from '../../components/Modal';

/** Share a space: copy its link, post it, or send it to someone. */
export function ShareSheet({
  space,
  signedIn,
  onClose,
}: {
  space: SpaceDto;
  signedIn: boolean;
  onClose: () => void;
}) {
  const [done, setDone] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [postText, setPostText] = useState('');
  const [handle, setHandle] = useState('');

  async function copy() {
    setError(null);
    try {
      await navigator.clipboard.writeText(space.url);
      setDone('Link copied.');
    } catch {
      // No clipboard permission: the link stays selectable in the field below.
      setDone('Select the link below and copy it.');
    }
  }

  async function post(event: FormEvent) {
    event.preventDefault();
    setError(null);
    try {
      await api.shareByPost(space.id, postText.trim() || undefined);
      setPostText('');
      setDone('Posted to your timeline.');
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  async function send(event: FormEvent) {
    event.preventDefault();
    const h = handle.trim().replace(/^@/, '');
    if (!h) return;
    setError(null);
    try {
      const user = await api.userByHandle(h);
      await api.shareByMessage(space.id, user.id);
      setHandle('');
      setDone(`Sent to ${user.display_name}.`);
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  return (
    <Modal title="Share this space" onClose={onClose}>
      <div className="stack">
        <div className="row">
          <label htmlFor="share-link" className="visually-hidden">
            Link
          </label>
          <input id="share-link" readOnly value={space.url} onFocus={(e) => e.target.select()} />
          <button type="button" className="primary" onClick={copy}>
            Copy link
          </button>
        </div>
        {signedIn ? (
          <>
            <form onSubmit={post} className="stack">
              <label htmlFor="share-post">Share in a post</label>
              <textarea
                id="share-post"
                rows={2}
                placeholder="Say something about it (optional)"
                value={postText}
                onChange={(e) => setPostText(e.target.value)}
              />
              <button type="submit">Post</button>
            </form>
            <form onSubmit={send} className="row">
              <label htmlFor="share-dm">Send to</label>
              <input
                id="share-dm"
                placeholder="@handle"
                value={handle}
                onChange={(e) => setHandle(e.target.value)}
              />
              <button type="submit">Send</button>
            </form>
          </>
        ) : (
          <p className="muted">Sign in to share by post or message.</p>
        )}
        {done ? <p role="status">{done}</p> : null}
        <ErrorText error={error} />
      </div>
    </Modal>
  );
}
