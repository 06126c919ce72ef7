import type { Kysely } from 'kysely';
import type { Database, PostsTable } from '../../db/schema.js';
import type { SpaceState } from '../../spaces/model.js';
import { parseSpaceRow } from '../../spaces/repository.js';
import { buyersPage, type TicketFacts, ticketFacts } from './tickets.js';

export interface StoredSpace {
  state: SpaceState;
  updatedAt: number;
}

/**
 * What the Twitter-compatible routes read from storage, so the routes run no
 * SQL: spaces as stored with their last change, a host's current spaces, the
 * posts about a space, and the ticket facts (tickets.ts).
 */
export class TwitterQueries {
  constructor(private readonly db: Kysely<Database>) {}

  /** The spaces that exist among `ids`, by id. */
  async spaces(ids: readonly string[]): Promise<Map<string, StoredSpace>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('spaces')
      .select(['id', 'data', 'updated_at'])
      .where('id', 'in', [...ids])
      .execute();
    return new Map(
      rows.map((r) => [r.id, { state: parseSpaceRow(r), updatedAt: Number(r.updated_at) }]),
    );
  }

  /** Live and scheduled spaces of these hosts, newest first, but for hosts who blocked the viewer. */
  async spacesOfHosts(
    hostIds: readonly string[],
    viewerId: string,
    max: number,
  ): Promise<StoredSpace[]> {
    if (hostIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('spaces')
      .select(['id', 'data', 'updated_at'])
      .where('host_id', 'in', [...hostIds])
      .where('state', 'in', ['live', 'scheduled'])
      .where('host_id', 'not in', this.blockersOf(viewerId))
      .orderBy('id', 'desc')
      .limit(max)
      .execute();
    return rows.map((row) => ({ state: parseSpaceRow(row), updatedAt: Number(row.updated_at) }));
  }

  /** Posts that embed the space or are pinned in it, newest first, but for authors who blocked the viewer. */
  postsAbout(
    spaceId: string,
    pinned: readonly string[],
    viewerId: string,
    max: number,
  ): Promise<PostsTable[]> {
    return this.db
      .selectFrom('posts')
      .selectAll()
      .where((eb) =>
        pinned.length
          ? eb.or([eb('space_id', '=', spaceId), eb('id', 'in', [...pinned])])
          : eb('space_id', '=', spaceId),
      )
      .where('author_id', 'not in', this.blockersOf(viewerId))
      .orderBy('id', 'desc')
      .limit(max)
      .execute();
  }

  ticketFacts(spaceIds: readonly string[]): Promise<Map<string, TicketFacts>> {
    return ticketFacts(this.db, spaceIds);
  }

  buyersPage(spaceId: string, offset: number, max: number) {
    return buyersPage(this.db, spaceId, offset, max);
  }

  private blockersOf(userId: string) {
    return this.db.selectFrom('blocks').select('blocker_id').where('blocked_id', '=', userId);
  }
}
