import type { ErrorCode, NotFoundSubject } from '@salon/protocol';

/**
 * Domain errors carry a stable snake_case code; the HTTP status is chosen at
 * the edge (http/errors.ts) from the kind, so inner rings never speak HTTP.
 */
export type ErrorKind =
  | 'invalid' // the request is malformed or breaks a rule about its content
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'too_large'
  | 'unsupported_media'
  | 'rate_limited'
  | 'unavailable'
  | 'internal';

export class AppError extends Error {
  override readonly name = 'AppError';
  constructor(
    readonly kind: ErrorKind,
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown; details?: Record<string, unknown> },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.details = options?.details;
  }
  readonly details: Record<string, unknown> | undefined;

  static invalid(code: ErrorCode, message: string, details?: Record<string, unknown>): AppError {
    return new AppError('invalid', code, message, details ? { details } : undefined);
  }
  static unauthenticated(message = 'Sign in to do this.'): AppError {
    return new AppError('unauthenticated', 'unauthenticated', message);
  }
  static forbidden(code: ErrorCode, message: string): AppError {
    return new AppError('forbidden', code, message);
  }
  static notFound(what: NotFoundSubject): AppError {
    return new AppError('not_found', `${what}_not_found`, `No such ${what.replace(/_/g, ' ')}.`);
  }
  static conflict(code: ErrorCode, message: string): AppError {
    return new AppError('conflict', code, message);
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}
