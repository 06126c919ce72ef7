import { randomUUID } from 'node:crypto';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify';
import { credentialOf, SESSION_COOKIE } from '../accounts/credentials.js';
import { DEVICE_COOKIE, isDeviceId, newDeviceId } from '../accounts/device.js';
import { accountRoutes, avatarRoutes } from '../accounts/routes.js';
import { sessionRoutes } from '../accounts/session-routes.js';
import { adminRoutes } from '../admin/routes.js';
import { captionsRoutes } from '../captions/routes.js';
import { clipRoutes } from '../clips/routes.js';
import { twitterRoutes } from '../compat/twitter/routes.js';
import { discoveryRoutes } from '../discovery/routes.js';
import { AppError } from '../errors.js';
import { hlsApiRoutes, hlsOriginRoutes } from '../hls/routes.js';
import { HLS_PREFIX } from '../hls/signing.js';
import { mediaRoutes } from '../media/routes.js';
import { moderationRoutes } from '../moderation/routes.js';
import { notificationRoutes } from '../notifications/routes.js';
import { operationsRoutes } from '../observability/routes.js';
import { isCookieless } from '../replays/embed.js';
import { injectHead } from '../replays/meta.js';
import { replayApiRoutes, replayRootRoutes } from '../replays/routes.js';
import { scheduleRoutes } from '../scheduler/routes.js';
import type { Services } from '../services.js';
import { socialRoutes } from '../social/routes.js';
import { spaceRoutes } from '../spaces/routes.js';
import { ticketRoutes } from '../tickets/routes.js';
import { clientErrorHandler, installErrorHandling } from './errors.js';
import { checkRequestSource, isStateChanging, originPolicy, sourceOf } from './origin.js';
import { redactedRequest } from './redact.js';
import { ERROR_RESPONSE_HEADERS, registerSecurityHeaders } from './security-headers.js';
import { installValidation } from './validation.js';
import { registerWebApp } from './web.js';

export interface AppOptions {
  logger: FastifyBaseLogger;
  /** Set while the server drains on SIGTERM: /readyz turns 503. */
  isShuttingDown?: () => boolean;
  /** The built web app (tests use a build of their own); web/dist by default. */
  webDir?: string | undefined;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** The HTTP transport: routes translate requests into service calls and present the results. */
export async function buildApp(services: Services, options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    // Request lines are logged with credential-like query values (?token=, ?sig=) redacted.
    loggerInstance: options.logger.child({}, { serializers: { req: redactedRequest } }),
    trustProxy: services.config.trustProxy,
    bodyLimit: 64 * 1024,
    requestIdHeader: 'x-request-id',
    genReqId: (request) => {
      const incoming = request.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
    ajv: { customOptions: { removeAdditional: false } },
    clientErrorHandler,
    // Errors Fastify raises before routing (bad URL encoding, overlong params) get our shape too.
    frameworkErrors: (error, _request, reply) => {
      const code = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'param_too_long' : 'bad_url';
      (reply as unknown as FastifyReply)
        .headers(ERROR_RESPONSE_HEADERS)
        .status(error.statusCode ?? 400)
        .send({ error: { code, message: error.message } });
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  installValidation(app);
  installErrorHandling(app);
  // Fastify parses text/plain by default; no route here takes it, and it is the one body type
  // a foreign page can POST without a CORS preflight. Without a parser it is a 415.
  app.removeContentTypeParser('text/plain');
  await registerSecurityHeaders(app, services.config);

  await app.register(cookie);
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Salon API',
        version: '1',
        description:
          'Live audio spaces. Errors are `{ "error": { "code", "message" } }`; lists are cursor-paginated (`cursor`, `limit`, `next_cursor`). Authenticate with the session cookie or `Authorization: Bearer <token>`.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          cookie: { type: 'apiKey', in: 'cookie', name: 'salon_session' },
        },
      },
      security: [{ bearer: [] }, { cookie: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  await app.register(rateLimit, {
    global: false,
    keyGenerator: (request) =>
      request.viewer?.kind === 'user' ? `u:${request.viewer.user.id}` : `ip:${request.ip}`,
  });

  app.decorateRequest('viewer', null as never);
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    request.viewer = { kind: 'anonymous' };
    // HLS files are shared through caches: no cookie may be set, no session read.
    if (request.url.startsWith(HLS_PREFIX)) return;
    // CSRF: a state change not carried by a bearer token must come from our own pages
    // (the rule and its reasons: http/origin.ts). PUBLIC_URL may be set only at start.
    if (isStateChanging(request.method) && request.headers.authorization === undefined) {
      const policy = originPolicy(services.config.publicUrl, services.config.allowedOrigins);
      const verdict = checkRequestSource(sourceOf(request.headers, request.host), policy);
      if (!verdict.ok) throw AppError.forbidden('cross_site_request', verdict.reason);
    }
    // The embeddable player and what other apps fetch (feeds, unfurls) never get a cookie.
    const cookieless = isCookieless(request.url, request.headers.referer, request.host);
    if (!cookieless && !isDeviceId(request.cookies[DEVICE_COOKIE])) {
      reply.setCookie(DEVICE_COOKIE, newDeviceId(), {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: services.config.cookieSecure,
        maxAge: 5 * 365 * 24 * 3600,
      });
    }
    request.viewer = { kind: 'anonymous' };
    const credential = credentialOf(
      request.headers.authorization,
      request.cookies?.[SESSION_COOKIE],
    );
    if (!credential) return;
    const viewer = await services.accounts.authenticate(credential.token);
    if (viewer) {
      request.viewer = viewer;
    } else if (credential.from === 'bearer') {
      // A stale cookie just means "signed out"; a bad bearer token is a client bug worth reporting.
      throw new AppError(
        'unauthenticated',
        'invalid_token',
        'The bearer token is invalid or expired.',
      );
    }
  });

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    services.metrics.httpRequests.inc({
      method: request.method,
      route,
      status: String(reply.statusCode),
    });
    services.metrics.httpDuration.observe(
      { method: request.method, route },
      reply.elapsedTime / 1000,
    );
  });

  await app.register(operationsRoutes(services, options.isShuttingDown ?? (() => false)));
  await app.register(avatarRoutes(services));
  await app.register(accountRoutes(services), { prefix: '/api/v1' });
  await app.register(sessionRoutes(services), { prefix: '/api/v1' });
  await app.register(socialRoutes(services), { prefix: '/api/v1' });
  await app.register(spaceRoutes(services), { prefix: '/api/v1' });
  await app.register(moderationRoutes(services), { prefix: '/api/v1' });
  await app.register(adminRoutes(services), { prefix: '/api/v1' });
  await app.register(discoveryRoutes(services), { prefix: '/api/v1' });
  await app.register(scheduleRoutes(services), { prefix: '/api/v1' });
  await app.register(notificationRoutes(services), { prefix: '/api/v1' });
  await app.register(hlsApiRoutes(services), { prefix: '/api/v1' });
  await app.register(ticketRoutes(services), { prefix: '/api/v1' });
  await app.register(clipRoutes(services), { prefix: '/api/v1' });
  await app.register(captionsRoutes(services), { prefix: '/api/v1' });
  await app.register(mediaRoutes(services), { prefix: '/api/v1' });
  await app.register(replayApiRoutes(services), { prefix: '/api/v1' });
  await app.register(replayRootRoutes(services));
  await app.register(hlsOriginRoutes(services));
  // Twitter API v2–compatible reads, with Twitter's envelopes and errors.
  await app.register(twitterRoutes(services), { prefix: '/2' });

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  // Last: the web app answers only what no route above claims.
  await registerWebApp(app, {
    dir: options.webDir,
    // Space, replay and clip pages carry their own link-preview tags.
    page: async (pathname) => {
      const meta = await services.previews.pageMeta(pathname).catch(() => null);
      return meta ? (html) => injectHead(html, meta) : null;
    },
  });
  return app;
}
