import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ReportReceiptDto } from '@salon/protocol/schemas';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { DEVICE_COOKIE, isDeviceId } from '../accounts/device.js';
import { IdParams } from '../accounts/schemas.js';
import { encodeCursor } from '../db/cursor.js';
import { AppError } from '../errors.js';
import { rateLimits } from '../http/limits.js';
import { pageQuery } from '../http/pagination.js';
import type { ReportReason } from '../moderation/reports.js';
import type { Services } from '../services.js';
import { ReportBody, SpaceParams } from '../spaces/schemas.js';
import { presentClips } from './presenter.js';
import { ClipDto, ClipPage, ClipParams, CreateClipBody } from './schemas.js';

const tags = ['clips'];

const deviceOf = (request: FastifyRequest) => {
  const value = request.cookies[DEVICE_COOKIE];
  return isDeviceId(value) ? value : null;
};

/** `bytes=a-b`, `bytes=a-`, `bytes=-n` over a file of `size` bytes; null when unsatisfiable. */
export function byteRange(header: string, size: number): { start: number; end: number } | null {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return null;
  let start: number;
  let end: number;
  if (match[1] === '') {
    start = Math.max(0, size - Number(match[2]));
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  }
  if (!Number.isSafeInteger(start) || start > end || start >= size) return null;
  return { start, end };
}

export function clipRoutes(
  services: Pick<Services, 'clips' | 'config' | 'social' | 'storage'>,
): FastifyPluginAsyncTypebox {
  const { clips, storage } = services;
  const limits = rateLimits(services.config);
  const present = async (rows: Parameters<typeof presentClips>[2]) =>
    presentClips(storage, services.config.publicUrl, rows);
  const one = async (row: Parameters<typeof presentClips>[2][number]) => (await present([row]))[0]!;

  return async (app) => {
    app.post(
      '/spaces/:id/clips',
      {
        ...limits.write,
        schema: {
          tags,
          summary:
            'Clip the space: its last 30 s while live, or a 5–60 s range (replay time) of its replay',
          params: SpaceParams,
          body: Type.Union([CreateClipBody, Type.Null()]),
          response: { 201: ClipDto },
        },
      },
      async (request, reply) => {
        const body = request.body ?? {};
        const clip = await clips.create(
          request.viewer,
          request.params.id,
          { from_ms: body.from_ms, to_ms: body.to_ms, title: body.title },
          deviceOf(request),
        );
        return reply.status(201).send(await one(clip));
      },
    );

    app.get(
      '/spaces/:id/clips',
      {
        schema: {
          tags,
          summary: 'Clips of the space, newest first',
          params: SpaceParams,
          querystring: pageQuery(),
          response: { 200: ClipPage },
        },
      },
      async (request) => {
        const limit = request.query.limit ?? 20;
        const rows = await clips.ofSpace(
          request.viewer,
          request.params.id,
          deviceOf(request),
          request.query.cursor,
          limit,
        );
        const page = rows.slice(0, limit);
        const last = page[page.length - 1];
        return {
          data: await present(page),
          next_cursor: rows.length > limit && last ? encodeCursor([last.id]) : null,
        };
      },
    );

    app.get(
      '/users/:id/clips',
      {
        schema: {
          tags,
          summary: 'Clips a person made, newest first',
          params: IdParams,
          querystring: pageQuery(),
          response: { 200: ClipPage },
        },
      },
      async (request) => {
        const limit = request.query.limit ?? 20;
        const user = await services.social.requireUser(request.params.id);
        const viewerId = request.viewer.kind === 'user' ? request.viewer.user.id : null;
        if (viewerId && (await services.social.hasBlocked(user.id, viewerId))) {
          throw AppError.forbidden('blocked_by_user', 'This account has blocked you.');
        }
        const page = await clips.ofUser(
          request.viewer,
          user.id,
          deviceOf(request),
          request.query.cursor,
          limit,
        );
        return {
          data: await present(page.rows),
          next_cursor: page.more && page.last ? encodeCursor([page.last]) : null,
        };
      },
    );

    app.get(
      '/clips/:id',
      {
        schema: {
          tags,
          summary: 'A clip (its card): for anyone who may see its space',
          params: ClipParams,
          response: { 200: ClipDto },
        },
      },
      async (request) => one(await clips.get(request.viewer, request.params.id, deviceOf(request))),
    );

    app.get(
      '/clips/:id/audio',
      {
        schema: {
          tags,
          summary: 'The clip as an audio file (AAC in MP4, .m4a): for whoever may hear the space',
          params: ClipParams,
          headers: Type.Object({ range: Type.Optional(Type.String({ maxLength: 200 })) }),
          produces: ['audio/mp4'],
        },
      },
      async (request, reply) => {
        const file = await clips.audio(request.viewer, request.params.id, deviceOf(request));
        const { size } = await stat(file);
        // Access is checked per request; a browser may keep the bytes a little while.
        reply
          .header('content-type', 'audio/mp4')
          .header('accept-ranges', 'bytes')
          .header('cache-control', 'private, max-age=300')
          .header('content-disposition', `inline; filename="clip-${request.params.id}.m4a"`);
        const wanted = request.headers.range;
        if (wanted) {
          const range = byteRange(wanted, size);
          if (!range) {
            return reply
              .status(416)
              .header('content-range', `bytes */${size}`)
              .header('content-type', 'application/json')
              .send({
                error: {
                  code: 'range_not_satisfiable',
                  message: 'That byte range is not in the file.',
                },
              });
          }
          return reply
            .status(206)
            .header('content-range', `bytes ${range.start}-${range.end}/${size}`)
            .header('content-length', String(range.end - range.start + 1))
            .send(createReadStream(file, { start: range.start, end: range.end }));
        }
        return reply.header('content-length', String(size)).send(createReadStream(file));
      },
    );

    app.delete(
      '/clips/:id',
      {
        ...limits.write,
        schema: {
          tags,
          summary: 'Delete a clip (its creator, the host of its space, or a moderator)',
          params: ClipParams,
        },
      },
      async (request, reply) => {
        await clips.delete(request.viewer, request.params.id);
        return reply.status(204).send();
      },
    );

    app.post(
      '/clips/:id/reports',
      {
        ...limits.write,
        schema: {
          tags,
          summary: 'Report a clip (or someone heard in it) to the moderators',
          params: ClipParams,
          body: ReportBody,
          response: { 201: ReportReceiptDto },
        },
      },
      async (request, reply) => {
        const report = await clips.report(request.viewer, request.params.id, {
          reason: request.body.reason as ReportReason,
          details: request.body.details,
          user_id: request.body.user_id,
        });
        return reply.status(201).send({ id: report.id, status: report.status });
      },
    );
  };
}
