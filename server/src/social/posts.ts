import { decodeIdCursor } from '../db/cursor.js';
import type { Storage } from '../db/database.js';
import type { UsersTable } from '../db/schema.js';
import { AppError } from '../errors.js';
import type { Clock } from '../util/clock.js';
import { newId } from '../util/ids.js';
import type { SocialService } from './service.js';

export const POST_MAX_CHARS = 280;

/** Short posts: a person's own, and the timeline of those they follow. */
export class Posts {
  constructor(
    private readonly storage: Storage,
    private readonly clock: Clock,
    private readonly people: Pick<SocialService, 'requireUser' | 'hasBlocked'>,
  ) {}

  private get db() {
    return this.storage.db;
  }

  async create(
    authorId: string,
    text: string,
    spaceId: string | null = null,
    clipId: string | null = null,
  ) {
    const trimmed = text.trim();
    if (trimmed.length === 0) throw AppError.invalid('empty_post', 'A post needs some text.');
    if ([...trimmed].length > POST_MAX_CHARS) {
      throw AppError.invalid('post_too_long', `A post has at most ${POST_MAX_CHARS} characters.`);
    }
    const now = this.clock.now();
    const post = {
      id: newId(now),
      author_id: authorId,
      text: trimmed,
      space_id: spaceId,
      clip_id: clipId,
      created_at: now,
    };
    await this.db.insertInto('posts').values(post).execute();
    return post;
  }

  /** The post, or post not_found. */
  private async find(postId: string) {
    const post = await this.db
      .selectFrom('posts')
      .selectAll()
      .where('id', '=', postId)
      .executeTakeFirst();
    if (!post) throw AppError.notFound('post');
    return post;
  }

  async get(postId: string, viewerId: string | null) {
    const post = await this.find(postId);
    if (viewerId && (await this.people.hasBlocked(post.author_id, viewerId))) {
      throw AppError.forbidden('blocked_by_user', 'The author of this post has blocked you.');
    }
    return post;
  }

  async delete(viewer: UsersTable, postId: string): Promise<void> {
    const post = await this.find(postId);
    if (post.author_id !== viewer.id && viewer.role !== 'admin') {
      throw AppError.forbidden('not_author', 'Only the author can delete this post.');
    }
    await this.db.deleteFrom('posts').where('id', '=', postId).execute();
  }

  async byAuthor(
    authorId: string,
    viewerId: string | null,
    cursor: string | undefined,
    limit: number,
  ) {
    await this.people.requireUser(authorId);
    if (viewerId && (await this.people.hasBlocked(authorId, viewerId))) {
      throw AppError.forbidden('blocked_by_user', 'This account has blocked you.');
    }
    const after = decodeIdCursor(cursor);
    let query = this.db.selectFrom('posts').selectAll().where('author_id', '=', authorId);
    if (after) query = query.where('id', '<', after);
    return query
      .orderBy('id', 'desc')
      .limit(limit + 1)
      .execute();
  }

  /** Your posts and those of the people you follow, newest first. */
  async timeline(userId: string, cursor: string | undefined, limit: number) {
    const after = decodeIdCursor(cursor);
    let query = this.db
      .selectFrom('posts')
      .selectAll()
      .where((eb) =>
        eb.or([
          eb('author_id', '=', userId),
          eb(
            'author_id',
            'in',
            eb.selectFrom('follows').select('followee_id').where('follower_id', '=', userId),
          ),
        ]),
      );
    if (after) query = query.where('id', '<', after);
    return query
      .orderBy('id', 'desc')
      .limit(limit + 1)
      .execute();
  }
}
