import type { ClipDto, SpaceStatus } from '@salon/protocol';
import type { Storage } from '../db/database.js';
import type { ClipsTable, UsersTable } from '../db/schema.js';
import { summary } from '../spaces/presenter.js';

const iso = (ms: number) => new Date(ms).toISOString();

/** The clip as the API shows it: the protocol's shape. */
export type { ClipDto };

/**
 * Clips as the API shows them, a page at a time: the spaces and people they
 * name are read in two queries per page, whatever its length.
 */
export async function presentClips(
  storage: Storage,
  publicUrl: string,
  clips: readonly ClipsTable[],
): Promise<ClipDto[]> {
  if (clips.length === 0) return [];
  const spaceIds = [...new Set(clips.map((c) => c.space_id))];
  const spaces = await storage.db
    .selectFrom('spaces')
    .select(['id', 'title', 'host_id', 'state'])
    .where('id', 'in', spaceIds)
    .execute();
  const spaceBy = new Map(spaces.map((s) => [s.id, s]));
  const userIds = [
    ...new Set([...clips.map((c) => c.creator_id), ...spaces.map((s) => s.host_id)]),
  ];
  const users = await storage.db
    .selectFrom('users')
    .selectAll()
    .where('id', 'in', userIds)
    .execute();
  const userBy = new Map<string, UsersTable>(users.map((u) => [u.id, u]));
  return clips.map((clip) => {
    const space = spaceBy.get(clip.space_id);
    const hostId = space?.host_id ?? '';
    return {
      id: clip.id,
      space_id: clip.space_id,
      space: {
        id: clip.space_id,
        title: space?.title ?? '',
        host: summary(userBy.get(hostId), hostId),
        // The spaces table holds one of SPACE_STATES (written by the space model only).
        state: (space?.state ?? 'ended') as SpaceStatus,
      },
      creator: summary(userBy.get(clip.creator_id), clip.creator_id),
      title: clip.title,
      duration_ms: Number(clip.duration_ms),
      source: clip.source,
      start_ms: clip.start_ms === null ? null : Number(clip.start_ms),
      state: clip.state,
      audio_url: clip.state === 'ready' ? `${publicUrl}/api/v1/clips/${clip.id}/audio` : null,
      url: `${publicUrl}/clips/${clip.id}`,
      created_at: iso(Number(clip.created_at)),
      expires_at: iso(Number(clip.expires_at)),
    };
  });
}
