import type { SpaceSnapshot } from '@salon/protocol';
import { useTranslation } from 'react-i18next';
import { Avatar } from '../../components/Avatar';
import type { SpaceActions } from './actions';

/** For the host and co-hosts: who asked to speak, and who is invited. */
export function Requests({
  snapshot,
  actions,
}: {
  snapshot: SpaceSnapshot;
  actions: SpaceActions;
}) {
  const { t } = useTranslation('space');
  const { requests, invitations } = snapshot;
  return (
    <section aria-labelledby="requests-title" className="requests">
      <h2 id="requests-title">
        {t('requests.title')} <span className="count">{requests.length}</span>
      </h2>
      {requests.length === 0 ? <p className="muted">{t('requests.empty')}</p> : null}
      <ul>
        {requests.map((r) => (
          <li key={r.user_id} className="request">
            {/* A row like the invite dialog's people: the same look, other buttons (approve, decline). */}
            <Avatar user={r.user} size="sm" />
            <span className="grow" dir="auto">
              {r.user.display_name}
            </span>
            <button
              type="button"
              className="primary"
              aria-label={t('requests.approveWho', { name: r.user.display_name })}
              onClick={() => actions.approve(r.user_id)}
            >
              {t('requests.approve')}
            </button>
            <button
              type="button"
              aria-label={t('requests.declineWho', { name: r.user.display_name })}
              onClick={() => actions.decline(r.user_id)}
            >
              {t('requests.decline')}
            </button>
          </li>
        ))}
      </ul>
      {invitations.length ? (
        <>
          <h3>{t('requests.invited')}</h3>
          <ul>
            {invitations.map((i) => (
              <li key={i.user_id} className="request">
                <Avatar user={i.user} size="sm" />
                <span className="grow" dir="auto">
                  {i.user.display_name}{' '}
                  <span className="muted">
                    {i.role === 'cohost' ? t('requests.asCohost') : t('requests.asSpeaker')}
                  </span>
                </span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}
