import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { SPACE_SWITCHES, SWITCH_NAMES } from '@salon/protocol';
import { switchBodySchema } from '@salon/protocol/schemas';
import type { FastifyRequest } from 'fastify';
import { DEVICE_COOKIE, isDeviceId } from '../accounts/device.js';
import type { rateLimits } from '../http/limits.js';
import { Ok } from '../http/responses.js';
import { requireUser, viewerUserId } from '../http/viewer.js';
import type { Services } from '../services.js';
import * as model from './model.js';
import {
  CaptionsBody,
  EditSpaceBody,
  InviteBody,
  PinBody,
  RecordingBody,
  RemovalBody,
  SpaceDto,
  SpaceParams,
  SpacePostParams,
  SpaceUserParams,
  UserIdBody,
} from './schemas.js';

type App = Parameters<FastifyPluginAsyncTypebox>[0];

export const tags = ['spaces'];

/** The browser's device id (its cookie), which removals and admission also bind to. */
export const deviceOf = (request: FastifyRequest) => {
  const value = request.cookies[DEVICE_COOKIE];
  return isDeviceId(value) ? value : null;
};

/**
 * The routes that change a space, each running one model command through
 * `spaces.run` (lifecycle, settings, requests, invitations, the stage,
 * removals, pins, blocks). Registered by `spaceRoutes`, in its place.
 */
export function commandRoutes(
  app: App,
  services: Pick<Services, 'social' | 'spaces'>,
  write: ReturnType<typeof rateLimits>['write'],
): void {
  const { spaces, social } = services;

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
  command('POST', '/spaces/:id/cancel', 'Cancel a scheduled space (host)', model.cancelSpace, none);
  command(
    'PUT',
    '/spaces/:id/recording',
    'Turn recording on or off (host)',
    model.setRecording,
    (_p, b) => b as { recording: boolean },
    { body: RecordingBody },
  );
  // The switches, one route each from the protocol's table: PUT /spaces/:id/<path>.
  for (const name of SWITCH_NAMES) {
    const row = SPACE_SWITCHES[name];
    command(
      'PUT',
      `/spaces/:id/${row.path}`,
      row.summary,
      model.SWITCH_COMMANDS[name] as model.Command<unknown>,
      (_p, b) => b,
      { body: switchBodySchema(name) },
    );
  }
  command(
    'PUT',
    '/spaces/:id/captions/me',
    'Turn your own captions off or back on (stage members)',
    model.setOwnCaptions,
    (_p, b) => b as { enabled: boolean },
    { body: CaptionsBody },
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
      await social.posts.get(request.body.post_id, viewerUserId(request));
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
}
