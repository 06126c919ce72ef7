import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { Id } from '../accounts/schemas.js';
import { requireModerator, requireUser } from '../http/viewer.js';
import type { Services } from '../services.js';
import { type LogView, ModerationViews, type ReportView } from './views.js';

const tags = ['moderation'];
const IdParams = Type.Object({ id: Id }, { additionalProperties: false });
const SpaceParams = Type.Object({ space_id: Id }, { additionalProperties: false });
const Note = Type.Optional(Type.String({ maxLength: 2000 }));
const Limit = Type.Object(
  { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })) },
  { additionalProperties: false },
);
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const IsoOrNull = Type.Union([Type.String({ format: 'date-time' }), Type.Null()]);

const Person = Type.Object({
  id: Type.String(),
  handle: Type.String(),
  display_name: Type.String(),
  avatar_url: Type.Union([Type.String(), Type.Null()]),
  suspended: Type.Boolean(),
});
const PersonOrNull = Type.Union([Person, Type.Null()]);
const ReportBase = Type.Object({
  id: Type.String(),
  reporter_id: Type.String(),
  space_id: Type.Union([Type.String(), Type.Null()]),
  target_user_id: Type.Union([Type.String(), Type.Null()]),
  clip_id: Type.Union([Type.String(), Type.Null()]),
  reason: Type.String(),
  details: Type.String(),
  status: Type.String(),
  created_at: Type.String({ format: 'date-time' }),
  decided_by: Type.Union([Type.String(), Type.Null()]),
  decided_at: IsoOrNull,
});
const AppealDto = Type.Object({
  id: Type.String(),
  report_id: Type.String(),
  user_id: Type.String(),
  text: Type.String(),
  status: Type.String(),
  created_at: Type.String({ format: 'date-time' }),
  decided_by: Type.Union([Type.String(), Type.Null()]),
  decided_at: IsoOrNull,
});
const ReportDto = Type.Composite([
  ReportBase,
  Type.Object({
    reporter: PersonOrNull,
    subject: PersonOrNull,
    space: Type.Union([
      Type.Object({
        id: Type.String(),
        title: Type.String(),
        state: Type.String(),
        host: PersonOrNull,
        ended_at: IsoOrNull,
      }),
      Type.Null(),
    ]),
    archive: Type.Union([
      Type.Object({ created_at: Type.String({ format: 'date-time' }) }),
      Type.Null(),
    ]),
    /** The clip reported: the moderator plays it at /api/v1/clips/:id/audio while it exists. */
    clip: Type.Union([
      Type.Object({
        id: Type.String(),
        title: Type.String(),
        creator: PersonOrNull,
        duration_ms: Type.Integer(),
        state: Type.String(),
        created_at: Type.String({ format: 'date-time' }),
      }),
      Type.Null(),
    ]),
    /** The space's captions transcript kept for review: its first lines (live time) and their count. */
    transcript: Type.Union([
      Type.Object({
        line_count: Type.Integer(),
        lines: Type.Array(
          Type.Object({
            speaker_id: Type.String(),
            text: Type.String(),
            start_ms: Type.Integer(),
            end_ms: Type.Integer(),
          }),
        ),
      }),
      Type.Null(),
    ]),
    decision_note: Type.String(),
    appeal: Type.Union([AppealDto, Type.Null()]),
  }),
]);
const AppealView = Type.Composite([
  AppealDto,
  Type.Object({
    person: PersonOrNull,
    report: Type.Union([ReportDto, Type.Null()]),
    decision_note: Type.String(),
  }),
]);
const MyDecision = Type.Composite([
  ReportDto,
  Type.Object({ appeal_until: Type.String({ format: 'date-time' }) }),
]);

type Row = { created_at: number; decided_at: number | null };
const present = <T extends Row>(row: T) => ({
  ...row,
  created_at: iso(row.created_at)!,
  decided_at: iso(row.decided_at),
});

const presentReport = (r: ReportView) => ({
  ...present(r),
  space: r.space ? { ...r.space, ended_at: iso(r.space.ended_at) } : null,
  archive: r.archive ? { created_at: iso(r.archive.created_at)! } : null,
  clip_id: r.clip_id ?? null,
  clip: r.clip ? { ...r.clip, created_at: iso(r.clip.created_at)! } : null,
  appeal: r.appeal ? present(r.appeal) : null,
});
const presentLog = (r: LogView) => ({ ...r, created_at: iso(r.created_at)! });

export function moderationRoutes(
  services: Pick<Services, 'moderation' | 'storage'>,
): FastifyPluginAsyncTypebox {
  const { moderation } = services;
  const views = new ModerationViews(services.storage);
  return async (app) => {
    app.get(
      '/moderation/reports',
      {
        schema: {
          tags,
          summary: 'The report queue (moderators)',
          querystring: Type.Object(
            {
              status: Type.Optional(
                Type.Union([
                  Type.Literal('open'),
                  Type.Literal('upheld'),
                  Type.Literal('dismissed'),
                ]),
              ),
              limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
            },
            { additionalProperties: false },
          ),
          response: { 200: Type.Object({ data: Type.Array(ReportDto) }) },
        },
      },
      async (request) => {
        requireModerator(request);
        const rows = await moderation.reports(
          request.query.status ?? 'open',
          request.query.limit ?? 50,
        );
        return { data: (await views.reports(rows)).map(presentReport) };
      },
    );
    app.post(
      '/moderation/reports/:id/decision',
      {
        schema: {
          tags,
          summary:
            'Uphold or dismiss a report with a reason the person concerned reads (moderators); upholding keeps the audio 90 more days',
          params: IdParams,
          body: Type.Object(
            { action: Type.Union([Type.Literal('uphold'), Type.Literal('dismiss')]), note: Note },
            { additionalProperties: false },
          ),
          response: { 200: ReportDto },
        },
      },
      async (request) => {
        const moderator = requireModerator(request);
        const decided = await moderation.decideReport(
          moderator,
          request.params.id,
          request.body.action,
          request.body.note ?? '',
        );
        return presentReport((await views.report(decided.id))!);
      },
    );
    app.post(
      '/moderation/reports/:id/appeal',
      {
        schema: {
          tags,
          summary: 'Appeal an upheld decision about you (within 90 days)',
          params: IdParams,
          body: Type.Object(
            { text: Type.String({ minLength: 1, maxLength: 2000 }) },
            { additionalProperties: false },
          ),
          response: { 201: AppealDto },
        },
      },
      async (request, reply) => {
        const user = requireUser(request);
        return reply
          .status(201)
          .send(present(await moderation.appeal(user, request.params.id, request.body.text)));
      },
    );
    app.get(
      '/moderation/appeals',
      {
        schema: {
          tags,
          summary: 'Appeals (moderators)',
          querystring: Type.Object(
            {
              status: Type.Optional(
                Type.Union([
                  Type.Literal('pending'),
                  Type.Literal('granted'),
                  Type.Literal('denied'),
                ]),
              ),
              limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
            },
            { additionalProperties: false },
          ),
          response: { 200: Type.Object({ data: Type.Array(AppealView) }) },
        },
      },
      async (request) => {
        requireModerator(request);
        const rows = await moderation.appeals(
          request.query.status ?? 'pending',
          request.query.limit ?? 50,
        );
        return {
          data: (await views.appeals(rows)).map((a) => ({
            ...present(a),
            report: a.report ? presentReport(a.report) : null,
          })),
        };
      },
    );
    app.post(
      '/moderation/appeals/:id/decision',
      {
        schema: {
          tags,
          summary: 'Grant (overturn the decision) or deny an appeal (moderators)',
          params: IdParams,
          body: Type.Object(
            { action: Type.Union([Type.Literal('grant'), Type.Literal('deny')]), note: Note },
            { additionalProperties: false },
          ),
          response: { 200: AppealDto },
        },
      },
      async (request) => {
        const moderator = requireModerator(request);
        return present(
          await moderation.decideAppeal(
            moderator,
            request.params.id,
            request.body.action,
            request.body.note ?? '',
          ),
        );
      },
    );
    app.post(
      '/moderation/spaces/:space_id/end',
      {
        schema: {
          tags,
          summary:
            'End a live space (or cancel a scheduled one) for a violation, with the reason logged (moderators)',
          params: SpaceParams,
          body: Type.Object({ note: Note }, { additionalProperties: false }),
          response: { 200: Type.Object({ ok: Type.Boolean() }) },
        },
      },
      async (request) => {
        requireModerator(request);
        await moderation.endForViolation(
          request.viewer as never,
          request.params.space_id,
          request.body.note ?? '',
        );
        return { ok: true };
      },
    );
    app.post(
      '/moderation/users/:id/suspension',
      {
        schema: {
          tags,
          summary:
            'Suspend an account (moderators): its sessions stop working, its live spaces end',
          params: IdParams,
          body: Type.Object({ note: Note }, { additionalProperties: false }),
          response: { 200: Type.Object({ ok: Type.Boolean() }) },
        },
      },
      async (request) => {
        requireModerator(request);
        await moderation.suspend(
          request.viewer as never,
          request.params.id,
          request.body.note ?? '',
        );
        return { ok: true };
      },
    );
    app.delete(
      '/moderation/users/:id/suspension',
      {
        schema: {
          tags,
          summary: 'Lift a suspension (moderators)',
          params: IdParams,
          response: { 200: Type.Object({ ok: Type.Boolean() }) },
        },
      },
      async (request) => {
        const moderator = requireModerator(request);
        await moderation.unsuspend(moderator, request.params.id, '');
        return { ok: true };
      },
    );
    app.get(
      '/moderation/log',
      {
        schema: {
          tags,
          summary: 'Every moderation decision, with who and when (moderators)',
          querystring: Limit,
          response: {
            200: Type.Object({
              data: Type.Array(
                Type.Object({
                  id: Type.String(),
                  actor_id: Type.Union([Type.String(), Type.Null()]),
                  action: Type.String(),
                  subject_type: Type.String(),
                  subject_id: Type.String(),
                  note: Type.String(),
                  created_at: Type.String({ format: 'date-time' }),
                  actor: PersonOrNull,
                  person: PersonOrNull,
                }),
              ),
            }),
          },
        },
      },
      async (request) => {
        requireModerator(request);
        const rows = await moderation.decisions(request.query.limit ?? 50);
        return { data: (await views.log(rows)).map(presentLog) };
      },
    );
    app.get(
      '/me/moderation',
      {
        schema: {
          tags,
          summary:
            'Decisions about you that you may read and appeal (upheld reports, and those you appealed)',
          response: { 200: Type.Object({ data: Type.Array(MyDecision) }) },
        },
      },
      async (request) => {
        const user = requireUser(request);
        return {
          data: (await views.about(user)).map((r) => ({
            ...presentReport(r),
            appeal_until: iso(r.appeal_until)!,
          })),
        };
      },
    );
    app.get(
      '/moderation/archives/:space_id',
      {
        schema: {
          tags,
          summary: 'The audio kept for review of a space (moderators)',
          params: SpaceParams,
          response: {
            200: Type.Object({
              space_id: Type.String(),
              created_at: Type.String({ format: 'date-time' }),
            }),
          },
        },
      },
      async (request) => {
        requireModerator(request);
        const archive = await moderation.archive(request.params.space_id);
        return { space_id: archive.space_id, created_at: iso(archive.created_at)! };
      },
    );
  };
}
