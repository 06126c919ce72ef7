import type { ProfileDto } from '@salon/protocol';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { api, errorMessage } from '../../api';
import { Avatar } from '../../components/Avatar';
import { ErrorText } from '../../components/ErrorText';
import { Modal } from '../../components/Modal';
import { PostCard } from '../../components/PostCard';
import { Loading } from '../../components/Spinner';
import { useAsync } from '../../components/useAsync';
import { liveSpaces } from '../../liveSpaces';
import { useSession } from '../../session';
import { isMissing, NotFound } from '../../shell/NotFound';
import { ClipList } from '../clips/ClipList';
import { EditProfile } from './EditProfile';
import { ProfileSpaces } from './ProfileSpaces';
import './profile.css';

export function Profile() {
  const { t, i18n } = useTranslation('profile');
  const { handle = '' } = useParams();
  const { me, signOut, setMe } = useSession();
  const navigate = useNavigate();
  const [editing, setEditing] = useState(false);
  const profile = useAsync(() => api.userByHandle(handle), [handle, me?.id]);
  const user = profile.data;
  const posts = useAsync(
    () => (user ? api.userPosts(user.id) : Promise.resolve(null)),
    [user?.id, user?.avatar_url, user?.display_name],
  );
  const space = useAsync(
    () =>
      user
        ? liveSpaces(true).then((spaces) => spaces.find((s) => s.host_id === user.id) ?? null)
        : Promise.resolve(null),
    [user?.id],
  );

  if (profile.error) {
    if (isMissing(profile.failure)) return <NotFound what="profile" />;
    return (
      <main className="page">
        <ErrorText error={profile.error} />
      </main>
    );
  }
  if (!user) return <Loading />;
  const isMe = me?.id === user.id;
  const live = Boolean(space.data);
  const number = new Intl.NumberFormat(i18n.language);

  return (
    <main className="page" aria-labelledby="profile-name">
      <header className="profile-head">
        <Avatar user={user} size="xl" live={live} />
        <div className="profile-id">
          <h1 id="profile-name" dir="auto">
            {user.display_name}
          </h1>
          <p className="muted">@{user.handle}</p>
          {user.bio ? (
            <p className="profile-bio" dir="auto">
              {user.bio}
            </p>
          ) : null}
          <p className="counts">
            <Link to={`/u/${user.handle}/following`}>
              {t('following_count', {
                count: user.following_count,
                formatted: number.format(user.following_count),
              })}
            </Link>{' '}
            <Link to={`/u/${user.handle}/followers`}>
              {t('followers_count', {
                count: user.followers_count,
                formatted: number.format(user.followers_count),
              })}
            </Link>
          </p>
          {user.relationship?.followed_by ? <p className="badge">{t('follows_you')}</p> : null}
        </div>
      </header>
      {me && !isMe ? <Relationship user={user} onChange={(next) => profile.setData(next)} /> : null}
      {isMe ? (
        <p className="row">
          <button type="button" className="primary" onClick={() => setEditing(true)}>
            {t('edit')}
          </button>
          <Link className="button" to="/people">
            {t('find_people')}
          </Link>
          <button
            type="button"
            onClick={async () => {
              await signOut();
              navigate('/');
            }}
          >
            {t('sign_out')}
          </button>
        </p>
      ) : null}
      {editing ? (
        <EditProfile
          user={user}
          onClose={() => setEditing(false)}
          onSaved={(saved) => {
            setEditing(false);
            setMe(saved);
            profile.setData({ ...user, ...saved });
          }}
        />
      ) : null}
      <ProfileSpaces hostId={user.id} live={space.data ?? null} meId={me?.id ?? null} />
      <ClipList
        load={(cursor) => api.userClips(user.id, cursor)}
        deps={[user.id]}
        title={t('clips')}
        headingId="profile-clips"
      />
      <section aria-labelledby="profile-posts">
        <h2 id="profile-posts">{t('posts')}</h2>
        <ErrorText error={posts.error} />
        {posts.data?.data.length === 0 ? <p className="muted">{t('no_posts')}</p> : null}
        {posts.data?.data.map((p) => (
          <PostCard key={p.id} post={p} live={live} />
        ))}
      </section>
    </main>
  );
}

function Relationship({ user, onChange }: { user: ProfileDto; onChange: (u: ProfileDto) => void }) {
  const { t } = useTranslation('profile');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirmBlock, setConfirmBlock] = useState(false);
  const rel = user.relationship;

  async function run(action: () => Promise<unknown>) {
    setBusy(true);
    setError(null);
    try {
      await action();
      onChange(await api.user(user.id));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="row">
      {rel?.blocking ? null : rel?.following ? (
        <button type="button" disabled={busy} onClick={() => run(() => api.unfollow(user.id))}>
          {t('unfollow')}
        </button>
      ) : (
        <button
          type="button"
          className="primary"
          disabled={busy || rel?.blocked_by}
          onClick={() => run(() => api.follow(user.id))}
        >
          {t('follow')}
        </button>
      )}
      {rel?.blocking ? null : (
        <Link className="button" to={`/messages/${user.id}`}>
          {t('message')}
        </Link>
      )}
      {rel?.blocking ? (
        <button type="button" disabled={busy} onClick={() => run(() => api.unblock(user.id))}>
          {t('unblock')}
        </button>
      ) : (
        <button
          type="button"
          className="danger"
          disabled={busy}
          onClick={() => setConfirmBlock(true)}
        >
          {t('block')}
        </button>
      )}
      <ErrorText error={error} />
      {confirmBlock ? (
        <Modal
          title={t('block_confirm_title', { handle: user.handle })}
          role="alertdialog"
          onClose={() => setConfirmBlock(false)}
        >
          <p>{t('block_confirm_body')}</p>
          <div className="row">
            <button type="button" onClick={() => setConfirmBlock(false)}>
              {t('cancel')}
            </button>
            <button
              type="button"
              className="danger"
              disabled={busy}
              onClick={() => {
                setConfirmBlock(false);
                void run(() => api.block(user.id));
              }}
            >
              {t('block_confirm')}
            </button>
          </div>
        </Modal>
      ) : null}
    </div>
  );
}
