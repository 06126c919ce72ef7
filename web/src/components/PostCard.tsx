import { Link } from 'react-router-dom';
import { api } from '../api';
import type { PostDto } from '../types';
import { Avatar } from './Avatar';
import { SpaceCard } from './SpaceCard';
import { ago } from './time';
import { useAsync } from './useAsync';

/** A post: author, time, text, and the space it promotes, if any. */
export function PostCard({ post, live = false }: { post: PostDto; live?: boolean }) {
  return (
    <article className="post">
      {/* The name beside it links to the same profile: one stop for keyboards and screen readers. */}
      <Link to={`/u/${post.author.handle}`} tabIndex={-1} aria-hidden="true">
        <Avatar user={post.author} live={live} />
      </Link>
      <div className="post-body">
        <div className="post-head">
          <Link to={`/u/${post.author.handle}`} className="strong">
            {post.author.display_name}
          </Link>{' '}
          <span className="muted">
            @{post.author.handle} · <time dateTime={post.created_at}>{ago(post.created_at)}</time>
          </span>
        </div>
        {post.text ? <p className="post-text">{post.text}</p> : null}
        {post.space_id ? <SpaceEmbed spaceId={post.space_id} /> : null}
      </div>
    </article>
  );
}

export function SpaceEmbed({ spaceId }: { spaceId: string }) {
  const space = useAsync(() => api.space(spaceId), [spaceId]);
  if (space.data) return <SpaceCard space={space.data} />;
  if (space.error) return <p className="muted">This space is not available.</p>;
  return <p className="muted">Loading space…</p>;
}
