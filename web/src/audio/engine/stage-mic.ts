/**
 * A stage member's microphone, for the audio controller: opened once for the
 * stage link (a second ask while opening waits for the same one), released
 * off the stage, muted on the local track when the server mutes you, and its
 * problem (permission, device, unplugged) kept until you retry.
 */
import { AudioFailure } from './failure';
import { type MicProblem, micProblem } from './microphone';
import type { MicState } from './state';

export interface StageMicrophoneOptions {
  open: () => Promise<MediaStream>;
  /** Whether you are still on the stage (a microphone opened too late is closed). */
  onStage: () => boolean;
  current: () => MicState;
  report: (mic: MicState) => void;
  /** The track ended (unplugged, revoked): the problem is set, hear the space meanwhile. */
  lost: () => void;
}

export class StageMicrophone {
  private stream: MediaStream | null = null;
  private opening: Promise<MediaStream> | null = null;
  /** Why the microphone cannot be used now; the stage waits for `retry`. */
  problem: MicProblem | null = null;

  constructor(private readonly o: StageMicrophoneOptions) {}

  async get(): Promise<MediaStream> {
    if (this.stream) return this.stream;
    this.o.report({ status: 'opening', problem: null });
    this.opening ??= this.o.open();
    try {
      const stream = await this.opening;
      if (!this.o.onStage()) {
        for (const track of stream.getTracks()) track.stop();
        throw new AudioFailure('audio_not_on_stage', 'Not on the stage any more.');
      }
      this.stream = stream;
      for (const track of stream.getAudioTracks()) {
        // Unplugged or revoked: say so, and keep listening.
        track.addEventListener('ended', () => {
          if (this.stream !== stream) return;
          this.release();
          this.failed(micProblem('missing'));
          this.o.lost();
        });
      }
      return stream;
    } finally {
      this.opening = null;
    }
  }

  failed(problem: MicProblem): void {
    this.problem = problem;
    this.o.report({ status: 'problem', problem });
  }

  /** After fixing the microphone (permission, device): it may be tried again. */
  retry(): void {
    this.problem = null;
    this.o.report({ status: 'off', problem: null });
  }

  /** A new space: an old problem is forgotten. */
  forget(): void {
    this.problem = null;
  }

  release(): void {
    const stream = this.stream;
    this.stream = null;
    if (stream) for (const track of stream.getTracks()) track.stop();
    if (!this.problem && this.o.current().status !== 'off')
      this.o.report({ status: 'off', problem: null });
  }

  /** The server's mute, applied to the local track too: a muted member sends nothing. */
  applyMute(muted: boolean): void {
    const track = this.stream?.getAudioTracks()[0];
    if (!track) return;
    track.enabled = !muted;
    const status = muted ? 'muted' : 'on';
    if (this.o.current().status !== status) this.o.report({ status, problem: null });
  }
}
