import type { PersonDto } from '@salon/protocol';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api } from '../../api';
import { Avatar } from '../../components/Avatar';
import { ErrorText } from '../../components/ErrorText';
import { useAction } from '../../components/useAsync';
import './people.css';

/** One person in a list: picture, name, handle, bio, and Follow / Following when signed in. */
export function PersonRow({ person, signedIn }: { person: PersonDto; signedIn: boolean }) {
  return (
    <li className="person-row">
      <Link to={`/u/${person.handle}`} tabIndex={-1} aria-hidden="true">
        <Avatar user={person} />
      </Link>
      <div className="person-body">
        <Link to={`/u/${person.handle}`} className="strong" dir="auto">
          {person.display_name}
        </Link>{' '}
        <span className="muted">@{person.handle}</span>
        {person.relationship?.followed_by ? <FollowsYou /> : null}
        {person.bio ? (
          <p className="person-bio" dir="auto">
            {person.bio}
          </p>
        ) : null}
      </div>
      {signedIn && person.relationship && !person.relationship.blocking ? (
        <FollowButton
          userId={person.id}
          name={person.display_name}
          following={person.relationship.following}
          disabled={person.relationship.blocked_by}
        />
      ) : null}
    </li>
  );
}

function FollowsYou() {
  const { t } = useTranslation('people');
  return <span className="badge">{t('follows_you')}</span>;
}

/** Follow / Unfollow in place; the label names the person for screen readers. */
export function FollowButton({
  userId,
  name,
  following: initial,
  disabled = false,
  onChange,
}: {
  userId: string;
  name: string;
  following: boolean;
  disabled?: boolean;
  onChange?: (following: boolean) => void;
}) {
  const { t } = useTranslation('people');
  const [following, setFollowing] = useState(initial);
  const { busy, error, run } = useAction();

  const toggle = () =>
    run(async () => {
      await (following ? api.unfollow(userId) : api.follow(userId));
      setFollowing(!following);
      onChange?.(!following);
    });

  return (
    <div className="person-action">
      {/* The visible word starts the name, so speech input ("click Following") finds it too. */}
      <button
        type="button"
        className={following ? undefined : 'primary'}
        disabled={busy || disabled}
        onClick={toggle}
      >
        {following ? t('following_button') : t('follow')}
        <span className="visually-hidden">
          {following ? t('following_suffix', { name }) : t('follow_suffix', { name })}
        </span>
      </button>
      <ErrorText error={error} />
    </div>
  );
}
