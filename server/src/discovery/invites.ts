import type { Storage } from '../db/database.js';
import { AppError } from '../errors.js';
import type { NotificationCenter } from '../notifications/center.js';
import { pairKey } from '../social/messages.js';
import type { SocialService } from '../social/service.js';
import type { SpaceState } from '../spaces/model.js';
import { roleOf } from '../spaces/policy.js';
import type { Clock } from '../util/clock.js';
import { newId } from '../util/ids.js';

export const MAX_INVITEES = 50;

export type SkipReason =
  | 'self'
  | 'user_not_found'
  | 'blocked'
  | 'removed_from_space'
  | 'already_invited'
  | 'notifications_off';

export interface InviteResult {
  invited: string[];
  skipped: Array<{ user_id: string; reason: SkipReason }>;
}

/**
 * The host (or a co-host) invites people to join a live space, or to follow
 * an upcoming one: each invitee gets one `space_invite` notification and a DM
 * card, written together. Inviting the same person to the same space again
 * does nothing, so an invitation cannot be turned into spam.
 */
export class SpaceInvites {
  constructor(
    private readonly storage: Storage,
    private readonly clock: Clock,
    private readonly social: SocialService,
    private readonly center: NotificationCenter,
  ) {}

  async invite(
    inviterId: string,
    space: SpaceState,
    userIds: readonly string[],
    text: string | undefined,
  ): Promise<InviteResult> {
    const role = roleOf(space, inviterId);
    if (role !== 'host' && role !== 'cohost') {
      throw AppError.forbidden('not_host_or_cohost', 'Only the host or a co-host can invite.');
    }
    if (space.state !== 'live' && space.state !== 'scheduled') {
      throw AppError.conflict('space_ended', `This space has ${space.state}.`);
    }
    const targets = [...new Set(userIds)];
    if (targets.length > MAX_INVITEES) {
      throw AppError.invalid('too_many_invitees', `Invite at most ${MAX_INVITEES} people at once.`);
    }
    const users = await this.social.usersByIds(targets);
    const result: InviteResult = { invited: [], skipped: [] };
    const message =
      text?.trim() ||
      (space.state === 'live'
        ? `Join me in “${space.title}”, live now`
        : `Set a reminder for “${space.title}”`);
    for (const userId of targets) {
      const reason = await this.refusal(inviterId, space, userId, users.has(userId));
      if (reason) {
        result.skipped.push({ user_id: userId, reason });
        continue;
      }
      const written = await this.center.deliver([
        {
          key: `invite:${space.id}:${userId}`,
          input: { userId, kind: 'space_invite', actorId: inviterId, spaceId: space.id },
          with: async (trx) => {
            const now = this.clock.now();
            const id = newId(now);
            await trx
              .insertInto('direct_messages')
              .values({
                id,
                sender_id: inviterId,
                recipient_id: userId,
                pair_key: pairKey(inviterId, userId),
                text: message,
                space_id: space.id,
                created_at: now,
                read_at: null,
              })
              .execute();
            return { messageId: id };
          },
        },
      ]);
      if (written.length > 0) result.invited.push(userId);
      else
        result.skipped.push({ user_id: userId, reason: await this.whyNotWritten(space, userId) });
    }
    return result;
  }

  private async refusal(
    inviterId: string,
    space: SpaceState,
    userId: string,
    exists: boolean,
  ): Promise<SkipReason | null> {
    if (userId === inviterId) return 'self';
    if (!exists) return 'user_not_found';
    if (space.removed_user_ids.includes(userId)) return 'removed_from_space';
    // As with messages: nobody reaches someone who blocked them or whom they blocked,
    // and a space's host's blocks keep people out of the space.
    if (await this.social.isBlockedEitherWay(inviterId, userId)) return 'blocked';
    if (
      inviterId !== space.host_id &&
      (await this.social.isBlockedEitherWay(space.host_id, userId))
    )
      return 'blocked';
    return null;
  }

  private async whyNotWritten(space: SpaceState, userId: string): Promise<SkipReason> {
    const key = await this.storage.db
      .selectFrom('notification_keys')
      .select('key')
      .where('key', '=', `invite:${space.id}:${userId}`)
      .executeTakeFirst();
    return key ? 'already_invited' : 'notifications_off';
  }
}
