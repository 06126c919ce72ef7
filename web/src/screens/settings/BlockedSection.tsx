import type { UserDto } from '@salon/protocol';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { Avatar } from '../../components/Avatar';
import { ErrorText } from '../../components/ErrorText';
import { useAsync } from '../../components/useAsync';
import { explain, settingsApi } from './api';
import { SettingsSection } from './SettingsSection';

/** People you blocked; unblocking lets them follow, message and join your spaces again. */
export function BlockedSection() {
  const { t } = useTranslation('settings');
  const [cursor, setCursor] = useState<string | undefined>(undefined);
  const page = useAsync(() => settingsApi.blocked(cursor), [cursor]);
  const [shown, setShown] = useState<UserDto[]>([]);
  const [gone, setGone] = useState<Set<string>>(new Set());
  const [error, setError] = useState<string | null>(null);
  const people = [...shown, ...(page.data?.data ?? [])].filter((u) => !gone.has(u.id));

  async function unblock(user: UserDto) {
    setError(null);
    try {
      await settingsApi.unblock(user.id);
      setGone((set) => new Set(set).add(user.id));
    } catch (err) {
      setError(explain(err, t('blocked.failed')));
    }
  }

  function more() {
    setShown((list) => [...list, ...(page.data?.data ?? [])]);
    setCursor(page.data?.next_cursor ?? undefined);
  }

  return (
    <SettingsSection title={t('blocked.title')} intro={t('blocked.intro')} id="blocked">
      <ErrorText error={page.error ?? error} />
      {page.data && people.length === 0 ? <p className="muted">{t('blocked.none')}</p> : null}
      <ul className="settings-list" aria-label={t('blocked.list')}>
        {people.map((user) => (
          <li key={user.id} className="settings-item">
            <Avatar user={user} size="sm" />
            <div className="grow">
              <Link to={`/u/${user.handle}`} className="strong" dir="auto">
                {user.display_name}
              </Link>{' '}
              <span className="muted">@{user.handle}</span>
            </div>
            <button
              type="button"
              onClick={() => void unblock(user)}
              aria-label={t('blocked.unblock_one', { name: user.display_name })}
            >
              {t('blocked.unblock')}
            </button>
          </li>
        ))}
      </ul>
      {page.data?.next_cursor ? (
        <button type="button" onClick={more}>
          {t('blocked.more')}
        </button>
      ) : null}
    </SettingsSection>
  );
}
