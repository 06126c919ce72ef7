import { sql } from 'kysely';
import type { Storage } from '../db/database.js';
import type { AppealsTable, ModerationLogTable, ReportsTable, UsersTable } from '../db/schema.js';
import { appealDeadline } from './retention.js';

export interface PersonSummary {
  id: string;
  handle: string;
  display_name: string;
  avatar_url: string | null;
  suspended: boolean;
}

export interface SpaceSummary {
  id: string;
  title: string;
  state: string;
  host: PersonSummary | null;
  ended_at: number | null;
}

export interface ClipSummary {
  id: string;
  title: string;
  creator: PersonSummary | null;
  duration_ms: number;
  state: string;
  created_at: number;
}

export interface ReportView extends ReportsTable {
  reporter: PersonSummary | null;
  /** The person the report is about: the one named, else the space's host. */
  subject: PersonSummary | null;
  space: SpaceSummary | null;
  /** The audio kept for review, while it is kept. */
  archive: { created_at: number } | null;
  /** The clip reported (null when the report is not about one, or the clip is gone since). */
  clip: ClipSummary | null;
  /**
   * The space's transcript (live captions), kept with the audio for review:
   * its first lines and how many there are (the whole of it at
   * /api/v1/spaces/:id/transcript). Null without a space or any line.
   */
  transcript: TranscriptSummary | null;
  /** The moderator's reason, once decided. */
  decision_note: string;
  appeal: AppealsTable | null;
}

/** Lines a report shows of its space's transcript; the rest is a request away. */
export const REPORT_TRANSCRIPT_LINES = 100;

export interface TranscriptSummary {
  line_count: number;
  lines: Array<{ speaker_id: string; text: string; start_ms: number; end_ms: number }>;
}

export interface LogView extends ModerationLogTable {
  actor: PersonSummary | null;
  /** The person the entry is about, when there is one. */
  person: PersonSummary | null;
}

/**
 * What the console shows: reports, appeals and log entries with the people,
 * spaces and archives they name, read in a few batch queries per page (never
 * one query per row per field).
 */
export class ModerationViews {
  constructor(private readonly storage: Storage) {}

  private get db() {
    return this.storage.db;
  }

  private async people(ids: Iterable<string | null>): Promise<Map<string, PersonSummary>> {
    const wanted = [...new Set([...ids].filter((id): id is string => id !== null))];
    if (wanted.length === 0) return new Map();
    const rows = await this.db.selectFrom('users').selectAll().where('id', 'in', wanted).execute();
    return new Map(rows.map((u) => [u.id, summary(u)]));
  }

  async reports(rows: readonly ReportsTable[]): Promise<ReportView[]> {
    if (rows.length === 0) return [];
    const spaceIds = [...new Set(rows.flatMap((r) => (r.space_id ? [r.space_id] : [])))];
    const spaces = spaceIds.length
      ? await this.db
          .selectFrom('spaces')
          .select(['id', 'title', 'state', 'host_id', 'ended_at'])
          .where('id', 'in', spaceIds)
          .execute()
      : [];
    const archives = spaceIds.length
      ? await this.db
          .selectFrom('audio_archives')
          .select(['space_id', 'created_at'])
          .where('space_id', 'in', spaceIds)
          .execute()
      : [];
    const ids = rows.map((r) => r.id);
    const notes = await this.db
      .selectFrom('moderation_log')
      .select(['subject_id', 'note'])
      .where('subject_type', '=', 'report')
      .where('action', 'in', ['report_upheld', 'report_dismissed'])
      .where('subject_id', 'in', ids)
      .execute();
    const appeals = await this.db
      .selectFrom('appeals')
      .selectAll()
      .where('report_id', 'in', ids)
      .execute();
    const clipIds = [...new Set(rows.flatMap((r) => (r.clip_id ? [r.clip_id] : [])))];
    const clips = clipIds.length
      ? await this.db
          .selectFrom('clips')
          .select(['id', 'title', 'creator_id', 'duration_ms', 'state', 'created_at'])
          .where('id', 'in', clipIds)
          .where('deleted_at', 'is', null)
          .execute()
      : [];
    const transcripts = await this.transcripts(spaceIds);
    const spaceById = new Map(spaces.map((s) => [s.id, s]));
    const people = await this.people([
      ...rows.flatMap((r) => [r.reporter_id, r.target_user_id]),
      ...spaces.map((s) => s.host_id),
      ...clips.map((c) => c.creator_id),
    ]);
    const clipBy = new Map(clips.map((c) => [c.id, c]));
    const archiveBy = new Map(archives.map((a) => [a.space_id, Number(a.created_at)]));
    const noteBy = new Map(notes.map((n) => [n.subject_id, n.note]));
    const appealBy = new Map(appeals.map((a) => [a.report_id, a]));
    return rows.map((r) => {
      const space = r.space_id ? spaceById.get(r.space_id) : undefined;
      const subjectId = r.target_user_id ?? space?.host_id ?? null;
      return {
        ...r,
        reporter: people.get(r.reporter_id) ?? null,
        subject: subjectId ? (people.get(subjectId) ?? null) : null,
        space: space
          ? {
              id: space.id,
              title: space.title,
              state: space.state,
              host: people.get(space.host_id) ?? null,
              ended_at: space.ended_at === null ? null : Number(space.ended_at),
            }
          : null,
        archive:
          r.space_id && archiveBy.has(r.space_id)
            ? { created_at: archiveBy.get(r.space_id)! }
            : null,
        clip: clipSummary(r.clip_id ? clipBy.get(r.clip_id) : undefined, people),
        transcript: (r.space_id && transcripts.get(r.space_id)) || null,
        decision_note: noteBy.get(r.id) ?? '',
        appeal: appealBy.get(r.id) ?? null,
      };
    });
  }

  /** The first lines of each space's transcript and their count, in two queries for the page. */
  private async transcripts(spaceIds: string[]): Promise<Map<string, TranscriptSummary>> {
    const out = new Map<string, TranscriptSummary>();
    if (spaceIds.length === 0) return out;
    const counts = await this.db
      .selectFrom('transcript_lines')
      .select(['space_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('space_id', 'in', spaceIds)
      .groupBy('space_id')
      .execute();
    for (const c of counts) out.set(c.space_id, { line_count: Number(c.n), lines: [] });
    if (out.size === 0) return out;
    const rows = await this.db
      .selectFrom((eb) =>
        eb
          .selectFrom('transcript_lines')
          .select([
            'space_id',
            'speaker_id',
            'text',
            'start_ms',
            'end_ms',
            sql<number>`row_number() over (partition by space_id order by start_ms, id)`.as('n'),
          ])
          .where('space_id', 'in', [...out.keys()])
          .as('t'),
      )
      .selectAll()
      .where('n', '<=', REPORT_TRANSCRIPT_LINES)
      .orderBy('space_id')
      .orderBy('n')
      .execute();
    for (const row of rows)
      out.get(row.space_id)?.lines.push({
        speaker_id: row.speaker_id,
        text: row.text,
        start_ms: Number(row.start_ms),
        end_ms: Number(row.end_ms),
      });
    return out;
  }

  async report(id: string): Promise<ReportView | null> {
    const row = await this.db
      .selectFrom('reports')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? ((await this.reports([row]))[0] ?? null) : null;
  }

  async appeals(rows: readonly AppealsTable[]) {
    if (rows.length === 0) return [];
    const reports = await this.db
      .selectFrom('reports')
      .selectAll()
      .where(
        'id',
        'in',
        rows.map((a) => a.report_id),
      )
      .execute();
    const views = new Map((await this.reports(reports)).map((r) => [r.id, r]));
    const people = await this.people(rows.map((a) => a.user_id));
    const notes = await this.db
      .selectFrom('moderation_log')
      .select(['subject_id', 'note'])
      .where('subject_type', '=', 'appeal')
      .where(
        'subject_id',
        'in',
        rows.map((a) => a.id),
      )
      .execute();
    const noteBy = new Map(notes.map((n) => [n.subject_id, n.note]));
    return rows.map((a) => ({
      ...a,
      person: people.get(a.user_id) ?? null,
      report: views.get(a.report_id) ?? null,
      decision_note: noteBy.get(a.id) ?? '',
    }));
  }

  async log(rows: readonly ModerationLogTable[]): Promise<LogView[]> {
    const reportIds = rows.filter((r) => r.subject_type === 'report').map((r) => r.subject_id);
    const appealIds = rows.filter((r) => r.subject_type === 'appeal').map((r) => r.subject_id);
    const requestIds = rows
      .filter((r) => r.subject_type === 'hosting_request')
      .map((r) => r.subject_id);
    const reports = reportIds.length
      ? await this.reports(
          await this.db.selectFrom('reports').selectAll().where('id', 'in', reportIds).execute(),
        )
      : [];
    const appeals = appealIds.length
      ? await this.db
          .selectFrom('appeals')
          .select(['id', 'user_id'])
          .where('id', 'in', appealIds)
          .execute()
      : [];
    const requests = requestIds.length
      ? await this.db
          .selectFrom('hosting_requests')
          .select(['id', 'user_id'])
          .where('id', 'in', requestIds)
          .execute()
      : [];
    const spaceIds = rows.filter((r) => r.subject_type === 'space').map((r) => r.subject_id);
    const hosts = spaceIds.length
      ? await this.db
          .selectFrom('spaces')
          .select(['id', 'host_id'])
          .where('id', 'in', spaceIds)
          .execute()
      : [];
    const subjectOf = new Map<string, string | null>();
    for (const h of hosts) subjectOf.set(`space:${h.id}`, h.host_id);
    for (const r of reports) subjectOf.set(`report:${r.id}`, r.subject?.id ?? null);
    for (const a of appeals) subjectOf.set(`appeal:${a.id}`, a.user_id);
    for (const h of requests) subjectOf.set(`hosting_request:${h.id}`, h.user_id);
    const personOf = (r: ModerationLogTable) =>
      r.subject_type === 'user'
        ? r.subject_id
        : (subjectOf.get(`${r.subject_type}:${r.subject_id}`) ?? null);
    const people = await this.people([...rows.map((r) => r.actor_id), ...rows.map(personOf)]);
    return rows.map((r) => {
      const person = personOf(r);
      return {
        ...r,
        actor: r.actor_id ? (people.get(r.actor_id) ?? null) : null,
        person: person ? (people.get(person) ?? null) : null,
      };
    });
  }

  /**
   * Decisions about a person they may read and appeal: reports upheld about
   * them (named, or as the host of the space), and those they appealed.
   */
  async about(user: UsersTable): Promise<Array<ReportView & { appeal_until: number }>> {
    const rows = await this.db
      .selectFrom('reports')
      .selectAll('reports')
      .where('reports.decided_at', 'is not', null)
      .where((eb) =>
        eb.or([
          eb('reports.target_user_id', '=', user.id),
          eb.and([
            eb('reports.target_user_id', 'is', null),
            eb(
              'reports.space_id',
              'in',
              eb.selectFrom('spaces').select('spaces.id').where('spaces.host_id', '=', user.id),
            ),
          ]),
        ]),
      )
      .where((eb) =>
        eb.or([
          eb('reports.status', '=', 'upheld'),
          eb.exists(
            eb
              .selectFrom('appeals')
              .select('appeals.id')
              .whereRef('appeals.report_id', '=', 'reports.id'),
          ),
        ]),
      )
      .orderBy('reports.id', 'desc')
      .limit(50)
      .execute();
    const views = await this.reports(rows);
    // The reporter's identity is not the reported person's business.
    return views.map((v) => ({
      ...v,
      reporter: null,
      reporter_id: '',
      appeal_until: appealDeadline(v.decided_at ?? 0),
    }));
  }
}

function clipSummary(
  clip:
    | {
        id: string;
        title: string;
        creator_id: string;
        duration_ms: number;
        state: string;
        created_at: number;
      }
    | undefined,
  people: Map<string, PersonSummary>,
): ClipSummary | null {
  if (!clip) return null;
  return {
    id: clip.id,
    title: clip.title,
    creator: people.get(clip.creator_id) ?? null,
    duration_ms: Number(clip.duration_ms),
    state: clip.state,
    created_at: Number(clip.created_at),
  };
}

function summary(u: UsersTable): PersonSummary {
  return {
    id: u.id,
    handle: u.handle,
    display_name: u.display_name,
    avatar_url: u.avatar_key ? `/media/avatars/${u.avatar_key}` : null,
    suspended: u.suspended_at !== null,
  };
}
