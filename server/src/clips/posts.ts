import type { Viewer } from '../accounts/viewer.js';
import type { Storage } from '../db/database.js';
import type { PostsTable } from '../db/schema.js';
import { AppError } from '../errors.js';
import { type ClipDto, presentClips } from './presenter.js';
import type { ClipService } from './service.js';

/**
 * Posts that carry a clip (a clip card that plays inline). The post keeps the
 * clip's id for good; once the clip is deleted or has expired, `clip` is null
 * beside a `clip_id`, and the card says the clip is gone.
 */

/** The clip a poster may attach: one that exists, has not failed, and that they may hear. */
export async function clipForPost(
  services: { clips: Pick<ClipService, 'require' | 'mayHear'> },
  viewer: Viewer,
  clipId: string,
  device: string | null,
): Promise<string> {
  const clip = await services.clips.require(clipId);
  await services.clips.mayHear(viewer, clip, device);
  if (clip.state === 'failed') {
    throw AppError.conflict('clip_failed', 'This clip could not be cut; make it again.');
  }
  return clip.id;
}

/** The cards of the clips a page of posts names, by clip id (gone ones are absent). */
export async function clipsOfPosts(
  services: { storage: Storage; config: { publicUrl: string } },
  posts: readonly Pick<PostsTable, 'clip_id'>[],
): Promise<Map<string, ClipDto>> {
  const ids = [...new Set(posts.flatMap((p) => (p.clip_id ? [p.clip_id] : [])))];
  if (ids.length === 0) return new Map();
  const rows = await services.storage.db
    .selectFrom('clips')
    .selectAll()
    .where('id', 'in', ids)
    .where('deleted_at', 'is', null)
    .execute();
  const cards = await presentClips(services.storage, services.config.publicUrl, rows);
  return new Map(cards.map((c) => [c.id, c]));
}
