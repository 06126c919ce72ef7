import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyInstance } from 'fastify';
import { type ErrorKind, isAppError } from '../errors.js';

const STATUS: Record<ErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  unsupported_media: 415,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

/** Fastify's own 4xx errors, with codes a client can rely on. */
const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_BODY_TOO_LARGE: 'body_too_large',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'empty_body',
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_content_length',
};

/**
 * Requests Node's HTTP parser refuses before Fastify sees them (headers or a
 * URL over the size limit, a malformed request line, a client too slow to
 * send its headers) still get our error shape, written on the raw socket.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, reason, code, message] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [
          431,
          'Request Header Fields Too Large',
          'headers_too_large',
          'The URL or the headers are too large.',
        ]
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Request Timeout', 'request_timeout', 'The request took too long to arrive.']
        : [400, 'Bad Request', 'malformed_request', 'The request is not valid HTTP.'];
  const body = JSON.stringify({ error: { code, message } });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

export interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

/**
 * Every error leaves as `{ error: { code, message } }`. Known errors keep
 * their 4xx; anything unexpected is logged and becomes an opaque 500.
 */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (isAppError(error)) {
      const body: ErrorBody = { error: { code: error.code, message: error.message } };
      if (error.details) body.error.details = error.details;
      // A wait the server knows (a locked account) is also said the standard way.
      const retryAfter = error.details?.['retry_after'];
      if (typeof retryAfter === 'number') reply.header('retry-after', String(retryAfter));
      return reply.status(STATUS[error.kind]).send(body);
    }
    if (error.validation) {
      const first = error.validation[0];
      const where = error.validationContext ?? 'request';
      const field = first?.instancePath ? first.instancePath.slice(1).replace(/\//g, '.') : '';
      const extra =
        first?.keyword === 'additionalProperties'
          ? ` (unknown field "${String(first.params['additionalProperty'])}")`
          : '';
      const message = `${where}${field ? `.${field}` : ''} ${first?.message ?? 'is invalid'}${extra}`;
      return reply.status(400).send({ error: { code: 'invalid_request', message } });
    }
    const status = error.statusCode ?? 500;
    if (status === 429) {
      return reply.status(429).send({
        error: { code: 'rate_limited', message: 'Too many requests. Try again in a moment.' },
      });
    }
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      // Name what the route takes: JSON everywhere but the raw-image avatar upload.
      const consumes = (request.routeOptions.schema as { consumes?: string[] } | undefined)
        ?.consumes ?? ['application/json'];
      const sent = request.headers['content-type'] ?? 'no type';
      return reply.status(415).send({
        error: {
          code: 'unsupported_media_type',
          message: `Send the body as ${consumes.join(' or ')} (got ${sent}).`,
        },
      });
    }
    if (status >= 400 && status < 500) {
      const code = FASTIFY_CODES[error.code] ?? 'bad_request';
      return reply.status(status).send({ error: { code, message: error.message } });
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply
      .status(500)
      .send({ error: { code: 'internal_error', message: 'Something went wrong on our side.' } });
  });

  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({
      error: {
        code: 'route_not_found',
        message: `No route for ${request.method} ${request.url.split('?')[0]}`,
      },
    }),
  );
}
