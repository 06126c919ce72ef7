import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  ChangePasswordBody,
  ListOf,
  SessionDto,
  SignedOutDto as SignedOut,
  SignOutAllBody,
} from '@salon/protocol/schemas';
import { Type } from '@sinclair/typebox';
import type { SessionsTable } from '../db/schema.js';
import { clearSessionCookie } from '../http/cookies.js';
import { rateLimits } from '../http/limits.js';
import { Ok } from '../http/responses.js';
import { requireUser } from '../http/viewer.js';
import type { Services } from '../services.js';
import { AccountSecurity } from './security.js';

const tags = ['accounts'];

const present = (session: SessionsTable, currentId: string | null) => ({
  id: session.id.slice(0, 16),
  user_agent: session.user_agent,
  created_at: new Date(session.created_at).toISOString(),
  last_used_at: new Date(session.last_used_at).toISOString(),
  current: session.id === currentId,
});

/** Password changes and the list of signed-in browsers (settings → security). */
export function sessionRoutes(
  services: Pick<Services, 'accounts' | 'clock' | 'config' | 'storage'>,
): FastifyPluginAsyncTypebox {
  const security = new AccountSecurity(services.storage, services.clock, services.accounts);
  const limits = rateLimits(services.config);

  return async (app) => {
    const sessionIdOf = (request: { viewer: { kind: string; sessionId?: string } }) =>
      request.viewer.kind === 'user' ? (request.viewer.sessionId ?? '') : '';

    app.put(
      '/me/password',
      {
        ...limits.auth,
        schema: {
          tags,
          summary: 'Change your password (the current one is required)',
          description:
            'The current password counts against the same per-account throttle as sign-in; the new one must pass the registration strength rule. Other browsers are signed out unless `sign_out_others` is false; API tokens keep working.',
          body: ChangePasswordBody,
          response: { 200: SignedOut },
        },
      },
      async (request) => {
        const user = requireUser(request);
        return security.changePassword(user.id, sessionIdOf(request), {
          current_password: request.body.current_password,
          new_password: request.body.new_password,
          sign_out_others: request.body.sign_out_others !== false,
        });
      },
    );

    app.get(
      '/auth/sessions',
      {
        schema: {
          tags,
          summary: 'Browsers signed in to your account, most recently used first',
          response: { 200: ListOf(SessionDto) },
        },
      },
      async (request) => {
        const user = requireUser(request);
        const current = sessionIdOf(request);
        return { data: (await security.listSessions(user.id)).map((s) => present(s, current)) };
      },
    );

    app.delete(
      '/auth/sessions/:id',
      {
        ...limits.write,
        schema: {
          tags,
          summary: 'Sign a browser out',
          params: Type.Object(
            { id: Type.String({ pattern: '^[0-9a-f]{16}$' }) },
            { additionalProperties: false },
          ),
          response: { 200: Ok },
        },
      },
      async (request, reply) => {
        const user = requireUser(request);
        await security.revokeSession(user.id, request.params.id);
        if (sessionIdOf(request).startsWith(request.params.id))
          clearSessionCookie(reply, services.config);
        return { ok: true };
      },
    );

    // Alike in shape only: each route declares its own schema (its OpenAPI entry) and handler.
    app.post(
      '/auth/sessions/sign_out_all',
      {
        ...limits.write,
        schema: {
          tags,
          summary: 'Sign out everywhere, this browser included',
          body: SignOutAllBody,
          response: { 200: SignedOut },
        },
      },
      async (request, reply) => {
        const user = requireUser(request);
        const result = await security.signOutEverywhere(
          user.id,
          request.body.include_tokens === true,
        );
        clearSessionCookie(reply, services.config);
        return result;
      },
    );
  };
}
