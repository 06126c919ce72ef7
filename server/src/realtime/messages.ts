import {
  CLIENT_MESSAGE_TYPES,
  FEED_CLIENT_MESSAGE_TYPES,
  MEDIA_CLIENT_MESSAGE_TYPES,
} from '@salon/protocol';
import { AppError } from '../errors.js';
import { ID_PATTERN } from '../util/ids.js';

/**
 * The shape of every client message, checked before any handler sees it:
 * a handler may then trust each field's type (a `String(emoji)` on an object
 * with a `toString` that is not a function throws). Pure: no I/O, no clock.
 * Fields not named here are ignored, so older servers accept newer clients.
 */
type FieldKind = 'space_id' | 'boolean' | 'sdp' | 'emoji';

const SPACE_ONLY: Record<string, FieldKind> = { space_id: 'space_id' };
const WITH_SDP: Record<string, FieldKind> = { space_id: 'space_id', sdp: 'sdp' };

/** Required fields per message type; `?` marks an optional one. */
const FIELDS: Record<string, Record<string, FieldKind>> = {
  ping: {},
  subscribe: { space_id: 'space_id', 'incognito?': 'boolean' },
  unsubscribe: SPACE_ONLY,
  react: { space_id: 'space_id', emoji: 'emoji' },
  media_publish: WITH_SDP,
  media_unpublish: SPACE_ONLY,
  media_listen: SPACE_ONLY,
  media_listen_answer: WITH_SDP,
  media_stop_listening: SPACE_ONLY,
  feed_publish: WITH_SDP,
  feed_unpublish: SPACE_ONLY,
  feed_standby: SPACE_ONLY,
  feeds_watch: SPACE_ONLY,
  feeds_answer: WITH_SDP,
  feeds_stop: SPACE_ONLY,
};

/** Every message type the protocol defines, so a table row cannot be forgotten (a unit test checks). */
export const KNOWN_CLIENT_TYPES: readonly string[] = [
  ...CLIENT_MESSAGE_TYPES,
  ...MEDIA_CLIENT_MESSAGE_TYPES,
  ...FEED_CLIENT_MESSAGE_TYPES,
];

export const MAX_REQUEST_ID = 64;
/** An SDP is checked for content where it is used; this only bounds it (the frame is smaller anyway). */
const MAX_SDP = 64 * 1024;
/** The longest offered reaction is a few UTF-16 units; anything longer is not one. */
const MAX_EMOJI = 16;
const idRe = new RegExp(ID_PATTERN);

export type Envelope =
  | { ok: true; type: string; requestId: string | undefined; message: Record<string, unknown> }
  | { ok: false; error: AppError; requestId: string | undefined };

/**
 * Reads one text frame: JSON, an object with a `type`, a `request_id` that
 * can be echoed. Field checks come later (`checkFields`), once the type is
 * known to have a handler.
 */
export function readEnvelope(text: string): Envelope {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return {
      ok: false,
      error: AppError.invalid('invalid_json', 'Messages are JSON objects.'),
      requestId: undefined,
    };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return {
      ok: false,
      error: AppError.invalid('invalid_message', 'A message is a JSON object with a "type".'),
      requestId: undefined,
    };
  }
  const message = value as Record<string, unknown>;
  const rawId = message['request_id'];
  if (
    rawId !== undefined &&
    (typeof rawId !== 'string' || rawId.length === 0 || rawId.length > MAX_REQUEST_ID)
  ) {
    return {
      ok: false,
      error: AppError.invalid(
        'invalid_request_id',
        `"request_id" must be a string of 1 to ${MAX_REQUEST_ID} characters.`,
      ),
      requestId: undefined,
    };
  }
  const requestId = rawId as string | undefined;
  const type = message['type'];
  if (typeof type !== 'string') {
    return {
      ok: false,
      error: AppError.invalid('invalid_message', 'A message needs a "type" (a string).'),
      requestId,
    };
  }
  return { ok: true, type, requestId, message };
}

/**
 * Checks the fields of a message whose type has a handler; throws an
 * `AppError` naming the first bad field. Types outside the table (another
 * extension's) need at least a space id.
 */
export function checkFields(type: string, message: Record<string, unknown>): void {
  const fields = FIELDS[type] ?? SPACE_ONLY;
  for (const [spec, kind] of Object.entries(fields)) {
    const optional = spec.endsWith('?');
    const name = optional ? spec.slice(0, -1) : spec;
    const value = message[name];
    if (value === undefined && optional) continue;
    if (!fits(kind, value)) throw fieldError(name, kind, value === undefined);
  }
}

function fits(kind: FieldKind, value: unknown): boolean {
  switch (kind) {
    case 'space_id':
      return typeof value === 'string' && idRe.test(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'sdp':
      return typeof value === 'string' && value.length <= MAX_SDP;
    case 'emoji':
      return typeof value === 'string' && value.length > 0 && value.length <= MAX_EMOJI;
  }
}

function fieldError(name: string, kind: FieldKind, missing: boolean): AppError {
  // Kept from before: clients already know this code for a bad space id.
  if (kind === 'space_id')
    return AppError.invalid('invalid_space_id', 'space_id must be a space id.');
  const what = {
    boolean: 'true or false',
    sdp: `a session description (a string of at most ${MAX_SDP / 1024} KiB)`,
    emoji: 'one of the offered reactions (a string)',
  }[kind];
  return AppError.invalid(
    'invalid_message',
    missing ? `"${name}" is missing: it must be ${what}.` : `"${name}" must be ${what}.`,
    { field: name },
  );
}
