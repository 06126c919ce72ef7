import { type CreateSpaceBody, SPACE_CONTENT_LIMITS as L } from '@salon/protocol';
import { i18n } from '../../i18n';

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
const t = (key: string, options?: Record<string, unknown>) =>
  i18n.t(key, { ns: 'create', ...options });

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
  if (!title) errors.title = t('errors.titleMissing');
  else if (chars(title) > L.title_max) errors.title = t('errors.tooLong', { max: L.title_max });
  if (chars(form.description.trim()) > L.description_max) {
    errors.description = t('errors.tooLong', { max: L.description_max });
  }
  const topics = parseTopics(form.topics);
  if (topics.length > L.topics_max)
    errors.topics = t('errors.tooManyTopics', { max: L.topics_max });
  else if (topics.some((t) => chars(t) > L.topic_max)) {
    errors.topics = t('errors.topicTooLong', { max: L.topic_max });
  }
  if (form.scheduledStart) {
    const at = new Date(form.scheduledStart).getTime();
    if (Number.isNaN(at)) errors.scheduledStart = t('errors.pickTime');
    else if (at <= now) errors.scheduledStart = t('errors.future');
    else if (at - now > MAX_AHEAD_MS) errors.scheduledStart = t('errors.tooFar');
  }
  return errors;
}

export function toCreateInput(form: SpaceForm): CreateSpaceBody {
  return {
    title: form.title.trim(),
    description: form.description.trim(),
    topics: parseTopics(form.topics),
    language: form.language,
    recording: form.recording,
    scheduled_start: form.scheduledStart ? new Date(form.scheduledStart).toISOString() : null,
  };
}
