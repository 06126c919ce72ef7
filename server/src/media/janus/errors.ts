/**
 * Why a Janus call failed. `code` is Janus's own number where Janus gave one
 * (core API 4xx or a plugin's error_code), so callers can branch on it
 * (e.g. AudioBridgeError.noSuchRoom); failures on our side of the socket
 * have `code` undefined and a distinct `kind`.
 */
export type JanusErrorKind =
  /** Janus answered with an error (core or plugin). */
  | 'janus'
  /** No answer within the request timeout. */
  | 'timeout'
  /** The socket closed, or the session/handle was closed, before an answer. */
  | 'closed'
  /** Janus answered something we cannot read. */
  | 'protocol';

export class JanusError extends Error {
  override readonly name = 'JanusError';

  constructor(
    readonly kind: JanusErrorKind,
    message: string,
    readonly code?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  static fromJanus(code: number, reason: string, request: string): JanusError {
    return new JanusError('janus', `Janus refused ${request}: ${reason} (${code})`, code);
  }

  static timeout(request: string, ms: number): JanusError {
    return new JanusError('timeout', `Janus did not answer ${request} within ${ms} ms`);
  }

  static closed(what: string, cause?: unknown): JanusError {
    return new JanusError('closed', `${what} closed`, undefined, { cause });
  }

  static protocol(message: string): JanusError {
    return new JanusError('protocol', message);
  }
}

export function isJanusError(value: unknown, code?: number): value is JanusError {
  return value instanceof JanusError && (code === undefined || value.code === code);
}
