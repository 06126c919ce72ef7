import type { CaptionLine, SpeakerCaptionState } from '../service.js';

export type { CaptionLine, SpeakerCaptionState };

/**
 * Where the pipeline's lines go: `CaptionsService` (publish, speakerState)
 * in the server, a test's own sink in the pipeline's tests.
 */
export interface CaptionSink {
  publish(line: CaptionLine): unknown;
  speakerState(spaceId: string, userId: string, state: SpeakerCaptionState): unknown;
}
