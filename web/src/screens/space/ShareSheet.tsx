import type { SpaceDto } from '@salon/protocol';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, errorMessage } from '../../api';
import { ErrorText } from '../../components/ErrorText';
import { Modal } from '../../components/Modal';
import { embedSnippet } from '../../embed/snippet';

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
  const { t } = useTranslation('space');
  const [done, setDone] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [postText, setPostText] = useState('');
  const [handle, setHandle] = useState('');

  const snippet = embedSnippet(space);

  async function copy(value: string, copied: string) {
    setError(null);
    try {
      await navigator.clipboard.writeText(value);
      setDone(copied);
    } catch {
      // No clipboard permission: the text stays selectable in its field.
      setDone(t('shareSheet.selectIt'));
    }
  }

  async function post(event: FormEvent) {
    event.preventDefault();
    setError(null);
    try {
      await api.shareByPost(space.id, postText.trim() || undefined);
      setPostText('');
      setDone(t('shareSheet.posted'));
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
      setDone(t('shareSheet.sent', { name: user.display_name }));
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  return (
    <Modal title={t('shareSheet.title')} onClose={onClose}>
      <div className="stack">
        <div className="row">
          <label htmlFor="share-link" className="visually-hidden">
            {t('shareSheet.link')}
          </label>
          <input id="share-link" readOnly value={space.url} onFocus={(e) => e.target.select()} />
          <button
            type="button"
            className="primary"
            onClick={() => void copy(space.url, t('shareSheet.copied'))}
          >
            {t('shareSheet.copy')}
          </button>
        </div>
        <div className="stack">
          <label htmlFor="share-embed">{t('shareSheet.embed')}</label>
          <textarea
            id="share-embed"
            readOnly
            rows={3}
            value={snippet}
            onFocus={(e) => e.target.select()}
            aria-describedby="share-embed-help"
          />
          <p id="share-embed-help" className="muted small">
            {t('shareSheet.embedHelp')}
          </p>
          <button type="button" onClick={() => void copy(snippet, t('shareSheet.embedCopied'))}>
            {t('shareSheet.copyEmbed')}
          </button>
        </div>
        {signedIn ? (
          <>
            <form onSubmit={post} className="stack">
              <label htmlFor="share-post">{t('shareSheet.inPost')}</label>
              <textarea
                id="share-post"
                rows={2}
                placeholder={t('shareSheet.postPlaceholder')}
                value={postText}
                onChange={(e) => setPostText(e.target.value)}
              />
              <button type="submit">{t('shareSheet.post')}</button>
            </form>
            <form onSubmit={send} className="row">
              <label htmlFor="share-dm">{t('shareSheet.sendTo')}</label>
              <input
                id="share-dm"
                placeholder="@handle"
                value={handle}
                onChange={(e) => setHandle(e.target.value)}
              />
              <button type="submit">{t('shareSheet.send')}</button>
            </form>
          </>
        ) : (
          <p className="muted">{t('shareSheet.signIn')}</p>
        )}
        {done ? <p role="status">{done}</p> : null}
        <ErrorText error={error} />
      </div>
    </Modal>
  );
}
