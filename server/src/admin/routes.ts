import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  HostingDecisionBody,
  HostingEligibilityDto,
  HostingRequestBody,
  HostingRequestDto,
  HostingRequestStatusDto,
  ListOf,
  NoticeDto,
  PageOf,
  StaffPersonDto as PersonDto,
  RoleBody,
  StaffHostingRequestDto,
} from '@salon/protocol/schemas';
import { Type } from '@sinclair/typebox';
import { Id, IdParams } from '../accounts/schemas.js';
import { decodeIdCursor, encodeCursor } from '../db/cursor.js';
import type { HostingRequestsTable } from '../db/schema.js';
import { rateLimits } from '../http/limits.js';
import { requireModerator, requireUser } from '../http/viewer.js';
import type { Services } from '../services.js';
import { mayHost } from '../spaces/policy.js';
import type { PersonRow } from './service.js';

const tags = ['admin'];
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const StatusQuery = Type.Object(
  {
    status: Type.Optional(HostingRequestStatusDto),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  },
  { additionalProperties: false },
);

const presentRequest = (r: HostingRequestsTable) => ({
  id: r.id,
  user_id: r.user_id,
  message: r.message,
  status: r.status,
  created_at: iso(r.created_at)!,
  decided_at: iso(r.decided_at),
  decision_note: r.decision_note,
});

/** The admin console's routes, and the person's side of hosting requests and notices. */
export function adminRoutes(
  services: Pick<Services, 'admin' | 'config'>,
): FastifyPluginAsyncTypebox {
  const { admin } = services;
  const { write } = rateLimits(services.config);
  const presentPerson = ({ user, followers, owner }: PersonRow) => ({
    id: user.id,
    handle: user.handle,
    display_name: user.display_name,
    avatar_url: user.avatar_key ? `/media/avatars/${user.avatar_key}` : null,
    role: user.role,
    can_host: user.can_host === 1,
    may_host: mayHost(
      { followers, canHost: user.can_host === 1, role: user.role },
      services.config.hostMinFollowers,
    ).ok,
    followers_count: followers,
    suspended: user.suspended_at !== null,
    owner,
    created_at: iso(user.created_at)!,
  });

  return async (app) => {
    app.get(
      '/admin/users',
      {
        schema: {
          tags,
          summary: 'Search people by handle or name, suspended ones included (moderators)',
          querystring: Type.Object(
            {
              q: Type.Optional(Type.String({ maxLength: 100 })),
              cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
              limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
            },
            { additionalProperties: false },
          ),
          response: { 200: PageOf(PersonDto) },
        },
      },
      async (request) => {
        const staff = requireModerator(request);
        const limit = request.query.limit ?? 20;
        const rows = await admin.search(
          staff,
          request.query.q ?? '',
          limit + 1,
          decodeIdCursor(request.query.cursor),
        );
        const page = rows.slice(0, limit);
        return {
          data: page.map(presentPerson),
          next_cursor: rows.length > limit ? encodeCursor([page.at(-1)!.user.id]) : null,
        };
      },
    );

    app.get(
      '/admin/users/:id',
      {
        schema: {
          tags,
          summary: 'One person, as staff see them (moderators)',
          params: IdParams,
          response: { 200: PersonDto },
        },
      },
      async (request) => {
        requireModerator(request);
        return presentPerson(await admin.personRow(request.params.id));
      },
    );

    app.put(
      '/admin/users/:id/role',
      {
        ...write,
        schema: {
          tags,
          summary: 'Make someone a moderator, an admin, or an ordinary user again (admins)',
          params: Type.Object({ id: Id }, { additionalProperties: false }),
          body: RoleBody,
          response: { 200: PersonDto },
        },
      },
      async (request) =>
        presentPerson(
          await admin.setRole(requireUser(request), request.params.id, request.body.role),
        ),
    );

    app.get(
      '/admin/hosting_requests',
      {
        schema: {
          tags,
          summary: 'Requests to host: open ones oldest first, answered ones newest first (admins)',
          querystring: StatusQuery,
          response: { 200: ListOf(StaffHostingRequestDto) },
        },
      },
      async (request) => {
        const rows = await admin.requests(
          requireUser(request),
          request.query.status ?? 'open',
          request.query.limit ?? 50,
        );
        return {
          data: rows.map((r) => ({ ...presentRequest(r), person: presentPerson(r.person) })),
        };
      },
    );

    app.post(
      '/admin/hosting_requests/:id/decision',
      {
        ...write,
        schema: {
          tags,
          summary: 'Grant or decline a request to host; the person is notified (admins)',
          params: IdParams,
          body: HostingDecisionBody,
          response: { 200: HostingRequestDto },
        },
      },
      async (request) =>
        presentRequest(
          await admin.decide(
            requireUser(request),
            request.params.id,
            request.body.action,
            request.body.note ?? '',
          ),
        ),
    );

    app.get(
      '/me/hosting',
      {
        schema: {
          tags,
          summary: 'Whether you may host, why or why not, and your latest request to host',
          response: { 200: HostingEligibilityDto },
        },
      },
      async (request) => {
        const facts = await admin.eligibility(requireUser(request));
        return {
          may_host: facts.mayHost,
          because: facts.because,
          followers_count: facts.followers,
          min_followers: facts.minFollowers,
          request: facts.request ? presentRequest(facts.request) : null,
        };
      },
    );

    app.post(
      '/me/hosting_request',
      {
        ...write,
        schema: {
          tags,
          // Alike in shape only: each route declares its own schema (its OpenAPI entry) and handler.
          summary: 'Ask the admins to let you host (one open request at a time)',
          body: HostingRequestBody,
          response: { 201: HostingRequestDto },
        },
      },
      async (request, reply) => {
        const row = await admin.fileRequest(requireUser(request), request.body.message ?? '');
        return reply.status(201).send(presentRequest(row));
      },
    );

    app.get(
      '/me/notices',
      {
        schema: {
          tags,
          summary: 'Notices to show you once (e.g. that you administer this instance)',
          response: { 200: ListOf(NoticeDto) },
        },
      },
      async (request) => ({ data: await admin.notices(requireUser(request)) }),
    );

    app.delete(
      '/me/notices/:notice',
      {
        ...write,
        schema: {
          tags,
          summary: 'Dismiss a notice for good',
          params: Type.Object({ notice: NoticeDto }, { additionalProperties: false }),
        },
      },
      async (request, reply) => {
        await admin.dismiss(requireUser(request), request.params.notice);
        return reply.status(204).send();
      },
    );
  };
}
