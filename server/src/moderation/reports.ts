import type { ReportReason } from '@salon/protocol';
import type { Storage } from '../db/database.js';
import type { ReportsTable } from '../db/schema.js';
import { AppError } from '../errors.js';
import type { Clock } from '../util/clock.js';
import { newId } from '../util/ids.js';

export { REPORT_REASONS, type ReportReason } from '@salon/protocol';

/** Reports of spaces and of people in them, queued for the platform's moderators. */
export class ReportService {
  constructor(
    private readonly storage: Storage,
    private readonly clock: Clock,
  ) {}

  async report(input: {
    reporterId: string;
    spaceId: string | null;
    targetUserId: string | null;
    /** A report about a clip names it (and its space). */
    clipId?: string | null;
    reason: ReportReason;
    details: string;
  }): Promise<ReportsTable> {
    if (input.targetUserId === input.reporterId) {
      throw AppError.invalid('cannot_report_self', 'You cannot report yourself.');
    }
    if (input.targetUserId) {
      const exists = await this.storage.db
        .selectFrom('users')
        .select('id')
        .where('id', '=', input.targetUserId)
        .executeTakeFirst();
      if (!exists) throw AppError.notFound('user');
    }
    const now = this.clock.now();
    const row: ReportsTable = {
      id: newId(now),
      reporter_id: input.reporterId,
      space_id: input.spaceId,
      target_user_id: input.targetUserId,
      clip_id: input.clipId ?? null,
      reason: input.reason,
      details: input.details.trim(),
      status: 'open',
      created_at: now,
      decided_by: null,
      decided_at: null,
    };
    await this.storage.db.insertInto('reports').values(row).execute();
    return row;
  }
}
