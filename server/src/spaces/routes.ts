import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { JoinWarningDto, PageOf, ReportReceiptDto } from '@salon/protocol/schemas';
import type { FastifyRequest } from 'fastify';
import { encodeCursor } from '../db/cursor.js';
import { rateLimits } from '../http/limits.js';
import { Ok } from '../http/responses.js';
import { parseDateTime } from '../http/validation.js';
import { requireUser } from '../http/viewer.js';
import type { Services } from '../services.js';
import { presentMessage, presentPost } from '../social/presenter.js';
import { MessageDto, PostDto } from '../social/schemas.js';
import { commandRoutes, deviceOf, tags } from './routes.commands.js';
import {
  Counts,
  CreateSpaceBody,
  ListSpacesQuery,
  ReactionBody,
  ReportBody,
  ShareDmBody,
  SharePostBody,
  SnapshotDto,
  SpaceAnswerDto,
  SpaceDto,
  SpaceParams,
} from './schemas.js';

export function spaceRoutes(
  services: Pick<
    Services,
    'config' | 'realtime' | 'reports' | 'sharing' | 'social' | 'spaces' | 'ticketAccess' | 'tickets'
  >,
): FastifyPluginAsyncTypebox {
  const { spaces, sharing, realtime, reports, social } = services;
  const limits = rateLimits(services.config);
  const write = { ...limits.write };

  return async (app) => {
    /** The policy's `share`: not for people the space removed (their browsers too) or its host blocked. */
    const mayShare = async (request: FastifyRequest) => {
      const { id } = request.params as { id: string };
      const { state } = await spaces.authorizeViewer(
        await spaces.get(id),
        request.viewer,
        deviceOf(request),
        'share',
      );
      return state;
    };

    app.post(
      '/spaces',
      {
        ...write,
        schema: {
          tags,
          // Alike in shape only: each route declares its own schema (its OpenAPI entry) and handler.
          summary: 'Open a space now, or schedule it (up to 14 days ahead)',
          body: CreateSpaceBody,
          response: { 201: SpaceDto },
        },
      },
      async (request, reply) => {
        const b = request.body;
        // A ticketed space: who may sell, and the limits, are checked before it exists.
        if (b.ticketing) await services.tickets.checkCreate(request.viewer, b.ticketing);
        const state = await spaces.create(request.viewer, {
          title: b.title,
          description: b.description ?? '',
          topics: b.topics ?? [],
          language: b.language ?? 'en',
          scheduled_start: b.scheduled_start
            ? parseDateTime(b.scheduled_start, 'body.scheduled_start')
            : null,
          recording: b.recording ?? false,
          captions: b.captions ?? false,
        });
        if (b.ticketing) await services.tickets.offerCreated(state, b.ticketing);
        return reply.status(201).send(await spaces.present(state));
      },
    );

    app.get(
      '/spaces',
      {
        schema: {
          tags,
          summary: 'Spaces by state (live by default), newest first',
          querystring: ListSpacesQuery,
          response: { 200: PageOf(SpaceDto) },
        },
      },
      async (request) => {
        const limit = request.query.limit ?? 20;
        const rows = await sharing.list(request.query.state ?? 'live', request.query.cursor, limit);
        const page = rows.slice(0, limit);
        const last = page[page.length - 1];
        // As /spaces/discover: nobody is shown a space they may not join (removed from it,
        // or its host blocked them), so every list of the app agrees. A page may come out short.
        const viewer = request.viewer;
        const visible: typeof page = [];
        for (const s of page) {
          if (viewer.kind !== 'user') {
            visible.push(s);
            continue;
          }
          if (s.removed_user_ids.includes(viewer.user.id)) continue;
          if (s.host_id !== viewer.user.id && (await social.hasBlocked(s.host_id, viewer.user.id)))
            continue;
          visible.push(s);
        }
        return {
          data: await Promise.all(visible.map((s) => spaces.present(s))),
          next_cursor: rows.length > limit && last ? encodeCursor([last.id]) : null,
        };
      },
    );

    app.get(
      '/spaces/:id',
      {
        schema: {
          tags,
          summary: 'A space, and whether you may hear it (`access`: ticketed spaces)',
          params: SpaceParams,
          response: { 200: SpaceAnswerDto },
        },
      },
      async (request) => {
        const state = await spaces.get(request.params.id);
        const [space, access] = await Promise.all([
          spaces.present(state),
          services.ticketAccess.of(state, request.viewer),
        ]);
        return { ...space, access };
      },
    );

    app.get(
      '/spaces/:id/snapshot',
      {
        schema: {
          tags,
          summary: 'Everything needed to draw a space, at one version',
          params: SpaceParams,
          response: { 200: SnapshotDto },
        },
      },
      async (request) => {
        const { state } = await spaces
          .admit(request.params.id, request.viewer, deviceOf(request), false)
          .catch(async (error) => {
            // Seeing a space's card stays possible; only presence-bound data needs admission.
            if (request.viewer.kind === 'anonymous')
              return { state: await spaces.get(request.params.id) };
            throw error;
          });
        const base = await spaces.snapshotBase(state);
        const presence = await realtime.presenceNow(state.id, 50);
        const counts = presence.counts ?? {
          now_total: 0,
          now_listed: 0,
          now_anonymous: 0,
          total_unique: await spaces.totalListeners(state.id),
        };
        // Per viewer: with `needs_ticket` the app shows the card and a Buy button.
        const access = await services.ticketAccess.of(state, request.viewer);
        return {
          ...base,
          access,
          listeners: { data: presence.listed, next_cursor: null },
          counts,
        };
      },
    );

    app.get(
      '/spaces/:id/counts',
      {
        schema: {
          tags,
          summary: 'Listening now and in total',
          params: SpaceParams,
          response: { 200: Counts },
        },
      },
      async (request) => {
        const state = await spaces.get(request.params.id);
        return (
          (await realtime.presenceNow(state.id, 0)).counts ?? {
            now_total: 0,
            now_listed: 0,
            now_anonymous: 0,
            total_unique: await spaces.totalListeners(state.id),
          }
        );
      },
    );

    app.get(
      '/spaces/:id/warnings',
      {
        schema: {
          tags,
          summary: 'Before joining: people you blocked who are on the stage',
          params: SpaceParams,
          response: { 200: JoinWarningDto },
        },
      },
      async (request) => {
        const user = requireUser(request);
        const ids = await sharing.blockedOnStage(user.id, await spaces.get(request.params.id));
        const users = await social.usersByIds(ids);
        return {
          blocked_on_stage: ids.flatMap((id) => {
            const u = users.get(id);
            return u ? [{ id: u.id, handle: u.handle, display_name: u.display_name }] : [];
          }),
        };
      },
    );

    commandRoutes(app, services, write);

    app.post(
      '/spaces/:id/reactions',
      {
        schema: {
          tags,
          summary:
            'React (aggregated with everyone else’s; the WebSocket `react` message does the same)',
          params: SpaceParams,
          body: ReactionBody,
          response: { 200: Ok },
        },
      },
      async (request) => {
        await realtime.react(
          request.viewer,
          request.params.id,
          request.body.emoji,
          deviceOf(request),
        );
        return { ok: true };
      },
    );

    app.post(
      '/spaces/:id/reports',
      {
        ...write,
        schema: {
          tags,
          summary: 'Report the space, or someone in it',
          params: SpaceParams,
          body: ReportBody,
          response: { 201: ReportReceiptDto },
        },
      },
      async (request, reply) => {
        const user = requireUser(request);
        await spaces.get(request.params.id);
        const report = await reports.report({
          reporterId: user.id,
          spaceId: request.params.id,
          targetUserId: request.body.user_id ?? null,
          reason: request.body.reason as never,
          details: request.body.details ?? '',
        });
        return reply.status(201).send({ id: report.id, status: report.status });
      },
    );

    app.post(
      '/spaces/:id/share/dm',
      {
        ...write,
        schema: {
          tags,
          // Alike in shape only: each route declares its own schema (its OpenAPI entry) and handler.
          summary: 'Send the space to someone as a DM card',
          params: SpaceParams,
          body: ShareDmBody,
          response: { 201: MessageDto },
        },
      },
      async (request, reply) => {
        const user = requireUser(request);
        const message = await sharing.shareByMessage(
          user.id,
          await mayShare(request),
          request.body.user_id,
          request.body.text,
        );
        return reply.status(201).send(presentMessage(message));
      },
    );

    // Alike in shape only: each route declares its own schema (its OpenAPI entry) and handler.
    app.post(
      '/spaces/:id/share/post',
      {
        ...write,
        schema: {
          tags,
          summary: 'Publish a post that embeds the space',
          params: SpaceParams,
          body: SharePostBody,
          response: { 201: PostDto },
        },
      },
      async (request, reply) => {
        const user = requireUser(request);
        const post = await sharing.shareByPost(user.id, await mayShare(request), request.body.text);
        return reply.status(201).send(presentPost(post, user));
      },
    );
  };
}
