import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { api, errorMessage } from '../../api';
import { Avatar } from '../../components/Avatar';
import { ErrorText } from '../../components/ErrorText';
import { PostCard } from '../../components/PostCard';
import { SpaceCard } from '../../components/SpaceCard';
import { Loading } from '../../components/Spinner';
import { useAsync } from '../../components/useAsync';
import { liveSpaces } from '../../liveSpaces';
import { useSession } from '../../session';
import type { ProfileDto } from '../../types';

export function Profile() {
  const { handle = '' } = useParams();
  const { me, signOut } = useSession();
  const navigate = useNavigate();
  const profile = useAsync(() => api.userByHandle(handle), [handle, me?.id]);
  const user = profile.data;
  const posts = useAsync(() => (user ? api.userPosts(user.id) : Promise.resolve(null)), [user?.id]);
  const space = useAsync(
    () =>
      user
        ? liveSpaces(true).then((spaces) => spaces.find((s) => s.host_id === user.id) ?? null)
        : Promise.resolve(null),
    [user?.id],
  );

  if (profile.error) {
    return (
      <main className="page">
        <ErrorText error={profile.error} />
      </main>
    );
  }
  if (!user) return <Loading />;
  const isMe = me?.id === user.id;
  const live = Boolean(space.data);

  return (
    <main className="page">
      <header className="profile-head">
        <Avatar user={user} size="xl" live={live} />
        <div>
          <h1>{user.display_name}</h1>
          <p className="muted">@{user.handle}</p>
          {user.bio ? <p>{user.bio}</p> : null}
          <p className="counts">
            <span>
              <strong>{user.following_count}</strong> Following
            </span>{' '}
            <span>
              <strong>{user.followers_count}</strong> Followers
            </span>
          </p>
          {user.relationship?.followed_by ? <p className="badge">Follows you</p> : null}
        </div>
      </header>
      {me && !isMe ? <Relationship user={user} onChange={(next) => profile.setData(next)} /> : null}
      {isMe ? (
        <p className="row">
          <button
            type="button"
            onClick={async () => {
              await signOut();
              navigate('/');
            }}
          >
            Sign out
          </button>
        </p>
      ) : null}
      {space.data ? (
        <section aria-labelledby="profile-live">
          <h2 id="profile-live">Live now</h2>
          <SpaceCard space={space.data} />
        </section>
      ) : null}
      <section aria-labelledby="profile-posts">
        <h2 id="profile-posts">Posts</h2>
        <ErrorText error={posts.error} />
        {posts.data?.data.length === 0 ? <p className="muted">No posts yet.</p> : null}
        {posts.data?.data.map((p) => (
          <PostCard key={p.id} post={p} live={live} />
        ))}
      </section>
    </main>
  );
}

function Relationship({ user, onChange }: { user: ProfileDto; onChange: (u: ProfileDto) => void }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
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
          Unfollow
        </button>
      ) : (
        <button
          type="button"
          className="primary"
          disabled={busy || rel?.blocked_by}
          onClick={() => run(() => api.follow(user.id))}
        >
          Follow
        </button>
      )}
      {rel?.blocking ? null : (
        <Link className="button" to={`/messages/${user.id}`}>
          Message
        </Link>
      )}
      {rel?.blocking ? (
        <button type="button" disabled={busy} onClick={() => run(() => api.unblock(user.id))}>
          Unblock
        </button>
      ) : (
        <button
          type="button"
          className="danger"
          disabled={busy}
          onClick={() => run(() => api.block(user.id))}
        >
          Block
        </button>
      )}
      <ErrorText error={error} />
    </div>
  );
}
