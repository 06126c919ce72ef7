import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { MarkedReadDto, UnreadCountDto } from '@salon/protocol/schemas';
import { Type } from '@sinclair/typebox';
import { presentUser } from '../accounts/presenter.js';
import { IdParams } from '../accounts/schemas.js';
import { encodeCursor, toPage } from '../db/cursor.js';
import { rateLimits } from '../http/limits.js';
import { pageQuery } from '../http/pagination.js';
import { Ok } from '../http/responses.js';
import { requireUser } from '../http/viewer.js';
import type { Services } from '../services.js';
import { presentMessage, presentNotification } from './presenter.js';
import {
  ConversationPage,
  MarkReadBody,
  MessageDto,
  MessagePage,
  NotificationPage,
  SendMessageBody,
} from './schemas.js';

/** Direct messages and notifications: the signed-in person's inbox. */
export function messageRoutes(
  services: Pick<Services, 'social' | 'config'>,
): FastifyPluginAsyncTypebox {
  const { social } = services;
  const limits = rateLimits(services.config);
  return async (app) => {
    const dms = ['direct messages'];
    app.get(
      '/dms',
      {
        schema: {
          tags: dms,
          // Alike in shape only: each route declares its own schema (its OpenAPI entry) and handler.
          summary: 'Your conversations, most recent first',
          querystring: pageQuery(),
          response: { 200: ConversationPage },
        },
      },
      async (request) => {
        const limit = request.query.limit ?? 20;
        const rows = await social.messages.conversations(
          requireUser(request).id,
          request.query.cursor,
          limit,
        );
        const peers = await social.usersByIds(rows.map((r) => r.peerId));
        const page = rows.slice(0, limit).flatMap((r) => {
          const peer = peers.get(r.peerId);
          return peer
            ? [
                {
                  peer: presentUser(peer),
                  last_message: presentMessage(r.message),
                  unread_count: r.unread,
                },
              ]
            : [];
        });
        const last = rows[limit - 1];
        return {
          data: page,
          next_cursor: rows.length > limit && last ? encodeCursor([last.message.id]) : null,
        };
      },
    );
    app.get(
      '/dms/unread_count',
      {
        schema: {
          tags: dms,
          summary: 'How many direct messages to you are unread, over every conversation',
          response: { 200: UnreadCountDto },
        },
      },
      async (request) => ({ count: await social.messages.unreadCount(requireUser(request).id) }),
    );
    app.get(
      '/dms/:id',
      {
        schema: {
          tags: dms,
          // Alike in shape only: each route declares its own schema (its OpenAPI entry) and handler.
          summary: 'Messages with a user, newest first',
          params: IdParams,
          querystring: pageQuery(),
          response: { 200: MessagePage },
        },
      },
      async (request) => {
        const limit = request.query.limit ?? 20;
        const rows = await social.messages.conversation(
          requireUser(request).id,
          request.params.id,
          request.query.cursor,
          limit,
        );
        return toPage(rows, limit, presentMessage, (m) => [m.id]);
      },
    );
    app.post(
      '/dms/:id',
      {
        ...limits.write,
        schema: {
          tags: dms,
          summary: 'Send a direct message',
          params: IdParams,
          body: SendMessageBody,
          response: { 201: MessageDto },
        },
      },
      async (request, reply) => {
        const message = await social.messages.send(
          requireUser(request).id,
          request.params.id,
          request.body.text,
        );
        return reply.status(201).send(presentMessage(message));
      },
    );
    app.post(
      '/dms/:id/read',
      {
        schema: {
          tags: dms,
          summary: 'Mark a conversation read',
          params: IdParams,
          response: { 200: Ok },
        },
      },
      async (request) => {
        await social.messages.markRead(requireUser(request).id, request.params.id);
        return { ok: true };
      },
    );

    const notes = ['notifications'];
    app.get(
      '/notifications',
      {
        schema: {
          tags: notes,
          summary: 'Your notifications, newest first',
          querystring: pageQuery({ unread_only: Type.Optional(Type.Boolean()) }),
          response: { 200: NotificationPage },
        },
      },
      async (request) => {
        const limit = request.query.limit ?? 20;
        const rows = await social.notifications(
          requireUser(request).id,
          request.query.unread_only === true,
          request.query.cursor,
          limit,
        );
        const actors = await social.usersByIds(
          rows.flatMap((n) => (n.actor_id ? [n.actor_id] : [])),
        );
        return toPage(
          rows,
          limit,
          (n) => presentNotification(n, n.actor_id ? actors.get(n.actor_id) : undefined),
          (n) => [n.id],
        );
      },
    );
    app.get(
      '/notifications/unread_count',
      {
        schema: {
          tags: notes,
          summary: 'How many notifications are unread',
          response: { 200: UnreadCountDto },
        },
      },
      async (request) => ({ count: await social.unreadNotificationCount(requireUser(request).id) }),
    );
    app.post(
      '/notifications/read',
      {
        schema: {
          tags: notes,
          summary: 'Mark notifications read: some by id, or all',
          body: MarkReadBody,
          response: { 200: MarkedReadDto },
        },
      },
      async (request) => {
        const body = request.body;
        const ids = 'all' in body ? 'all' : body.ids;
        return { updated: await social.markNotificationsRead(requireUser(request).id, ids) };
      },
    );
  };
}
