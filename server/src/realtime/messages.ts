import {
  CLIENT_MESSAGE_TYPES,
  FEED_CLIENT_MESSAGE_TYPES,
  MEDIA_CLIENT_MESSAGE_TYPES,
} from '@salon/protocol';
import { CLIENT_MESSAGE_FIELDS, EXTENSION_MESSAGE_FIELDS, MAX_SDP } from '@salon/protocol/schemas';
import type { TObject } from '@sinclair/typebox';
import { type TypeCheck, TypeCompiler } from '@sinclair/typebox/compiler';
import { AppError } from '../errors.js';

/**
 * The shape of every client message, checked before any handler sees it,
 * with the protocol's schemas (CLIENT_MESSAGE_FIELDS) compiled once: a
 * handler may then trust each field's type (a `String(emoji)` on an object
 * with a `toString` that is not a function throws). Pure: no I/O, no clock.
 */
const compiled = new Map<string, TypeCheck<TObject>>(
  Object.entries(CLIENT_MESSAGE_FIELDS).map(([type, schema]) => [
    type,
    TypeCompiler.Compile(schema),
  ]),
);
const extension = TypeCompiler.Compile(EXTENSION_MESSAGE_FIELDS);

/** Every message type the protocol defines, so a table row cannot be forgotten (a unit test checks). */
export const KNOWN_CLIENT_TYPES: readonly string[] = [
  ...CLIENT_MESSAGE_TYPES,
  ...MEDIA_CLIENT_MESSAGE_TYPES,
  ...FEED_CLIENT_MESSAGE_TYPES,
];

export const MAX_REQUEST_ID = 64;

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
  const check = compiled.get(type) ?? extension;
  if (check.Check(message)) return;
  const first = check.Errors(message).First();
  const name = first?.path.split('/')[1] ?? '';
  throw fieldError(name, message[name] === undefined);
}

/** What each checked field must be, as the refusal says it. */
const WHAT: Record<string, string> = {
  incognito: 'true or false',
  sdp: `a session description (a string of at most ${MAX_SDP / 1024} KiB)`,
  emoji: 'one of the offered reactions (a string)',
};

function fieldError(name: string, missing: boolean): AppError {
  // Kept from before: clients already know this code for a bad space id.
  if (name === 'space_id')
    return AppError.invalid('invalid_space_id', 'space_id must be a space id.');
  const what = WHAT[name] ?? 'as the protocol says';
  return AppError.invalid(
    'invalid_message',
    missing ? `"${name}" is missing: it must be ${what}.` : `"${name}" must be ${what}.`,
    { field: name },
  );
}
