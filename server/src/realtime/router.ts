import {
  CLIENT_MESSAGE_TYPES,
  type ClientMessage,
  type ClientMessageOf,
  type ClientMessageType,
} from '@salon/protocol';
import type { FastifyBaseLogger } from 'fastify';
import { AppError, isAppError } from '../errors.js';
import type { SpaceState } from '../spaces/model.js';
import type { Clock } from '../util/clock.js';
import { AccountRefusal, MESSAGE_RULES, type MessageAuthority } from './authority.js';
import { checkFields, readEnvelope } from './messages.js';
import { type Connection, type RealtimeConnection, sendTo } from './socket.js';

/** The message types the gateway itself answers; extensions answer the rest. */
const CORE_TYPES: ReadonlySet<string> = new Set(CLIENT_MESSAGE_TYPES);

/** A client message type another plane answers (media's, feeds'), not the gateway. */
export type ExtensionMessageType = Exclude<ClientMessage['type'], ClientMessageType>;

/** The handler of one extension message type: it reads the message as its schema checked it. */
export type ExtensionHandler<T extends ExtensionMessageType> = (
  conn: RealtimeConnection,
  message: ClientMessageOf<T>,
  requestId: string | undefined,
) => Promise<void>;

/** A handler for each of the types `T`: an extension that must answer all of them says so with it. */
export type HandlersOf<T extends ExtensionMessageType> = { readonly [K in T]: ExtensionHandler<K> };

/** An extension's typed handlers, keyed by the message types it answers. */
export type ExtensionHandlers = Partial<HandlersOf<ExtensionMessageType>>;

/**
 * Other planes (media signaling, feeds) answer their own client messages on
 * the same WebSocket without the gateway knowing them: each extension
 * registers a typed handler per message type (`handlers`) and hears about
 * disconnections.
 */
export interface GatewayExtension {
  readonly handlers: ExtensionHandlers;
  disconnected?(conn: RealtimeConnection): void;
  /** The connection lost a space (its person was removed): end what it holds there. */
  revoked?(conn: RealtimeConnection, spaceId: string): void;
  /** What to tell the client of a failure that is not an `AppError` (a media server's), if anything. */
  explain?(error: unknown): AppError | null;
}

/**
 * Hands a checked message to the extension's handler of its type. The one
 * cast of the dispatch: TypeScript cannot tie the handler looked up by
 * `type` to the message of that type, which the schema check has made so.
 */
function runExtension(
  extension: GatewayExtension,
  conn: RealtimeConnection,
  message: { type: string; space_id: string } & Record<string, unknown>,
  requestId: string | undefined,
): Promise<void> {
  const handlers = extension.handlers as Record<
    string,
    ExtensionHandler<ExtensionMessageType> | undefined
  >;
  const handler = handlers[message.type];
  if (handler) return handler(conn, message as unknown as ClientMessageOf<never>, requestId);
  throw AppError.invalid('unknown_message', `Unknown message type "${message.type.slice(0, 40)}".`);
}

/** What the router dispatches to: the core message types' handlers, and the extensions. */
export interface RouterOptions {
  clock: Clock;
  logger: FastifyBaseLogger;
  authority: MessageAuthority;
  /** Per message type; the gateway registers them (`extend`). */
  extensions: ReadonlyMap<string, GatewayExtension>;
  subscribe(
    conn: Connection,
    spaceId: string,
    incognito: boolean,
    requestId: string | undefined,
    /** The space as the per-message check admitted it. */
    admitted: SpaceState | null,
  ): Promise<void>;
  leave(conn: Connection, spaceId: string): void;
  react(
    conn: Connection,
    spaceId: string,
    emoji: string,
    admitted: SpaceState | null,
  ): Promise<void>;
  /** Closes a connection whose account no longer stands, saying why. */
  dismiss(conn: Connection, error: AppError): void;
}

/**
 * One client message, from text to its answer: the envelope and fields are
 * read, the authority checked, the message dispatched to its handler or
 * extension, and any failure answered as an error carrying the request's id.
 */
export class MessageRouter {
  constructor(private readonly o: RouterOptions) {}

  async onMessage(conn: Connection, text: string): Promise<void> {
    const envelope = readEnvelope(text);
    const requestId = envelope.requestId;
    const reply = (error: AppError, spaceId?: string) =>
      sendTo(conn, {
        type: 'error',
        code: error.code,
        message: error.message,
        ...(spaceId ? { space_id: spaceId } : {}),
        ...(requestId ? { request_id: requestId } : {}),
      });
    if (!envelope.ok) return reply(envelope.error);
    const { type, message } = envelope;
    const extension = this.o.extensions.get(type);
    if (!CORE_TYPES.has(type) && !extension && !Object.hasOwn(MESSAGE_RULES, type)) {
      return reply(
        AppError.invalid('unknown_message', `Unknown message type "${type.slice(0, 40)}".`),
      );
    }
    const spaceId = typeof message['space_id'] === 'string' ? message['space_id'] : undefined;
    // Every request is answered: with its reply, an ack, or an error carrying its request_id.
    let answered = false;
    const ack = () => {
      if (requestId && !answered)
        sendTo(conn, {
          type: 'ack',
          request_id: requestId,
          ...(spaceId ? { space_id: spaceId } : {}),
        });
    };
    try {
      checkFields(type, message);
      // Authority is checked per message, not per connection: a suspension or a removal
      // holds against sockets opened before it.
      const checked = await this.o.authority.check(conn, type, spaceId);
      const m = message as unknown as ClientMessage;
      switch (m.type) {
        case 'ping':
          return sendTo(conn, {
            type: 'pong',
            at: new Date(this.o.clock.now()).toISOString(),
            ...(requestId ? { request_id: requestId } : {}),
          });
        case 'subscribe':
          return await this.o.subscribe(conn, m.space_id, m.incognito === true, requestId, checked);
        case 'unsubscribe':
          this.o.leave(conn, m.space_id);
          return ack();
        case 'react':
          await this.o.react(conn, m.space_id, m.emoji, checked);
          return ack();
        default: {
          if (!extension)
            throw new AppError('unavailable', 'media_unavailable', 'Audio is off on this server.');
          // An extension answers through this view, which notes whether it did.
          const view: RealtimeConnection = {
            id: conn.id,
            device: conn.device,
            get viewer() {
              return conn.viewer;
            },
            send: (out: object) => {
              if (requestId && (out as { request_id?: unknown }).request_id === requestId)
                answered = true;
              conn.send(out);
            },
          };
          await runExtension(
            extension,
            view,
            message as { type: string; space_id: string } & Record<string, unknown>,
            requestId,
          );
          return ack();
        }
      }
    } catch (error) {
      if (isAppError(error)) return reply(error, spaceId);
      if (error instanceof AccountRefusal) {
        reply(error.error, spaceId);
        return this.o.dismiss(conn, error.error);
      }
      const explained = extension?.explain?.(error);
      if (explained) return reply(explained, spaceId);
      // A bug, not the client's fault: logged, and still answered.
      this.o.logger.error({ err: error, type }, 'realtime message failed');
      return reply(
        new AppError('internal', 'internal_error', 'Something went wrong on our side; try again.'),
        spaceId,
      );
    }
  }
}
