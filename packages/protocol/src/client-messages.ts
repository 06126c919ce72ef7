/**
 * The fields of each client → server socket message, as TypeBox schemas: the
 * server checks every message with them (compiled, server/src/realtime/
 * messages.ts) before a handler sees it, as HTTP bodies are checked with
 * theirs. The envelope (`type`, `request_id`) is read before; fields not
 * named here are ignored, so older servers accept newer clients.
 */
import { type Static, type TObject, Type } from '@sinclair/typebox';
import { Id } from './id-schema.js';
import type { FEED_CLIENT_MESSAGE_TYPES, MEDIA_CLIENT_MESSAGE_TYPES } from './media.js';
import type { SpaceAction } from './policy.js';
import type { CLIENT_MESSAGE_TYPES } from './spaces.js';

/** An SDP is checked for content where it is used; this only bounds it (the frame is smaller anyway). */
export const MAX_SDP = 64 * 1024;
/** The longest offered reaction is a few UTF-16 units; anything longer is not one. */
export const MAX_EMOJI = 16;

const SpaceOnly = Type.Object({ space_id: Id });
const WithSdp = Type.Object({ space_id: Id, sdp: Type.String({ maxLength: MAX_SDP }) });

/** Every client message type: the gateway's own, media's and feeds'. */
export type AnyClientMessageType =
  | (typeof CLIENT_MESSAGE_TYPES)[number]
  | (typeof MEDIA_CLIENT_MESSAGE_TYPES)[number]
  | (typeof FEED_CLIENT_MESSAGE_TYPES)[number];

/**
 * The fields of every client message type the protocol defines; the
 * `ClientMessage` union is derived from this table, so the type a handler
 * reads and the schema a message is checked with cannot disagree.
 */
export const CLIENT_MESSAGE_FIELDS = {
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
} satisfies Record<AnyClientMessageType, TObject>;

/**
 * What each client message needs of its sender, in the space it names,
 * checked by the server (realtime/authority.ts) for every message, not once
 * per connection, before it is handled:
 * - a space action: the policy answers (removed, blocked by the host, guest,
 *   role, lifecycle, switches), with the browser's ban checked too;
 * - `admission`: `listen` while the space is live, `view` otherwise;
 * - `none`: the message only gives something up (unsubscribe, stop,
 *   unpublish) or names no space. The account is still checked.
 * In a ticketed space, `listen` and `react` also need the right to hear it
 * (the stage, staff, a paid ticket): `ticket_required`. Exhaustive over the
 * types: a new message type does not compile until it has a rule here.
 */
export type MessageRule = SpaceAction | 'admission' | 'none';

export const MESSAGE_RULES: Readonly<Record<AnyClientMessageType, MessageRule>> = {
  ping: 'none',
  subscribe: 'admission',
  unsubscribe: 'none',
  react: 'react',
  media_publish: 'publish',
  media_unpublish: 'none',
  media_listen: 'listen',
  media_listen_answer: 'listen',
  media_stop_listening: 'none',
  feed_publish: 'publish',
  feed_unpublish: 'none',
  feed_standby: 'publish',
  feeds_watch: 'listen',
  feeds_answer: 'listen',
  feeds_stop: 'none',
};

type ClientMessageFields = typeof CLIENT_MESSAGE_FIELDS;

/**
 * One client message of type `T`: its fields as the schema checks them,
 * and the envelope. `request_id`, when given, is echoed on the answer
 * (`snapshot`, `pong`, a media answer, `error`, or `ack` for a request that
 * has no other answer) so a client can match them; it is a string of 1 to
 * 64 characters.
 */
export type ClientMessageOf<T extends AnyClientMessageType> = Flat<
  { type: T; request_id?: string } & Static<ClientMessageFields[T]>
>;

/** Client → server: every message type the protocol defines, as its schema checks it. */
export type ClientMessage = {
  [T in AnyClientMessageType]: ClientMessageOf<T>;
}[AnyClientMessageType];

type Flat<T> = { [K in keyof T]: T[K] };

/** A message of a type outside the table (another extension's) needs at least a space id. */
export const EXTENSION_MESSAGE_FIELDS = SpaceOnly;
