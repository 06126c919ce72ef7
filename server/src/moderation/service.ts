import { rm } from 'node:fs/promises';
import type { Viewer } from '../accounts/viewer.js';
import { requireReason, suspensionRefusal } from '../admin/rules.js';
import type { Bus } from '../bus/bus.js';
import { publishToUser } from '../bus/user-channel.js';
import type { Storage } from '../db/database.js';
import type { AppealsTable, ModerationLogTable, ReportsTable, UsersTable } from '../db/schema.js';
import { AppError, isAppError } from '../errors.js';
import type { NotificationCenter } from '../notifications/center.js';
import { cancelSpace, endSpace, leaveStage } from '../spaces/model.js';
import { parseSpaceRow } from '../spaces/repository.js';
import type { SpaceService } from '../spaces/service.js';
import type { Clock } from '../util/clock.js';
import { newId } from '../util/ids.js';
import { appealDeadline, isPurgeable } from './retention.js';
import { retentionFacts } from './retention-facts.js';

/**
 * The moderators' side: the report queue, decisions, appeals, suspensions,
 * the audio kept for review, and its purge. Every decision is logged with who
 * and when. Moderators are the platform's admins.
 */
export class ModerationService {
  constructor(
    private readonly storage: Storage,
    private readonly clock: Clock,
    private readonly spaces: SpaceService,
    /** Carries account events to every node holding the person's connections. */
    private readonly bus: Bus | null = null,
    /** Tells the person concerned of a decision (in the app, and as push if they want it). */
    private readonly notifications: NotificationCenter | null = null,
  ) {}

  private async tell(
    key: string,
    userId: string | null,
    kind: 'report_upheld' | 'appeal_granted' | 'appeal_denied',
    spaceId: string | null,
  ) {
    if (!userId || !this.notifications) return;
    await this.notifications.deliver([{ key, input: { userId, kind, spaceId } }]);
  }

  /** Whom a report is about: the person named, else the host of the space. */
  private async subjectOf(report: ReportsTable): Promise<string | null> {
    if (report.target_user_id) return report.target_user_id;
    if (!report.space_id) return null;
    const space = await this.db
      .selectFrom('spaces')
      .select('host_id')
      .where('id', '=', report.space_id)
      .executeTakeFirst();
    return space?.host_id ?? null;
  }

  /** The facts the suspension rule needs about a person. */
  private async person(userId: string) {
    const user = await this.db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', userId)
      .executeTakeFirst();
    if (!user) throw AppError.notFound('user');
    const owner = await this.db
      .selectFrom('server_settings')
      .select('value')
      .where('key', '=', 'first_admin')
      .executeTakeFirst();
    return { id: user.id, role: user.role, owner: owner?.value === user.id };
  }

  private get db() {
    return this.storage.db;
  }

  /**
   * Stores a suspension (since `at`) or its lifting (null), and tells every
   * node holding the person's connections (an account event on the bus).
   */
  private async setSuspended(userId: string, at: number | null): Promise<void> {
    const result = await this.db
      .updateTable('users')
      .set({ suspended_at: at })
      .where('id', '=', userId)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) throw AppError.notFound('user');
    if (this.bus)
      publishToUser(this.bus, userId, {
        kind: 'account_changed',
        user_id: userId,
        suspended: at !== null,
      });
  }

  private async log(entry: Omit<ModerationLogTable, 'id' | 'created_at'>, now: number) {
    await this.db
      .insertInto('moderation_log')
      .values({ ...entry, id: newId(now), created_at: now })
      .execute();
  }

  reports(status: ReportsTable['status'], limit: number) {
    return this.db
      .selectFrom('reports')
      .selectAll()
      .where('status', '=', status)
      .orderBy('id', 'asc')
      .limit(limit)
      .execute();
  }

  async decideReport(
    moderator: UsersTable,
    reportId: string,
    action: 'uphold' | 'dismiss',
    note: string,
  ) {
    const reason = requireReason(note);
    const now = this.clock.now();
    const status = action === 'uphold' ? 'upheld' : 'dismissed';
    const result = await this.db
      .updateTable('reports')
      .set({ status, decided_by: moderator.id, decided_at: now })
      .where('id', '=', reportId)
      .where('status', '=', 'open')
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) {
      const exists = await this.db
        .selectFrom('reports')
        .select('status')
        .where('id', '=', reportId)
        .executeTakeFirst();
      if (!exists) throw AppError.notFound('report');
      throw AppError.conflict(
        'report_already_decided',
        `This report was already ${exists.status}.`,
      );
    }
    await this.log(
      {
        actor_id: moderator.id,
        action: `report_${status}`,
        subject_type: 'report',
        subject_id: reportId,
        note: reason,
      },
      now,
    );
    const report = await this.report(reportId);
    if (status === 'upheld')
      await this.tell(
        `report_upheld:${reportId}`,
        await this.subjectOf(report),
        'report_upheld',
        report.space_id,
      );
    return report;
  }

  async report(reportId: string): Promise<ReportsTable> {
    const row = await this.db
      .selectFrom('reports')
      .selectAll()
      .where('id', '=', reportId)
      .executeTakeFirst();
    if (!row) throw AppError.notFound('report');
    return row;
  }

  /** The person a decision is about may appeal it, once, within 90 days. */
  async appeal(user: UsersTable, reportId: string, text: string): Promise<AppealsTable> {
    const report = await this.report(reportId);
    const space = report.space_id ? await this.spaces.get(report.space_id).catch(() => null) : null;
    const subject = report.target_user_id ?? space?.host_id ?? null;
    if (subject !== user.id)
      throw AppError.forbidden(
        'not_your_decision',
        'Only the person a decision is about can appeal it.',
      );
    if (report.status !== 'upheld' || report.decided_at === null) {
      throw AppError.conflict('nothing_to_appeal', 'Only upheld reports can be appealed.');
    }
    const now = this.clock.now();
    if (now > appealDeadline(report.decided_at)) {
      throw AppError.conflict(
        'appeal_window_closed',
        'The 90 days to appeal this decision are over.',
      );
    }
    const appeal: AppealsTable = {
      id: newId(now),
      report_id: reportId,
      user_id: user.id,
      text: text.trim(),
      status: 'pending',
      created_at: now,
      decided_by: null,
      decided_at: null,
    };
    try {
      await this.db.insertInto('appeals').values(appeal).execute();
    } catch {
      throw AppError.conflict('already_appealed', 'This decision has already been appealed.');
    }
    await this.log(
      {
        actor_id: user.id,
        action: 'appeal_filed',
        subject_type: 'report',
        subject_id: reportId,
        note: '',
      },
      now,
    );
    return appeal;
  }

  appeals(status: AppealsTable['status'], limit: number) {
    return this.db
      .selectFrom('appeals')
      .selectAll()
      .where('status', '=', status)
      .orderBy('id', 'asc')
      .limit(limit)
      .execute();
  }

  /** A granted appeal overturns the decision: the report counts as dismissed from then on. */
  async decideAppeal(
    moderator: UsersTable,
    appealId: string,
    action: 'grant' | 'deny',
    note: string,
  ) {
    const reason = requireReason(note);
    const now = this.clock.now();
    const status: AppealsTable['status'] = action === 'grant' ? 'granted' : 'denied';
    const appeal = await this.db
      .selectFrom('appeals')
      .selectAll()
      .where('id', '=', appealId)
      .executeTakeFirst();
    if (!appeal) throw AppError.notFound('appeal');
    if (appeal.status !== 'pending')
      throw AppError.conflict(
        'appeal_already_decided',
        `This appeal was already ${appeal.status}.`,
      );
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('appeals')
        .set({ status, decided_by: moderator.id, decided_at: now })
        .where('id', '=', appealId)
        .execute();
      if (status === 'granted') {
        await trx
          .updateTable('reports')
          .set({ status: 'dismissed' })
          .where('id', '=', appeal.report_id)
          .execute();
      }
    });
    await this.log(
      {
        actor_id: moderator.id,
        action: `appeal_${status}`,
        subject_type: 'appeal',
        subject_id: appealId,
        note: reason,
      },
      now,
    );
    const report = await this.report(appeal.report_id);
    await this.tell(
      `appeal_decided:${appealId}`,
      appeal.user_id,
      status === 'granted' ? 'appeal_granted' : 'appeal_denied',
      report.space_id,
    );
    return { ...appeal, status, decided_by: moderator.id, decided_at: now };
  }

  /**
   * Ends a live space (or cancels a scheduled one) for a violation, with the
   * reason logged; the host is told through the space's own end. The policy
   * lets admins and moderators do it even if the host blocked or removed them.
   */
  async endForViolation(
    moderator: Viewer & { kind: 'user' },
    spaceId: string,
    note: string,
  ): Promise<void> {
    const reason = requireReason(note);
    const space = await this.spaces.get(spaceId);
    if (space.state === 'scheduled') await this.spaces.run(moderator, spaceId, cancelSpace, {});
    else await this.spaces.run(moderator, spaceId, endSpace, {});
    await this.log(
      {
        actor_id: moderator.user.id,
        action: 'space_ended',
        subject_type: 'space',
        subject_id: spaceId,
        note: reason,
      },
      this.clock.now(),
    );
  }

  /**
   * Suspends an account: its sessions stop working, its open connections are
   * closed on every node (an account event on the bus), it leaves every stage
   * it is on (one command per space, committed here once), and its live
   * spaces end.
   */
  async suspend(moderator: Viewer & { kind: 'user' }, userId: string, note: string): Promise<void> {
    const refusal = suspensionRefusal(
      { id: moderator.user.id, role: moderator.user.role, owner: false },
      userId === moderator.user.id
        ? { id: userId, role: moderator.user.role, owner: false }
        : await this.person(userId),
    );
    if (refusal) throw refusal;
    const reason = requireReason(note);
    const now = this.clock.now();
    await this.setSuspended(userId, now);
    const live = await this.db
      .selectFrom('spaces')
      .select(['id', 'host_id', 'data'])
      .where('state', '=', 'live')
      .execute();
    for (const row of live) {
      if (row.host_id === userId) {
        await this.spaces.run(moderator, row.id, endSpace, {});
        continue;
      }
      const onStage = parseSpaceRow(row).stage.some((m) => m.user_id === userId);
      const user = onStage
        ? await this.db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirst()
        : undefined;
      // As if they had tapped Leave: the seat is free at once, and media follows the commit.
      // A space that refuses (ended meanwhile) has nothing left to take back.
      if (user)
        await this.spaces
          .run({ kind: 'user', user, sessionId: '' }, row.id, leaveStage, {})
          .catch((error: unknown) => {
            if (!isAppError(error)) throw error;
          });
    }
    await this.log(
      {
        actor_id: moderator.user.id,
        action: 'user_suspended',
        subject_type: 'user',
        subject_id: userId,
        note: reason,
      },
      now,
    );
  }

  async unsuspend(moderator: UsersTable, userId: string, note: string): Promise<void> {
    const now = this.clock.now();
    await this.setSuspended(userId, null);
    await this.log(
      {
        actor_id: moderator.id,
        action: 'user_unsuspended',
        subject_type: 'user',
        subject_id: userId,
        note,
      },
      now,
    );
  }

  decisions(limit: number) {
    return this.db
      .selectFrom('moderation_log')
      .selectAll()
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
  }

  // ---- the audio kept for review -----------------------------------------------

  /** Called when a space's audio is complete on disk (the packager's folder). */
  async registerArchive(spaceId: string, dir: string): Promise<void> {
    await this.db
      .insertInto('audio_archives')
      .values({ space_id: spaceId, dir, created_at: this.clock.now() })
      .onConflict((oc) => oc.column('space_id').doUpdateSet({ dir }))
      .execute();
  }

  async archive(spaceId: string) {
    const row = await this.db
      .selectFrom('audio_archives')
      .selectAll()
      .where('space_id', '=', spaceId)
      .executeTakeFirst();
    if (!row) throw AppError.notFound('archive');
    return row;
  }

  /** Deletes, files and rows, every archive whose retention has run out. Returns the purged space ids. */
  async purgeExpired(): Promise<string[]> {
    const now = this.clock.now();
    const archives = await this.db
      .selectFrom('audio_archives')
      .innerJoin('spaces', 'spaces.id', 'audio_archives.space_id')
      .select(['audio_archives.space_id', 'audio_archives.dir', 'spaces.ended_at'])
      .execute();
    const purged: string[] = [];
    for (const archive of archives) {
      if (archive.ended_at === null) continue; // still live: nothing to decide yet
      const facts = await retentionFacts(this.db, archive.space_id, archive.ended_at);
      if (!isPurgeable(facts, now)) continue;
      await rm(archive.dir, { recursive: true, force: true });
      await this.db.deleteFrom('audio_archives').where('space_id', '=', archive.space_id).execute();
      await this.log(
        {
          actor_id: null,
          action: 'archive_purged',
          subject_type: 'archive',
          subject_id: archive.space_id,
          note: archive.dir,
        },
        now,
      );
      purged.push(archive.space_id);
    }
    return purged;
  }
}
