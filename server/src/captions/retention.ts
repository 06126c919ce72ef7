import type { Storage } from '../db/database.js';
import { isTranscriptPurgeable, type RetentionFacts } from '../moderation/retention.js';
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
    const facts = await retentionFacts(storage, space.space_id, Number(space.ended_at));
    if (!isTranscriptPurgeable(facts, now, space.replay === 'ready')) continue;
    await store.deleteSpace(space.space_id);
    purged.push(space.space_id);
  }
  return purged;
}

async function retentionFacts(
  storage: Storage,
  spaceId: string,
  endedAt: number,
): Promise<RetentionFacts> {
  const upheld = await storage.db
    .selectFrom('reports')
    .select('decided_at')
    .where('space_id', '=', spaceId)
    .where('status', '=', 'upheld')
    .execute();
  const pending = await storage.db
    .selectFrom('appeals')
    .innerJoin('reports', 'reports.id', 'appeals.report_id')
    .select('appeals.id')
    .where('reports.space_id', '=', spaceId)
    .where('appeals.status', '=', 'pending')
    .execute();
  return {
    endedAt,
    upheldAt: upheld.flatMap((r) => (r.decided_at === null ? [] : [Number(r.decided_at)])),
    pendingAppeals: pending.length,
  };
}
