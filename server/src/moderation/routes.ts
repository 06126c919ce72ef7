import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { APPEAL_STATUSES, REPORT_STATUSES } from '@salon/protocol';
import {
  AppealBody,
  AppealDecisionBody,
  AppealDto,
  AppealViewDto as AppealView,
  ListOf,
  ModerationLogEntryDto,
  ModerationNoteBody,
  MyDecisionDto as MyDecision,
  ReportDecisionBody,
  ReportDto,
} from '@salon/protocol/schemas';
import { Type } from '@sinclair/typebox';
import { Id } from '../accounts/schemas.js';
import { Ok } from '../http/responses.js';
import { requireModerator, requireUser } from '../http/viewer.js';
import type { Services } from '../services.js';
import { type LogView, ModerationViews, type ReportView } from './views.js';

const tags = ['moderation'];
const IdParams = Type.Object({ id: Id }, { additionalProperties: false });
const SpaceParams = Type.Object({ space_id: Id }, { additionalProperties: false });
const Limit = Type.Object(
  { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })) },
  { additionalProperties: false },
);
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

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
              status: Type.Optional(Type.Union(REPORT_STATUSES.map((s) => Type.Literal(s)))),
              limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
            },
            { additionalProperties: false },
          ),
          response: { 200: ListOf(ReportDto) },
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
          body: ReportDecisionBody,
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
          // Alike in shape only: each route declares its own schema (its OpenAPI entry) and handler.
          summary: 'Appeal an upheld decision about you (within 90 days)',
          params: IdParams,
          body: AppealBody,
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
              status: Type.Optional(Type.Union(APPEAL_STATUSES.map((s) => Type.Literal(s)))),
              limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
            },
            { additionalProperties: false },
          ),
          response: { 200: ListOf(AppealView) },
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
          // Alike in shape only: each route declares its own schema (its OpenAPI entry) and handler.
          summary: 'Grant (overturn the decision) or deny an appeal (moderators)',
          params: IdParams,
          body: AppealDecisionBody,
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
          body: ModerationNoteBody,
          response: { 200: Ok },
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
          body: ModerationNoteBody,
          response: { 200: Ok },
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
          response: { 200: Ok },
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
          response: { 200: ListOf(ModerationLogEntryDto) },
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
          response: { 200: ListOf(MyDecision) },
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
