/**
 * The fields of each client → server socket message, as TypeBox schemas: the
 * server checks every message with them (compiled, server/src/realtime/
 * messages.ts) before a handler sees it, as HTTP bodies are checked with
 * theirs. The envelope (`type`, `request_id`) is read before; fields not
 * named here are ignored, so older servers accept newer clients.
 */
import { type TObject, Type } from '@sinclair/typebox';
import { Id } from './id-schema.js';
import type { FEED_CLIENT_MESSAGE_TYPES, MEDIA_CLIENT_MESSAGE_TYPES } from './media.js';
import type { CLIENT_MESSAGE_TYPES } from './spaces.js';

/** An SDP is checked for content where it is used; this only bounds it (the frame is smaller anyway). */
export const MAX_SDP = 64 * 1024;
/** The longest offered reaction is a few UTF-16 units; anything longer is not one. */
export const MAX_EMOJI = 16;

const SpaceOnly = Type.Object({ space_id: Id });
const WithSdp = Type.Object({ space_id: Id, sdp: Type.String({ maxLength: MAX_SDP }) });

type ClientMessageType =
  | (typeof CLIENT_MESSAGE_TYPES)[number]
  | (typeof MEDIA_CLIENT_MESSAGE_TYPES)[number]
  | (typeof FEED_CLIENT_MESSAGE_TYPES)[number];

/** The fields of every client message type the protocol defines. */
export const CLIENT_MESSAGE_FIELDS: Record<ClientMessageType, TObject> = {
  ping: Type.Object({}),
  subscribe: Type.Object({ space_id: Id, incognito: Type.Optional(Type.Boolean()) }),
  unsubscribe: SpaceOnly,
  react: Type.Object({
    space_id: Id,
    emoji: Type.String({ minLength: 1, maxLength: MAX_EMOJI }),
  }),
  media_publish: WithSdp,
  media_unpublish: SpaceOnly,
  media_listen: SpaceOnly,
  media_listen_answer: WithSdp,
  media_stop_listening: SpaceOnly,
  feed_publish: WithSdp,
  feed_unpublish: SpaceOnly,
  feed_standby: SpaceOnly,
  feeds_watch: SpaceOnly,
  feeds_answer: WithSdp,
  feeds_stop: SpaceOnly,
};

/** A message of a type outside the table (another extension's) needs at least a space id. */
export const EXTENSION_MESSAGE_FIELDS = SpaceOnly;
