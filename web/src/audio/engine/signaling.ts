/**
 * Media requests over the realtime WebSocket: each request carries a
 * `request_id`, and resolves with the answer of the expected type or rejects
 * with the server's error code. Pending requests time out, and all of them
 * are rejected when the connection they were sent on goes away.
 */
import type { ClientMessage, MediaClientMessage, ServerMessage } from '@salon/protocol';

export class MediaRequestError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'MediaRequestError';
  }

  static timeout(type: string): MediaRequestError {
    return new MediaRequestError('timeout', `The server did not answer ${type} in time.`);
  }

  static notConnected(): MediaRequestError {
    return new MediaRequestError('not_connected', 'Not connected to the server.');
  }

  static closed(): MediaRequestError {
    return new MediaRequestError('closed', 'The connection was closed.');
  }
}

/** What the signaling needs of the realtime client. */
export interface SignalTransport {
  send(message: ClientMessage): boolean;
}

const PREFIX = 'media:';

/** Messages that belong to the audio, not to the space's store (its errors included). */
export function isAudioMessage(message: ServerMessage): boolean {
  if (message.type === 'error') return message.request_id?.startsWith(PREFIX) === true;
  return (
    message.type.startsWith('media_') ||
    message.type.startsWith('feed_') ||
    message.type.startsWith('feeds_') ||
    message.type === 'speaking'
  );
}

type Answer<T extends ServerMessage['type']> = Extract<ServerMessage, { type: T }>;

interface Pending {
  answers: readonly ServerMessage['type'][];
  resolve: (message: ServerMessage) => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

type Request = MediaClientMessage extends infer M
  ? M extends MediaClientMessage
    ? Omit<M, 'request_id'>
    : never
  : never;

export class MediaSignal {
  private counter = 0;
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly transport: SignalTransport,
    private readonly timeoutMs = 15_000,
  ) {}

  /** Sends a request; resolves with the first answer of one of the expected types. */
  request<T extends ServerMessage['type']>(
    message: Request,
    answer: T | readonly T[],
  ): Promise<Answer<T>> {
    const answers: readonly T[] = typeof answer === 'string' ? [answer] : answer;
    this.counter += 1;
    const requestId = `${PREFIX}${this.counter}`;
    return new Promise<Answer<T>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(requestId);
        reject(MediaRequestError.timeout(message.type));
      }, this.timeoutMs);
      this.pending.set(requestId, {
        answers,
        resolve: resolve as (m: ServerMessage) => void,
        reject,
        timer,
      });
      const sent = this.transport.send({ ...message, request_id: requestId } as ClientMessage);
      if (!sent) this.settle(requestId, MediaRequestError.notConnected());
    });
  }

  /** Sends without waiting for anything (stop listening, unpublish). */
  tell(message: Request): void {
    this.transport.send(message as ClientMessage);
  }

  /** Feeds a server message; returns whether it answered a pending request. */
  handle(message: ServerMessage): boolean {
    const requestId = 'request_id' in message ? message.request_id : undefined;
    if (!requestId) return false;
    const pending = this.pending.get(requestId);
    if (!pending) return false;
    if (message.type === 'error') {
      this.settle(requestId, new MediaRequestError(message.code, message.message));
      return true;
    }
    if (!pending.answers.includes(message.type)) return false;
    this.pending.delete(requestId);
    clearTimeout(pending.timer);
    pending.resolve(message);
    return true;
  }

  /** The connection went away: nothing pending will be answered. */
  rejectAll(error: Error = MediaRequestError.closed()): void {
    for (const id of [...this.pending.keys()]) this.settle(id, error);
  }

  private settle(requestId: string, error: Error): void {
    const pending = this.pending.get(requestId);
    if (!pending) return;
    this.pending.delete(requestId);
    clearTimeout(pending.timer);
    pending.reject(error);
  }
}
