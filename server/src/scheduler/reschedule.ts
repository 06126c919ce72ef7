import { AppError } from '../errors.js';
import type { Command } from '../spaces/model.js';
import { authorize } from '../spaces/policy.js';

/**
 * Moves a scheduled space to another time: the host only, before it starts,
 * within the same window as creation (future, at most `maxScheduleAheadMs`).
 * The change goes out as `space_updated` with the new `scheduled_start`.
 */
export const rescheduleSpace: Command<{ scheduled_start: number }> = (
  state,
  actor,
  { scheduled_start },
  { now, limits },
) => {
  // "start" is exactly the rule: the host, while the space is scheduled.
  authorize(actor, 'start', state);
  if (!Number.isFinite(scheduled_start) || scheduled_start <= now) {
    throw AppError.invalid('schedule_in_past', 'Schedule the space for a time in the future.');
  }
  if (scheduled_start > now + limits.maxScheduleAheadMs) {
    const days = Math.floor(limits.maxScheduleAheadMs / (24 * 3600 * 1000));
    throw AppError.invalid(
      'schedule_too_far',
      `Spaces can be scheduled ${days} days ahead at most.`,
    );
  }
  if (scheduled_start === state.scheduled_start) return { state, events: [] };
  const version = state.version + 1;
  return {
    state: { ...state, scheduled_start, version },
    events: [
      {
        type: 'space_updated',
        title: state.title,
        description: state.description,
        topics: [...state.topics],
        language: state.language,
        scheduled_start,
        version,
      },
    ],
  };
};
