import type { SpaceDto } from '@salon/protocol';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api';
import { ErrorText } from '../../components/ErrorText';
import { Modal } from '../../components/Modal';
import { CopyLink, SendToHandle, useShareStatus } from '../../components/share';
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
  const { done, error, run, copy } = useShareStatus();
  const [postText, setPostText] = useState('');

  const snippet = embedSnippet(space);
  const selectIt = t('shareSheet.selectIt');

  function post(event: FormEvent) {
    event.preventDefault();
    void run(async () => {
      await api.shareByPost(space.id, postText.trim() || undefined);
      setPostText('');
      return t('shareSheet.posted');
    });
  }

  return (
    <Modal title={t('shareSheet.title')} onClose={onClose}>
      <div className="stack">
        <CopyLink
          id="share-link"
          label={t('shareSheet.link')}
          url={space.url}
          copyLabel={t('shareSheet.copy')}
          primary
          onCopy={() => void copy(space.url, t('shareSheet.copied'), selectIt)}
        />
        <div className="stack">
          {/* The embed snippet: a labelled, read-only textarea with its help, unlike the link row (CopyLink). */}
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
          <button
            type="button"
            onClick={() => void copy(snippet, t('shareSheet.embedCopied'), selectIt)}
          >
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
            <SendToHandle
              id="share-dm"
              label={t('shareSheet.sendTo')}
              submit={t('shareSheet.send')}
              run={run}
              send={async (user) => {
                await api.shareByMessage(space.id, user.id);
                return t('shareSheet.sent', { name: user.display_name });
              }}
            />
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
