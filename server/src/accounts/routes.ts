import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { CreatedTokenDto, ListOf } from '@salon/protocol/schemas';
import { Type } from '@sinclair/typebox';
import { AppError } from '../errors.js';
import { clearSessionCookie, setSessionCookie } from '../http/cookies.js';
import { rateLimits } from '../http/limits.js';
import { Ok } from '../http/responses.js';
import { requireAdmin, requireUser } from '../http/viewer.js';
import type { Services } from '../services.js';
import { IMAGE_TYPES } from './images.js';
import { presentToken, presentUser } from './presenter.js';
import {
  CreateTokenBody,
  GuestDto,
  HostingBody,
  Id,
  LoginBody,
  ProfilePatch,
  RegisterBody,
  TokenDto,
  UserEnvelopeDto,
} from './schemas.js';

const tags = ['accounts'];
export function accountRoutes(
  services: Pick<Services, 'accounts' | 'admin' | 'config'>,
): FastifyPluginAsyncTypebox {
  const { accounts, config } = services;
  const limits = rateLimits(config);

  return async (app) => {
    app.post(
      '/auth/register',
      {
        ...limits.auth,
        schema: {
          tags,
          summary: 'Create an account and sign in (sets the session cookie)',
          body: RegisterBody,
          response: { 201: UserEnvelopeDto },
        },
      },
      async (request, reply) => {
        const { user, token } = await accounts.register(request.body, userAgentOf(request));
        setSessionCookie(reply, config, token);
        return reply.status(201).send({ user: presentUser(user) });
      },
    );

    app.post(
      '/auth/login',
      {
        ...limits.auth,
        schema: {
          tags,
          summary: 'Sign in (sets the session cookie)',
          body: LoginBody,
          response: { 200: UserEnvelopeDto },
        },
      },
      async (request, reply) => {
        const { user, token } = await accounts.login(
          request.body.handle,
          request.body.password,
          userAgentOf(request),
        );
        setSessionCookie(reply, config, token);
        return { user: presentUser(user) };
      },
    );

    app.post(
      '/auth/logout',
      { schema: { tags, summary: 'Sign out of this session', response: { 200: Ok } } },
      async (request, reply) => {
        if (request.viewer.kind === 'user') await accounts.logout(request.viewer.sessionId);
        clearSessionCookie(reply, config);
        return { ok: true };
      },
    );

    app.post(
      '/auth/guest',
      {
        ...limits.auth,
        schema: {
          tags,
          summary: 'Get a signed guest token to listen without an account',
          response: { 201: GuestDto },
        },
      },
      async (_request, reply) => {
        const { token, identity } = accounts.issueGuest();
        return reply.status(201).send({
          guest_id: identity.guestId,
          token,
          expires_at: new Date(identity.expiresAt).toISOString(),
        });
      },
    );

    app.post(
      '/auth/tokens',
      {
        ...limits.auth,
        schema: {
          tags,
          summary: 'Create a bearer token for an API client (shown once)',
          description:
            'Signed in (cookie or token), or with handle and password in the body for a first token.',
          body: CreateTokenBody,
          response: { 201: CreatedTokenDto },
        },
      },
      async (request, reply) => {
        const { name, handle, password } = request.body;
        let userId: string;
        if (handle !== undefined || password !== undefined) {
          if (handle === undefined || password === undefined) {
            throw AppError.invalid(
              'credentials_incomplete',
              'Send both handle and password, or neither.',
            );
          }
          userId = (await accounts.login(handle, password)).user.id;
        } else {
          userId = requireUser(request).id;
        }
        const { token, session } = await accounts.createApiToken(
          userId,
          name,
          userAgentOf(request),
        );
        return reply.status(201).send({ ...presentToken(session), token });
      },
    );

    app.get(
      '/auth/tokens',
      {
        schema: {
          tags,
          summary: 'List your API tokens',
          response: { 200: ListOf(TokenDto) },
        },
      },
      async (request) => {
        const user = requireUser(request);
        return { data: (await accounts.listApiTokens(user.id)).map(presentToken) };
      },
    );

    app.delete(
      '/auth/tokens/:id',
      {
        schema: {
          tags,
          summary: 'Revoke an API token',
          params: Type.Object(
            { id: Type.String({ pattern: '^[0-9a-f]{16}$' }) },
            { additionalProperties: false },
          ),
          response: { 200: Ok },
        },
      },
      async (request) => {
        const user = requireUser(request);
        await accounts.revokeApiToken(user.id, request.params.id);
        return { ok: true };
      },
    );

    app.get(
      '/me',
      {
        schema: {
          tags,
          summary: 'The signed-in user',
          response: { 200: UserEnvelopeDto },
        },
      },
      async (request) => ({ user: presentUser(requireUser(request)) }),
    );

    app.patch(
      '/me',
      {
        ...limits.write,
        schema: {
          tags,
          summary: 'Edit your profile',
          body: ProfilePatch,
          response: { 200: UserEnvelopeDto },
        },
      },
      async (request) => {
        const user = requireUser(request);
        return { user: presentUser(await accounts.updateProfile(user.id, request.body)) };
      },
    );

    // Avatars arrive as the raw image body; the type is checked against the bytes.
    app.register(async (avatarScope) => {
      avatarScope.addContentTypeParser(
        [...IMAGE_TYPES],
        { parseAs: 'buffer', bodyLimit: config.avatarMaxBytes },
        (_request, body, done) => done(null, body),
      );
      avatarScope.put(
        '/me/avatar',
        {
          ...limits.write,
          bodyLimit: config.avatarMaxBytes,
          schema: {
            tags,
            summary: `Upload an avatar (PNG, JPEG, WebP or GIF as the raw body, at most ${config.avatarMaxBytes} bytes)`,
            consumes: [...IMAGE_TYPES],
            response: { 200: UserEnvelopeDto },
          },
        },
        async (request) => {
          const user = requireUser(request);
          const contentType = (request.headers['content-type'] ?? '').split(';')[0]!.trim();
          const body = request.body;
          if (!Buffer.isBuffer(body) || body.length === 0) {
            throw AppError.invalid('empty_body', 'Send the image as the request body.');
          }
          return { user: presentUser(await accounts.setAvatar(user.id, contentType, body)) };
        },
      );
    });

    app.delete(
      '/me/avatar',
      {
        ...limits.write,
        schema: {
          tags,
          summary: 'Remove your avatar',
          response: { 200: UserEnvelopeDto },
        },
      },
      async (request) => {
        const user = requireUser(request);
        return { user: presentUser(await accounts.clearAvatar(user.id)) };
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

/** The client a session is opened from, shown in settings beside the session. */
function userAgentOf(request: { headers: Record<string, string | string[] | undefined> }) {
  const value = request.headers['user-agent'];
  return typeof value === 'string' && value.trim() ? value.trim() : null;
}

/** Avatars are served outside /api, immutable: a new upload gets a new key. */
export function avatarRoutes(services: Pick<Services, 'accounts'>): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/media/avatars/:key',
      {
        schema: {
          tags,
          summary: 'An avatar image',
          params: Type.Object(
            { key: Type.String({ pattern: '^[0-9a-z]{20}$' }) },
            { additionalProperties: false },
          ),
        },
      },
      async (request, reply) => {
        const avatar = await services.accounts.getAvatar(request.params.key);
        return reply
          .header('content-type', avatar.contentType)
          .header('cache-control', 'public, max-age=31536000, immutable')
          .header('x-content-type-options', 'nosniff')
          .send(avatar.bytes);
      },
    );
  };
}
