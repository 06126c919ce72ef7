import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ReminderDto, ScheduleBody } from '@salon/protocol/schemas';
import { rateLimits } from '../http/limits.js';
import { parseDateTime } from '../http/validation.js';
import { requireUser, viewerUserId } from '../http/viewer.js';
import type { Services } from '../services.js';
import { SpaceDto, SpaceParams } from '../spaces/schemas.js';

const tags = ['spaces'];

/** Rescheduling and reminders; creating, cancelling and starting early are space commands. */
export function scheduleRoutes(
  services: Pick<Services, 'config' | 'spaceSchedule' | 'spaces'>,
): FastifyPluginAsyncTypebox {
  const { spaceSchedule: schedule, spaces } = services;
  const write = rateLimits(services.config).write;

  return async (app) => {
    const reminder = async (spaceId: string, userId: string | null) => {
      const [counts, mine] = await Promise.all([
        schedule.reminderCounts([spaceId]),
        schedule.remindedBy(userId, [spaceId]),
      ]);
      return { reminded: mine.has(spaceId), reminder_count: counts.get(spaceId) ?? 0 };
    };

    app.put(
      '/spaces/:id/schedule',
      {
        ...write,
        schema: {
          tags,
          summary: 'Move a scheduled space to another time (host; up to 14 days ahead)',
          params: SpaceParams,
          body: ScheduleBody,
          response: { 200: SpaceDto },
        },
      },
      async (request) => {
        const state = await schedule.reschedule(
          request.viewer,
          request.params.id,
          parseDateTime(request.body.scheduled_start, 'body.scheduled_start'),
        );
        return spaces.present(state);
      },
    );

    app.get(
      '/spaces/:id/reminder',
      {
        schema: {
          tags,
          summary: 'How many people set a reminder, and whether you did',
          params: SpaceParams,
          response: { 200: ReminderDto },
        },
      },
      async (request) => {
        await spaces.get(request.params.id);
        return reminder(request.params.id, viewerUserId(request));
      },
    );

    app.post(
      '/spaces/:id/reminder',
      {
        ...write,
        schema: {
          tags,
          summary: 'Be notified when this scheduled space goes live',
          params: SpaceParams,
          response: { 200: ReminderDto },
        },
      },
      async (request) => {
        await schedule.setReminder(request.viewer, request.params.id);
        return reminder(request.params.id, requireUser(request).id);
      },
    );

    app.delete(
      '/spaces/:id/reminder',
      {
        ...write,
        schema: {
          tags,
          summary: 'Remove your reminder',
          params: SpaceParams,
          response: { 200: ReminderDto },
        },
      },
      async (request) => {
        const user = requireUser(request);
        await schedule.removeReminder(user.id, request.params.id);
        return reminder(request.params.id, user.id);
      },
    );
  };
}
