/**
 * The microphone: opened with the browser's voice processing (on for people,
 * off for music and tone tests), and every way it can fail turned into a
 * sentence that says what happened and how to fix it.
 */

export type MicProblemKind = 'denied' | 'missing' | 'busy' | 'insecure' | 'unknown';

export interface MicProblem {
  kind: MicProblemKind;
  /** What happened, and what to do about it, for people. */
  message: string;
}

const FIX: Record<MicProblemKind, string> = {
  denied:
    'Microphone access is blocked for this site. Open the site settings (the icon left of the address) and allow the microphone, then press “Try the microphone again”. On a phone, also allow the microphone for your browser in the system settings.',
  missing:
    'No microphone was found. Plug one in or turn it on (and check that your system settings let the browser use it), then press “Try the microphone again”.',
  busy: 'Your microphone could not be started: another app may be using it. Close that app, then press “Try the microphone again”.',
  insecure:
    'This page is not served over https, so the browser hides the microphone. Open Salon through its https address.',
  unknown: 'Your microphone could not be started. Press “Try the microphone again”.',
};

export class MicrophoneError extends Error {
  constructor(readonly problem: MicProblem) {
    super(problem.message);
    this.name = 'MicrophoneError';
  }
}

export function micProblem(kind: MicProblemKind): MicProblem {
  return { kind, message: FIX[kind] };
}

/** The problem behind a getUserMedia failure (a DOMException, by name). */
export function micProblemOf(error: unknown): MicProblem {
  const name = (error as { name?: string } | null)?.name ?? '';
  switch (name) {
    case 'NotAllowedError':
    case 'PermissionDeniedError':
    case 'SecurityError':
      return micProblem('denied');
    case 'NotFoundError':
    case 'DevicesNotFoundError':
    case 'OverconstrainedError':
      return micProblem('missing');
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return micProblem('busy');
    default:
      return micProblem('unknown');
  }
}

export function micConstraints(voiceProcessing: boolean): MediaStreamConstraints {
  return {
    audio: {
      echoCancellation: voiceProcessing,
      noiseSuppression: voiceProcessing,
      autoGainControl: voiceProcessing,
      channelCount: 1,
    },
    video: false,
  };
}

/** Opens the microphone; fails with a MicrophoneError. */
export async function openMicrophone(
  voiceProcessing: boolean,
  devices: Pick<MediaDevices, 'getUserMedia'> | undefined = navigator.mediaDevices,
): Promise<MediaStream> {
  if (!devices?.getUserMedia) throw new MicrophoneError(micProblem('insecure'));
  try {
    const stream = await devices.getUserMedia(micConstraints(voiceProcessing));
    if (stream.getAudioTracks().length === 0) throw new MicrophoneError(micProblem('missing'));
    return stream;
  } catch (error) {
    if (error instanceof MicrophoneError) throw error;
    throw new MicrophoneError(micProblemOf(error));
  }
}
