import { Link } from 'react-router-dom';
import { Avatar } from '../../components/Avatar';
import type { Bubble } from './bubbles';

/** The row at the top of Home: live spaces of people you follow, avatars ringed in purple. */
export function LiveBubbles({ bubbles }: { bubbles: Bubble[] }) {
  if (bubbles.length === 0) return null;
  return (
    <section aria-labelledby="bubbles-title" className="bubbles-section">
      <h2 id="bubbles-title" className="visually-hidden">
        Live now from people you follow
      </h2>
      <ul className="bubbles">
        {bubbles.map(({ space, people }) => (
          <li key={space.id}>
            <Link to={`/spaces/${space.id}`} className="bubble">
              <span className="bubble-avatars">
                {people.slice(0, 3).map((p) => (
                  <Avatar key={p.id} user={p} size="lg" live />
                ))}
              </span>
              <span className="bubble-title">{space.title}</span>
              <span className="bubble-who">
                <span className="badge badge-live">Live</span> {people[0]!.display_name}
                {people.length > 1 ? ` +${people.length - 1}` : ''}
              </span>
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
