import type { ListenerDto, SpaceSnapshot } from '@salon/protocol';
import { Avatar } from '../../components/Avatar';
import { audience } from './roles';

/** Listed listeners, then "and N others" for the guests and incognito listeners nobody lists. */
export function Audience({
  snapshot,
  onSelect,
}: {
  snapshot: SpaceSnapshot;
  onSelect: (listener: ListenerDto) => void;
}) {
  const { listed, others } = audience(snapshot);
  return (
    <section aria-labelledby="audience-title" className="audience">
      <h2 id="audience-title">Listeners</h2>
      {listed.length === 0 && others === 0 ? (
        <p className="muted">Nobody is listening yet.</p>
      ) : null}
      <ul className="listeners">
        {listed.map((l) => (
          <li key={l.user_id}>
            <button type="button" className="listener" onClick={() => onSelect(l)}>
              <Avatar user={l.user} size="md" />
              <span>{l.user.display_name}</span>
            </button>
          </li>
        ))}
      </ul>
      {others > 0 ? (
        <p className="muted" data-testid="others">
          {listed.length > 0 ? 'and ' : ''}
          {others} {others === 1 ? 'other' : 'others'}
          {listed.length > 0 ? '' : ' listening'}
        </p>
      ) : null}
    </section>
  );
}

export function Counts({ snapshot }: { snapshot: SpaceSnapshot }) {
  const { now_total, total_unique } = snapshot.counts;
  return (
    <p className="space-counts" aria-live="polite" data-testid="counts">
      <span>
        <strong data-testid="now-total">{now_total}</strong> listening now
      </span>
      <span aria-hidden="true"> · </span>
      <span>
        <strong data-testid="total-unique">{total_unique}</strong> in total
      </span>
    </p>
  );
}
