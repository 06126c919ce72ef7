import type { PostDto } from '@salon/protocol';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api, request } from '../api';
import { errorText } from '../i18n';
import { ClipCard } from '../screens/clips/ClipCard';
import { useSession } from '../session';
import { Avatar } from './Avatar';
import { ErrorText } from './ErrorText';
import { Linkified } from './linkify';
import { Modal } from './Modal';
import { SpaceCard } from './SpaceCard';
import { ago } from './time';
import { useAsync } from './useAsync';
import './post.css';

/**
 * A post: author, time, text (with its links), the space it promotes or the
 * clip it shares (played in place), and,
 * for its author, a way to delete it. A deleted post leaves the list it was
 * in at once, whichever screen shows it (`onDeleted` lets that screen know).
 */
export function PostCard({
  post,
  live = false,
  onDeleted,
}: {
  post: PostDto;
  live?: boolean;
  onDeleted?: (postId: string) => void;
}) {
  const { t } = useTranslation('posts');
  const { me } = useSession();
  const [confirming, setConfirming] = useState(false);
  const [deleted, setDeleted] = useState(false);
  if (deleted) return null;
  const mine = me?.id === post.author.id;
  return (
    <article className="post">
      {/* The name beside it links to the same profile: one stop for keyboards and screen readers. */}
      <Link to={`/u/${post.author.handle}`} tabIndex={-1} aria-hidden="true">
        <Avatar user={post.author} live={live} />
      </Link>
      <div className="post-body">
        <div className="post-head">
          <Link to={`/u/${post.author.handle}`} className="strong" dir="auto">
            {post.author.display_name}
          </Link>{' '}
          <span className="muted">
            @{post.author.handle} · <time dateTime={post.created_at}>{ago(post.created_at)}</time>
          </span>
          {mine ? (
            <button
              type="button"
              className="icon-button post-delete"
              onClick={() => setConfirming(true)}
            >
              <span aria-hidden="true">🗑</span>
              <span className="visually-hidden">{t('delete')}</span>
            </button>
          ) : null}
        </div>
        {post.text ? (
          <p className="post-text" dir="auto">
            <Linkified text={post.text} />
          </p>
        ) : null}
        {post.clip ? <ClipCard clip={post.clip} /> : null}
        {post.space_id && !post.clip ? <SpaceEmbed spaceId={post.space_id} /> : null}
      </div>
      {confirming ? (
        <ConfirmDelete
          post={post}
          onClose={() => setConfirming(false)}
          onDeleted={() => {
            setConfirming(false);
            setDeleted(true);
            onDeleted?.(post.id);
          }}
        />
      ) : null}
    </article>
  );
}

function ConfirmDelete({
  post,
  onClose,
  onDeleted,
}: {
  post: PostDto;
  onClose: () => void;
  onDeleted: () => void;
}) {
  const { t } = useTranslation('posts');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function remove() {
    setBusy(true);
    setError(null);
    try {
      await request('DELETE', `/posts/${encodeURIComponent(post.id)}`);
      onDeleted();
    } catch (err) {
      const e = err as { code?: string; message?: string };
      setError(errorText({ code: e.code, message: e.message ?? t('delete_failed') }));
      setBusy(false);
    }
  }

  return (
    <Modal title={t('delete_title')} role="alertdialog" onClose={onClose}>
      <p>{t('delete_body')}</p>
      <ErrorText error={error} />
      <div className="row">
        <button type="button" onClick={onClose}>
          {t('cancel')}
        </button>
        <button type="button" className="danger" disabled={busy} onClick={() => void remove()}>
          {t('delete_confirm')}
        </button>
      </div>
    </Modal>
  );
}

export function SpaceEmbed({ spaceId }: { spaceId: string }) {
  const { t } = useTranslation('posts');
  const space = useAsync(() => api.space(spaceId), [spaceId]);
  if (space.data) return <SpaceCard space={space.data} />;
  if (space.error) return <p className="muted">{t('space_unavailable')}</p>;
  return <p className="muted">{t('space_loading')}</p>;
}
