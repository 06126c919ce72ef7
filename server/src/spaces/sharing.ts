import { decodeIdCursor } from '../db/cursor.js';
import type { Storage } from '../db/database.js';
import { AppError } from '../errors.js';
import type { SocialService } from '../social/service.js';
import type { SpaceState } from './model.js';
import { parseSpaceRow } from './repository.js';

/** What a space means to the people around it: sharing, pre-join warnings, listing. */
export class SpaceSharing {
  constructor(
    private readonly storage: Storage,
    private readonly social: SocialService,
  ) {}

  /** Send the space as a DM card. */
  shareByMessage(
    senderId: string,
    space: SpaceState,
    recipientId: string,
    text: string | undefined,
  ) {
    assertShareable(space);
    return this.social.messages.send(
      senderId,
      recipientId,
      text?.trim() || `Join me in “${space.title}”`,
      space.id,
    );
  }

  /** A post that embeds the space's card. */
  shareByPost(authorId: string, space: SpaceState, text: string | undefined) {
    assertShareable(space);
    return this.social.posts.create(
      authorId,
      text?.trim() || `Listen to “${space.title}”`,
      space.id,
    );
  }

  /** People the viewer blocked who are on the stage: shown before joining. */
  async blockedOnStage(viewerId: string, space: SpaceState): Promise<string[]> {
    const onStage = space.stage.map((m) => m.user_id).filter((id) => id !== viewerId);
    if (onStage.length === 0) return [];
    const rows = await this.storage.db
      .selectFrom('blocks')
      .select('blocked_id')
      .where('blocker_id', '=', viewerId)
      .where('blocked_id', 'in', onStage)
      .execute();
    const blocked = new Set(rows.map((r) => r.blocked_id));
    return onStage.filter((id) => blocked.has(id));
  }

  /** Spaces in a state, newest first. */
  async list(
    state: 'live' | 'scheduled' | 'ended',
    cursor: string | undefined,
    limit: number,
  ): Promise<SpaceState[]> {
    const after = decodeIdCursor(cursor);
    let query = this.storage.db.selectFrom('spaces').select('data').where('state', '=', state);
    if (after) query = query.where('id', '<', after);
    const rows = await query
      .orderBy('id', 'desc')
      .limit(limit + 1)
      .execute();
    return rows.map(parseSpaceRow);
  }
}

function assertShareable(space: SpaceState): void {
  if (space.state === 'cancelled')
    throw AppError.conflict('space_cancelled', 'This space was cancelled.');
}
