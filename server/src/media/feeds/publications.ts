import { randomInt } from 'node:crypto';
import { AppError } from '../../errors.js';
import { VideoRoom } from '../janus/videoroom.js';
import type { Publication, SpaceFeeds } from './space.js';

/**
 * The stage members' feeds in a space's room: publishing (again),
 * unpublishing, and the server-side mute (VideoRoom `moderate`).
 */
export class Publications {
  constructor(
    private readonly o: {
      /** A feed went live or away: the watchers' subscriptions follow. */
      feedsChanged(space: SpaceFeeds): void;
    },
  ) {}

  /**
   * Publishes a stage member's feed; the caller has ended their previous one.
   * A muted member's feed is muted in Janus before the answer goes back, so
   * nothing is heard before the mute lands.
   */
  async publish(
    space: SpaceFeeds,
    offer: { userId: string; owner: number; sdp: string; mid: string; muted: boolean },
  ): Promise<string> {
    const { userId, owner, mid } = offer;
    space.muted.set(userId, offer.muted);
    const handle = await VideoRoom.attach(space.session);
    const publication: Publication = {
      userId,
      owner,
      id: feedId(),
      handle,
      mid,
      live: false,
      negotiated: false,
      moderated: false,
      moderation: Promise.resolve(),
    };
    space.publishers.set(userId, publication);
    space.ownIds.add(publication.id);
    handle.handle.on('webrtcup', () => {
      if (space.publishers.get(userId) !== publication) return;
      publication.live = true;
      this.o.feedsChanged(space);
    });
    // The PeerConnection went away (the client closed it, ICE failed, or a kick).
    handle.handle.on('hangup', () => {
      if (space.publishers.get(userId) !== publication) return;
      space.publishers.delete(userId);
      handle.close().catch(() => undefined);
      this.o.feedsChanged(space);
    });
    try {
      await handle.joinAsPublisher(space.room, { id: publication.id, display: userId });
      const answer = await handle.publish({ type: 'offer', sdp: offer.sdp, trickle: false });
      publication.negotiated = true;
      await this.moderate(space, publication);
      return answer.sdp;
    } catch (error) {
      if (space.publishers.get(userId) === publication) space.publishers.delete(userId);
      await handle.close().catch(() => undefined);
      throw error;
    }
  }

  /** Ends a stage member's feed at once (kicked from the room); returns whether there was one. */
  async unpublish(space: SpaceFeeds, userId: string): Promise<boolean> {
    const publication = space.publishers.get(userId);
    if (!publication) return false;
    space.publishers.delete(userId);
    if (publication.live) this.o.feedsChanged(space);
    await space.control.kick(space.room, publication.id, space.secret).catch(() => undefined);
    await publication.handle.close().catch(() => undefined);
    return true;
  }

  /** Server-side mute: Janus drops a muted member's packets, whatever their client sends. */
  async setMuted(space: SpaceFeeds, userId: string, muted: boolean): Promise<void> {
    space.muted.set(userId, muted);
    const publication = space.publishers.get(userId);
    // Before Janus has the offer there is no stream to moderate; publish applies the state then.
    if (publication?.negotiated) await this.moderate(space, publication);
  }

  /**
   * Brings Janus to the member's current mute state. One request at a time
   * per feed, each sending the latest state: Janus may run concurrent
   * requests in any order, so a mute and an unmute in quick succession must
   * not cross on the way.
   */
  private moderate(space: SpaceFeeds, p: Publication): Promise<void> {
    const step = p.moderation.then(async () => {
      const mute = space.muted.get(p.userId) ?? true;
      if (mute === p.moderated || space.publishers.get(p.userId) !== p) return;
      await space.control.moderate(space.room, p.id, p.mid, mute, space.secret);
      p.moderated = mute;
    });
    p.moderation = step.catch(() => undefined);
    return step;
  }
}

/**
 * A feed is one Opus microphone: exactly one m-line, audio, with a mid.
 * Returns the mid; anything else (video, data, several tracks) is refused.
 */
export function singleAudioMid(sdp: string): string {
  const sections = sdp.split(/\r?\n(?=m=)/).slice(1);
  const [section] = sections;
  const mid = section && /^a=mid:(\S+)/m.exec(section)?.[1];
  if (sections.length !== 1 || !section?.startsWith('m=audio ') || !mid) {
    throw AppError.invalid(
      'invalid_sdp',
      'A feed is one microphone: the offer must have exactly one audio m-line (with a mid) and nothing else.',
    );
  }
  return mid;
}

/**
 * A publication's feed id: random, since the Salon nodes sharing a room
 * (media/homes.ts) pick theirs without asking each other. 47 bits, exact as
 * a JSON number; two alike in one room is a chance in about 10^14.
 */
function feedId(): number {
  return randomInt(1, 2 ** 47);
}
