import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { Id } from '../accounts/schemas.js';
import { DEVICE_COOKIE, isDeviceId } from '../http/device.js';
import { rateLimits } from '../http/limits.js';
import { encodeCursor } from '../http/pagination.js';
import { parseDateTime } from '../http/validation.js';
import { requireAdmin, requireUser, viewerUserId } from '../http/viewer.js';
import type { Services } from '../services.js';
import { presentMessage, presentPost } from '../social/presenter.js';
import { MessageDto, PostDto } from '../social/schemas.js';
import * as model from './model.js';
import {
  Counts,
  CreateSpaceBody,
  EditSpaceBody,
  GuestsBody,
  HostingBody,
  InviteBody,
  ListSpacesQuery,
  PinBody,
  ReactionBody,
  RecordingBody,
  RemovalBody,
  ReportBody,
  ShareDmBody,
  SharePostBody,
  SnapshotDto,
  SpaceDto,
  SpaceParams,
  SpacePostParams,
  SpaceUserParams,
  UserIdBody,
} from './schemas.js';

const tags = ['spaces'];
const deviceOf = (request: FastifyRequest) => {
  const value = request.cookies[DEVICE_COOKIE];
  return isDeviceId(value) ? value : null;
};
const Ok = Type.Object({ ok: Type.Boolean() });

export function spaceRoutes(services: Services): FastifyPluginAsyncTypebox {
  const { spaces, sharing, realtime, reports, social } = services;
  const limits = rateLimits(services.config);
  const write = { ...limits.write };

  return async (app) => {
    const present = async (id: string) => spaces.present(await spaces.get(id));
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
          summary: 'Open a space now, or schedule it (up to 14 days ahead)',
          body: CreateSpaceBody,
          response: { 201: SpaceDto },
        },
      },
      async (request, reply) => {
        const b = request.body;
        const state = await spaces.create(request.viewer, {
          title: b.title,
          description: b.description ?? '',
          topics: b.topics ?? [],
          language: b.language ?? 'en',
          scheduled_start: b.scheduled_start
            ? parseDateTime(b.scheduled_start, 'body.scheduled_start')
            : null,
          recording: b.recording ?? false,
        });
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
          response: {
            200: Type.Object({
              data: Type.Array(SpaceDto),
              next_cursor: Type.Union([Type.String(), Type.Null()]),
            }),
          },
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
      { schema: { tags, summary: 'A space', params: SpaceParams, response: { 200: SpaceDto } } },
      (request) => present(request.params.id),
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
        return {
          ...base,
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
          response: {
            200: Type.Object({
              blocked_on_stage: Type.Array(
                Type.Object({
                  id: Type.String(),
                  handle: Type.String(),
                  display_name: Type.String(),
                }),
              ),
            }),
          },
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

    // Commands: each maps one route to one model command.
    const command = <I>(
      method: 'POST' | 'DELETE' | 'PATCH' | 'PUT',
      url: string,
      summary: string,
      run: model.Command<I>,
      input: (params: Record<string, string>, body: unknown) => I,
      schemas: { params?: object; body?: object } = {},
      /** Checks the model cannot make (it has no I/O), before the command runs. */
      check?: (body: unknown) => Promise<void>,
    ) => {
      app.route({
        method,
        url,
        ...write,
        schema: {
          tags,
          summary,
          params: (schemas.params ?? SpaceParams) as typeof SpaceParams,
          ...(schemas.body ? { body: schemas.body } : {}),
          response: { 200: SpaceDto },
        },
        handler: async (request) => {
          const params = request.params as Record<string, string>;
          await check?.(request.body);
          const state = await spaces.run(
            request.viewer,
            params['id']!,
            run,
            input(params, request.body),
          );
          return spaces.present(state);
        },
      });
    };
    const none = () => ({}) as model.NoInput;
    const target = (p: Record<string, string>) => ({ user_id: p['user_id']! });
    const userParams = { params: SpaceUserParams };

    command(
      'PATCH',
      '/spaces/:id',
      'Edit title, description, topics or language',
      model.editSpace,
      (_p, b) => b as model.EditSpaceInput,
      { body: EditSpaceBody },
    );
    command('POST', '/spaces/:id/start', 'Go live (host)', model.startSpace, none);
    command(
      'POST',
      '/spaces/:id/end',
      'End the space (host; admins for a violation)',
      model.endSpace,
      none,
    );
    command(
      'POST',
      '/spaces/:id/cancel',
      'Cancel a scheduled space (host)',
      model.cancelSpace,
      none,
    );
    command(
      'PUT',
      '/spaces/:id/recording',
      'Turn recording on or off (host)',
      model.setRecording,
      (_p, b) => b as { recording: boolean },
      { body: RecordingBody },
    );
    command(
      'PUT',
      '/spaces/:id/guests',
      'Allow or refuse listeners without an account (host); refusing sends the guests present away',
      model.setAllowGuests,
      (_p, b) => b as { allow_guests: boolean },
      { body: GuestsBody },
    );
    command(
      'POST',
      '/spaces/:id/handover/:user_id',
      'Hand the space to a co-host, who becomes its host (host); you stay as a listener',
      model.handOver,
      target,
      userParams,
    );
    command('POST', '/spaces/:id/requests', 'Ask to speak', model.requestToSpeak, none);
    command(
      'DELETE',
      '/spaces/:id/requests',
      'Withdraw your request to speak',
      model.cancelRequest,
      none,
    );
    command(
      'POST',
      '/spaces/:id/requests/:user_id/approve',
      'Approve a request to speak (host, co-host)',
      model.approveRequest,
      target,
      userParams,
    );
    command(
      'POST',
      '/spaces/:id/requests/:user_id/decline',
      'Decline a request to speak (host, co-host)',
      model.declineRequest,
      target,
      userParams,
    );
    command(
      'POST',
      '/spaces/:id/invitations',
      'Invite someone to speak or co-host',
      model.invite,
      (_p, b) => b as { user_id: string; role: 'speaker' | 'cohost' },
      { body: InviteBody },
      // Nobody can accept an invitation for an account that does not exist: 404 user_not_found.
      async (b) => {
        await social.requireUser((b as { user_id: string }).user_id);
      },
    );
    command(
      'POST',
      '/spaces/:id/invitation/accept',
      'Accept your invitation',
      model.acceptInvitation,
      none,
    );
    command(
      'POST',
      '/spaces/:id/invitation/decline',
      'Decline your invitation',
      model.declineInvitation,
      none,
    );
    command(
      'POST',
      '/spaces/:id/stage/leave',
      'Leave the stage, back to listening',
      model.leaveStage,
      none,
    );
    command(
      'DELETE',
      '/spaces/:id/stage/:user_id',
      'Remove someone from the stage (host, co-host)',
      model.removeFromStage,
      target,
      userParams,
    );
    command(
      'POST',
      '/spaces/:id/stage/:user_id/mute',
      'Mute a stage member (host, co-host) or yourself',
      model.mute,
      target,
      userParams,
    );
    command(
      'POST',
      '/spaces/:id/stage/:user_id/unmute',
      'Unmute yourself (nobody unmutes someone else)',
      model.unmute,
      target,
      userParams,
    );
    command(
      'POST',
      '/spaces/:id/mute_all',
      'Mute every speaker (host and co-hosts keep the floor)',
      model.muteAll,
      none,
    );
    command(
      'POST',
      '/spaces/:id/cohosts',
      'Make a stage member co-host (host)',
      model.addCohost,
      (_p, b) => b as { user_id: string },
      { body: UserIdBody },
    );
    command(
      'DELETE',
      '/spaces/:id/cohosts/:user_id',
      'Demote a co-host (host), or step down',
      model.demoteCohost,
      target,
      userParams,
    );
    command(
      'POST',
      '/spaces/:id/removals',
      'Remove someone from the space; they cannot come back',
      model.removeFromSpace,
      (_p, b) => ({ participant: b as { kind: 'user' | 'guest'; id: string } }),
      { body: RemovalBody },
    );
    command(
      'DELETE',
      '/spaces/:id/pins/:post_id',
      'Unpin a post',
      model.unpin,
      (p) => ({ post_id: p['post_id']! }),
      { params: SpacePostParams },
    );

    app.post(
      '/spaces/:id/pins',
      {
        ...write,
        schema: {
          tags,
          summary: 'Pin a post to the space (stage members; at most 3)',
          params: SpaceParams,
          body: PinBody,
          response: { 200: SpaceDto },
        },
      },
      async (request) => {
        // Who may pin first (the space's own refusal names the reason), then whether the post is visible.
        await spaces.authorizeViewer(
          await spaces.get(request.params.id),
          request.viewer,
          deviceOf(request),
          'pin',
        );
        await social.getPost(request.body.post_id, viewerUserId(request));
        const state = await spaces.run(request.viewer, request.params.id, model.pin, {
          post_id: request.body.post_id,
        });
        return spaces.present(state);
      },
    );

    app.post(
      '/spaces/:id/blocks',
      {
        ...write,
        schema: {
          tags,
          summary:
            'Block someone from inside a space; when the host blocks, they also leave the space',
          params: SpaceParams,
          body: UserIdBody,
          response: { 200: Ok },
        },
      },
      async (request) => {
        const user = requireUser(request);
        const state = await spaces.get(request.params.id);
        await social.block(user.id, request.body.user_id);
        if (
          state.host_id === user.id &&
          !state.removed_user_ids.includes(request.body.user_id) &&
          (state.state === 'live' || state.state === 'scheduled')
        ) {
          await spaces.run(request.viewer, state.id, model.removeFromSpace, {
            participant: { kind: 'user', id: request.body.user_id },
          });
        }
        return { ok: true };
      },
    );

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
        await realtime.reactAs(
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
          response: { 201: Type.Object({ id: Type.String(), status: Type.String() }) },
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

    app.put(
      '/admin/users/:id/hosting',
      {
        schema: {
          tags: ['admin'],
          summary: 'Grant or withdraw the right to host, whatever the follower count',
          params: Type.Object({ id: Id }, { additionalProperties: false }),
          body: HostingBody,
          response: { 200: Ok },
        },
      },
      async (request) => {
        // Logged, and a grant answers the person's open request to host (admin/service.ts).
        await services.admin.setHosting(
          requireAdmin(request),
          request.params.id,
          request.body.can_host,
        );
        return { ok: true };
      },
    );
  };
}
