import type { SpaceSnapshot } from '@salon/protocol';
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
  const { requests, invitations } = snapshot;
  return (
    <section aria-labelledby="requests-title" className="requests">
      <h2 id="requests-title">
        Requests <span className="count">{requests.length}</span>
      </h2>
      {requests.length === 0 ? <p className="muted">No requests to speak.</p> : null}
      <ul>
        {requests.map((r) => (
          <li key={r.user_id} className="request">
            <Avatar user={r.user} size="sm" />
            <span className="grow" dir="auto">
              {r.user.display_name}
            </span>
            <button
              type="button"
              className="primary"
              aria-label={`Approve ${r.user.display_name}`}
              onClick={() => actions.approve(r.user_id)}
            >
              Approve
            </button>
            <button
              type="button"
              aria-label={`Decline ${r.user.display_name}`}
              onClick={() => actions.decline(r.user_id)}
            >
              Decline
            </button>
          </li>
        ))}
      </ul>
      {invitations.length ? (
        <>
          <h3>Invited</h3>
          <ul>
            {invitations.map((i) => (
              <li key={i.user_id} className="request">
                <Avatar user={i.user} size="sm" />
                <span className="grow">
                  {i.user.display_name}{' '}
                  <span className="muted">({i.role === 'cohost' ? 'co-host' : 'speaker'})</span>
                </span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}
