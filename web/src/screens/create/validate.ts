import { SPACE_CONTENT_LIMITS as L } from '@salon/protocol';
import type { CreateSpaceInput } from '../../api';

export interface SpaceForm {
  title: string;
  description: string;
  /** As typed: comma-separated. */
  topics: string;
  language: string;
  recording: boolean;
  /** Empty: start now; else a local date-time ("2026-01-01T18:00"). */
  scheduledStart: string;
}

export type SpaceFormErrors = Partial<Record<keyof SpaceForm, string>>;

const MAX_AHEAD_MS = 14 * 24 * 3600 * 1000;
const chars = (s: string) => [...s].length;

/** "Music, Jazz ,music" → ["music", "jazz"]. */
export function parseTopics(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split(',')) {
    const topic = raw.trim().replace(/^#/, '').toLowerCase();
    if (topic && !out.includes(topic)) out.push(topic);
  }
  return out;
}

/** The same limits as the server, counted in code points. */
export function validateSpace(form: SpaceForm, now: number = Date.now()): SpaceFormErrors {
  const errors: SpaceFormErrors = {};
  const title = form.title.trim();
  if (!title) errors.title = 'Give your space a title.';
  else if (chars(title) > L.title_max) errors.title = `At most ${L.title_max} characters.`;
  if (chars(form.description.trim()) > L.description_max) {
    errors.description = `At most ${L.description_max} characters.`;
  }
  const topics = parseTopics(form.topics);
  if (topics.length > L.topics_max) errors.topics = `At most ${L.topics_max} topics.`;
  else if (topics.some((t) => chars(t) > L.topic_max)) {
    errors.topics = `A topic is at most ${L.topic_max} characters.`;
  }
  if (form.scheduledStart) {
    const at = new Date(form.scheduledStart).getTime();
    if (Number.isNaN(at)) errors.scheduledStart = 'Pick a date and time.';
    else if (at <= now) errors.scheduledStart = 'Pick a time in the future.';
    else if (at - now > MAX_AHEAD_MS) errors.scheduledStart = 'Schedule at most 14 days ahead.';
  }
  return errors;
}

export function toCreateInput(form: SpaceForm): CreateSpaceInput {
  return {
    title: form.title.trim(),
    description: form.description.trim(),
    topics: parseTopics(form.topics),
    language: form.language,
    recording: form.recording,
    scheduled_start: form.scheduledStart ? new Date(form.scheduledStart).toISOString() : null,
  };
}
