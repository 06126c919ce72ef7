import { useTranslation } from 'react-i18next';
import { Link, NavLink, useParams } from 'react-router-dom';
import { api } from '../../api';
import { ErrorText } from '../../components/ErrorText';
import { Loading } from '../../components/Spinner';
import { useAsync } from '../../components/useAsync';
import { usePages } from '../../components/usePages';
import { PersonRow } from '../people/PersonRow';
import './profile.css';
import { useSession } from '../../session';

export type FollowDirection = 'followers' | 'following';

/** /u/:handle/followers and /u/:handle/following: newest first, a page at a time, Follow in place. */
export function FollowList({ direction }: { direction: FollowDirection }) {
  const { t } = useTranslation('profile');
  const { handle = '' } = useParams();
  const { me } = useSession();
  const profile = useAsync(() => api.userByHandle(handle), [handle]);
  const user = profile.data;
  const people = usePages(
    (cursor) => api.followList(user!.id, direction, cursor),
    [user?.id, direction, me?.id],
    Boolean(user),
  );

  if (profile.error) {
    return (
      <main className="page">
        <ErrorText error={profile.error} />
      </main>
    );
  }
  if (!user) return <Loading />;
  return (
    <main className="page" aria-labelledby="follow-list-title">
      <p>
        <Link to={`/u/${user.handle}`}>{t('back_to', { name: user.display_name })}</Link>
      </p>
      <h1 id="follow-list-title" dir="auto">
        {direction === 'followers'
          ? t('followers_of', { name: user.display_name })
          : t('following_of', { name: user.display_name })}
      </h1>
      <nav aria-label={t('lists')} className="tabs">
        <NavLink to={`/u/${user.handle}/followers`}>
          {t('followers', { count: user.followers_count })}
        </NavLink>
        <NavLink to={`/u/${user.handle}/following`}>
          {t('following', { count: user.following_count })}
        </NavLink>
      </nav>
      <ErrorText error={people.error} />
      {people.loading && people.items.length === 0 ? <Loading /> : null}
      {!people.loading && !people.error && people.items.length === 0 ? (
        <p className="muted">{direction === 'followers' ? t('no_followers') : t('no_following')}</p>
      ) : null}
      {people.items.length ? (
        <ul
          className="people-list"
          aria-label={direction === 'followers' ? t('followers_list') : t('following_list')}
        >
          {people.items.map((p) => (
            <PersonRow key={p.id} person={p} signedIn={Boolean(me)} />
          ))}
        </ul>
      ) : null}
      {people.more ? (
        <button type="button" disabled={people.loading} onClick={people.loadMore}>
          {t('more')}
        </button>
      ) : null}
    </main>
  );
}
