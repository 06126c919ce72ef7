import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { Avatar } from '../../components/Avatar';
import { PeopleHere } from '../space/PeopleHere';
import { TicketBadge } from '../tickets/TicketBadge';
import type { Bubble } from './bubbles';

/** The row at the top of Home: live spaces of people you follow, avatars ringed in purple. */
export function LiveBubbles({ bubbles }: { bubbles: Bubble[] }) {
  const { t } = useTranslation('home');
  if (bubbles.length === 0) return null;
  return (
    <section aria-labelledby="bubbles-title" className="bubbles-section">
      <h2 id="bubbles-title" className="visually-hidden">
        {t('bubbles_title')}
      </h2>
      <ul className="bubbles">
        {bubbles.map(({ space, people, here }) => (
          <li key={space.id}>
            <Link to={`/spaces/${space.id}`} className="bubble">
              <span className="bubble-avatars">
                {people.slice(0, 3).map((p) => (
                  <Avatar key={p.id} user={p} size="lg" live />
                ))}
              </span>
              <span className="bubble-title" dir="auto">
                {space.title}
              </span>
              <span className="bubble-who">
                <span className="badge badge-live">{t('live')}</span>{' '}
                <span dir="auto">{people[0]!.display_name}</span>
                {people.length > 1 ? ` ${t('and_more', { count: people.length - 1 })}` : ''}
              </span>
              {here !== undefined ? <PeopleHere count={here} /> : null}
              <TicketBadge space={space} compact />
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
