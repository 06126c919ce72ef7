import { AppError } from '../errors.js';
import { isJanusError } from './janus/errors.js';
import { AudioBridgeError, JanusCoreError, VideoRoomError } from './janus/protocol.js';

/** Janus's ways of saying "this SDP is not one I can use", core and plugins. */
const INVALID_SDP = new Set<number>([
  JanusCoreError.jsepUnknownType,
  JanusCoreError.invalidSdp,
  JanusCoreError.unexpectedAnswer,
  AudioBridgeError.invalidSdp,
  VideoRoomError.invalidSdp,
]);

/**
 * What a client is told when the media server fails its request: a Janus
 * error is the client's fault only when it refused the SDP the client sent;
 * otherwise it is the media server's state (unavailable, timed out). Returns
 * null for anything that is not a Janus error (a bug: internal_error).
 */
export function mediaClientError(error: unknown): AppError | null {
  if (!isJanusError(error)) return null;
  switch (error.kind) {
    case 'janus':
      if (error.code !== undefined && INVALID_SDP.has(error.code)) {
        return AppError.invalid(
          'invalid_sdp',
          'The media server could not use this session description; create a new one and try again.',
        );
      }
      return AppError.conflict(
        'media_refused',
        'The media server refused this request; negotiate again (a new offer or media_listen).',
      );
    case 'timeout':
      return new AppError(
        'unavailable',
        'media_timeout',
        'The media server did not answer in time; try again.',
      );
    case 'closed':
      return new AppError(
        'unavailable',
        'media_unavailable',
        'The media server is restarting; try again in a moment.',
      );
    case 'protocol':
      return new AppError(
        'unavailable',
        'media_error',
        'The media server answered oddly; try again.',
      );
  }
}
