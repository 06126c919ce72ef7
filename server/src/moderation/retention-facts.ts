import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { RetentionFacts } from './retention.js';

/**
 * What the retention rule (retention.ts) needs to know of an ended space:
 * when reports about it were upheld, and how many appeals are pending. Read
 * for the audio's moderation copy (moderation/service.ts) and the transcript
 * (captions/retention.ts) alike.
 */
export async function retentionFacts(
  db: Kysely<Database>,
  spaceId: string,
  endedAt: number,
): Promise<RetentionFacts> {
  // Alike other one-table reads by space (tickets/holders.ts) in shape only.
  const upheld = await db
    .selectFrom('reports')
    .select('decided_at')
    .where('space_id', '=', spaceId)
    .where('status', '=', 'upheld')
    .execute();
  const pending = await db
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
