import type { ClipDto } from '@salon/protocol';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { api } from '../../api';
import { ErrorText } from '../../components/ErrorText';
import { CopyLink, SendToHandle, useShareStatus } from '../../components/share';

/**
 * Sharing a clip: its link to copy, a message to someone (the link, which
 * unfurls in the conversation), or a post (Home's composer, with the clip
 * attached).
 */
export function ClipShare({ clip, signedIn }: { clip: ClipDto; signedIn: boolean }) {
  const { t } = useTranslation('clips');
  const navigate = useNavigate();
  const { done, error, run, copy } = useShareStatus();

  return (
    <section className="stack clip-share" aria-labelledby="clip-share-title">
      <h2 id="clip-share-title">{t('share')}</h2>
      <CopyLink
        id="clip-link"
        label={t('link')}
        url={clip.url}
        copyLabel={t('copy')}
        onCopy={() => void copy(clip.url, t('copied'), t('selectIt'))}
      />
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
          {/* The shared SendToHandle, with this page's own texts and message (as ShareSheet's). */}
          <SendToHandle
            id="clip-dm"
            label={t('sendTo')}
            submit={t('send')}
            run={run}
            send={async (user) => {
              await api.shareClipByMessage(user.id, clip);
              return t('sent', { name: user.display_name });
            }}
          />
        </>
      ) : null}
      {done ? <p role="status">{done}</p> : null}
      <ErrorText error={error} />
    </section>
  );
}
