/**
 * The lock screen, the notification shade and headphone buttons show the
 * space you listen to (its title, its host, the host's picture or the app's
 * icon) through the Media Session API, and pause and resume it. The rule is
 * pure (`sessionFor`); `applySession` writes it to a MediaSession, so tests
 * give it a fake one.
 */

export interface SessionInput {
  /** The space you are in, while it is live; null otherwise. */
  space: { title: string; host: { display_name: string; avatar_url: string | null } } | null;
  /** What the audio is doing. */
  phase: 'off' | 'connecting' | 'playing' | 'blocked' | 'reconnecting';
  /** On the stage: the stage does not pause. */
  onStage: boolean;
  paused: boolean;
}

export interface SessionArtwork {
  src: string;
  sizes: string;
  type?: string;
}

export interface SessionOutput {
  metadata: { title: string; artist: string; album: string; artwork: SessionArtwork[] } | null;
  playbackState: 'none' | 'paused' | 'playing';
  /** Whether play and pause do anything (for a listener, not for the stage). */
  pausable: boolean;
}

export const APP_ARTWORK: SessionArtwork[] = [
  { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' },
  { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png' },
];

export function sessionFor(input: SessionInput): SessionOutput {
  const { space } = input;
  // Nothing to show before the audio starts, or once you left or it ended.
  const heard = input.paused || input.phase === 'playing' || input.phase === 'reconnecting';
  if (!space || !heard) return { metadata: null, playbackState: 'none', pausable: false };
  const avatar = space.host.avatar_url;
  return {
    metadata: {
      title: space.title,
      artist: space.host.display_name,
      album: 'Salon',
      artwork: avatar ? [{ src: absolute(avatar), sizes: '400x400' }, ...APP_ARTWORK] : APP_ARTWORK,
    },
    playbackState: input.paused ? 'paused' : 'playing',
    pausable: !input.onStage,
  };
}

function absolute(url: string): string {
  try {
    return new URL(url, globalThis.location?.href ?? 'http://localhost/').href;
  } catch {
    return url;
  }
}

/** The part of `navigator.mediaSession` used here. */
export interface MediaSessionLike {
  metadata: MediaMetadata | null;
  playbackState: MediaSessionPlaybackState;
  setActionHandler(action: MediaSessionAction, handler: MediaSessionActionHandler | null): void;
}

const ACTIONS: MediaSessionAction[] = ['play', 'pause', 'stop'];

export function applySession(
  session: MediaSessionLike,
  output: SessionOutput,
  setPaused: (paused: boolean) => void,
  createMetadata: (init: MediaMetadataInit) => MediaMetadata = (init) => new MediaMetadata(init),
): void {
  session.metadata = output.metadata ? createMetadata(output.metadata) : null;
  session.playbackState = output.playbackState;
  for (const action of ACTIONS) {
    const handler = !output.pausable
      ? null
      : action === 'play'
        ? () => setPaused(false)
        : () => setPaused(true);
    try {
      session.setActionHandler(action, handler);
    } catch {
      // An action this browser does not know.
    }
  }
}
