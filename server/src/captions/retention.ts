import type { Storage } from '../db/database.js';
import { isTranscriptPurgeable } from '../moderation/retention.js';
import { retentionFacts } from '../moderation/retention-facts.js';
import type { Clock } from '../util/clock.js';
import type { TranscriptStore } from './store.js';

/**
 * Purges the transcripts whose time is up (moderation/retention.ts): the
 * same facts as the audio's moderation copy (the end, upheld reports,
 * pending appeals), so both go in the same pass of the hourly purge, and
 * never a transcript whose replay the host kept. Returns the space ids.
 */
export async function purgeExpiredTranscripts(
  storage: Storage,
  store: TranscriptStore,
  clock: Clock,
): Promise<string[]> {
  const db = storage.db;
  const now = clock.now();
  const spaces = await db
    .selectFrom('transcript_lines')
    .innerJoin('spaces', 'spaces.id', 'transcript_lines.space_id')
    .leftJoin('space_recordings', 'space_recordings.space_id', 'transcript_lines.space_id')
    .select(['transcript_lines.space_id', 'spaces.ended_at', 'space_recordings.replay'])
    .where('spaces.ended_at', 'is not', null)
    .groupBy(['transcript_lines.space_id', 'spaces.ended_at', 'space_recordings.replay'])
    .execute();
  const purged: string[] = [];
  for (const space of spaces) {
    if (space.ended_at === null) continue;
    const facts = await retentionFacts(db, space.space_id, Number(space.ended_at));
    if (!isTranscriptPurgeable(facts, now, space.replay === 'ready')) continue;
    await store.deleteSpace(space.space_id);
    purged.push(space.space_id);
  }
  return purged;
}
