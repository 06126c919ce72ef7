import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { api, errorMessage } from '../../api';
import { ErrorText } from '../../components/ErrorText';
import type { ClipDto } from '../../types';

/**
 * Sharing a clip: its link to copy, a message to someone (the link, which
 * unfurls in the conversation), or a post (Home's composer, with the clip
 * attached).
 */
export function ClipShare({ clip, signedIn }: { clip: ClipDto; signedIn: boolean }) {
  const { t } = useTranslation('clips');
  const navigate = useNavigate();
  const [handle, setHandle] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function copy() {
    setError(null);
    try {
      await navigator.clipboard.writeText(clip.url);
      setDone(t('copied'));
    } catch {
      // No clipboard permission: the link stays selectable in the field.
      setDone(t('selectIt'));
    }
  }

  async function send(event: FormEvent) {
    event.preventDefault();
    const h = handle.trim().replace(/^@/, '');
    if (!h) return;
    setError(null);
    try {
      const user = await api.userByHandle(h);
      await api.shareClipByMessage(user.id, clip);
      setHandle('');
      setDone(t('sent', { name: user.display_name }));
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  return (
    <section className="stack clip-share" aria-labelledby="clip-share-title">
      <h2 id="clip-share-title">{t('share')}</h2>
      <div className="row">
        <label htmlFor="clip-link" className="visually-hidden">
          {t('link')}
        </label>
        <input id="clip-link" readOnly value={clip.url} onFocus={(e) => e.target.select()} />
        <button type="button" onClick={() => void copy()}>
          {t('copy')}
        </button>
      </div>
      {signedIn ? (
        <>
          <p>
            <button
              type="button"
              className="primary"
              onClick={() => navigate(`/?clip=${encodeURIComponent(clip.id)}`)}
            >
              {t('shareInPost')}
            </button>
          </p>
          <form onSubmit={send} className="row">
            <label htmlFor="clip-dm">{t('sendTo')}</label>
            <input
              id="clip-dm"
              placeholder="@handle"
              value={handle}
              onChange={(e) => setHandle(e.target.value)}
            />
            <button type="submit">{t('send')}</button>
          </form>
        </>
      ) : null}
      {done ? <p role="status">{done}</p> : null}
      <ErrorText error={error} />
    </section>
  );
}
