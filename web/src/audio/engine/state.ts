/**
 * What the audio of the space you are in looks like (AudioController's
 * output, `AudioState`) and what it is told about you (`AudioTarget`).
 */
import type { ListenTierDto } from '@salon/protocol';
import type { AudioErrorInfo } from './failure';
import type { MicProblem } from './microphone';
import type { PerSpeaker } from './speakers';
import type { SpeakerVolumeMap } from './volumes';

export type AudioPhase =
  /** Not in a live space. */
  | 'off'
  | 'connecting'
  | 'playing'
  /** The browser blocked autoplay: a tap on "Tap to listen" starts the sound. */
  | 'blocked'
  /** The audio dropped (network, media server): negotiating again. */
  | 'reconnecting';

/** How the audio reaches you: a WebRTC listener, an HLS listener, or a stage member. */
export type AudioRoute = 'webrtc' | 'hls' | 'stage';

/** `listening_elsewhere`: your other tab took your WebRTC seat (one per person). */
export type HlsReason = ListenTierDto['reason'] | 'webrtc_failed' | 'listening_elsewhere';

export interface MicState {
  status: 'off' | 'opening' | 'on' | 'muted' | 'problem';
  problem: MicProblem | null;
}

export interface AudioState {
  spaceId: string | null;
  phase: AudioPhase;
  route: AudioRoute | null;
  /** Why this listener is on HLS (null on WebRTC). */
  hlsReason: HlsReason | null;
  mic: MicState;
  /** Master volume, 0..1, over everything you hear. */
  volume: number;
  /** Your volume per speaker (0..2) by user id; only those away from the default (1). */
  speakerVolumes: SpeakerVolumeMap;
  perSpeaker: PerSpeaker;
  /** User ids talking now, from the media server's audio levels. */
  speaking: ReadonlySet<string>;
  /** The last failure, in words, while retrying. */
  error: AudioErrorInfo | null;
}

/** What the space says about you. */
export interface AudioTarget {
  spaceId: string;
  live: boolean;
  onStage: boolean;
  muted: boolean;
  /** You (never played from your own feed); null for a guest. */
  selfId: string | null;
  /** The user ids on the stage now: whose volumes count. */
  stage: readonly string[];
}
