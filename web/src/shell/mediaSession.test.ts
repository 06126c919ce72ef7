import { describe, expect, it, vi } from 'vitest';
import { APP_ARTWORK, applySession, type MediaSessionLike, sessionFor } from './mediaSession';

const space = {
  title: 'Engines and poetry',
  host: { display_name: 'Ada Lovelace', avatar_url: '/media/avatars/ada.png' },
};

function fakeSession() {
  const handlers = new Map<string, MediaSessionActionHandler | null>();
  const session: MediaSessionLike & { handlers: typeof handlers } = {
    metadata: null,
    playbackState: 'none',
    handlers,
    setActionHandler: (action, handler) => handlers.set(action, handler),
  };
  return session;
}

describe('the media session of a space', () => {
  it('shows the title, the host and their picture while a listener hears the space', () => {
    const out = sessionFor({ space, phase: 'playing', onStage: false, paused: false });
    expect(out.metadata?.title).toBe('Engines and poetry');
    expect(out.metadata?.artist).toBe('Ada Lovelace');
    expect(out.metadata?.artwork[0]?.src).toMatch(/^https?:\/\/.+\/media\/avatars\/ada\.png$/);
    expect(out.playbackState).toBe('playing');
    expect(out.pausable).toBe(true);
  });

  it('uses the app icon for a host without a picture', () => {
    const out = sessionFor({
      space: { ...space, host: { ...space.host, avatar_url: null } },
      phase: 'playing',
      onStage: false,
      paused: false,
    });
    expect(out.metadata?.artwork).toEqual(APP_ARTWORK);
  });

  it('shows nothing before the audio plays, or outside a live space', () => {
    expect(sessionFor({ space, phase: 'connecting', onStage: false, paused: false }).metadata).toBe(
      null,
    );
    expect(
      sessionFor({ space: null, phase: 'playing', onStage: false, paused: false }).metadata,
    ).toBe(null);
  });

  it('keeps the space shown while paused, and the stage cannot pause', () => {
    const paused = sessionFor({ space, phase: 'off', onStage: false, paused: true });
    expect(paused.playbackState).toBe('paused');
    expect(paused.metadata?.title).toBe('Engines and poetry');
    expect(sessionFor({ space, phase: 'playing', onStage: true, paused: false }).pausable).toBe(
      false,
    );
  });

  it('pause and play from the lock screen pause and resume listening', () => {
    const session = fakeSession();
    const setPaused = vi.fn();
    applySession(
      session,
      sessionFor({ space, phase: 'playing', onStage: false, paused: false }),
      setPaused,
      (init) => init as unknown as MediaMetadata,
    );
    expect((session.metadata as unknown as MediaMetadataInit).title).toBe('Engines and poetry');
    expect(session.playbackState).toBe('playing');
    session.handlers.get('pause')?.({ action: 'pause' });
    expect(setPaused).toHaveBeenLastCalledWith(true);
    session.handlers.get('play')?.({ action: 'play' });
    expect(setPaused).toHaveBeenLastCalledWith(false);

    // A speaker's session has no pause; leaving clears it all.
    applySession(
      session,
      sessionFor({ space, phase: 'playing', onStage: true, paused: false }),
      setPaused,
      (init) => init as unknown as MediaMetadata,
    );
    expect(session.handlers.get('pause')).toBe(null);
    applySession(session, { metadata: null, playbackState: 'none', pausable: false }, setPaused);
    expect(session.metadata).toBe(null);
    expect(session.playbackState).toBe('none');
  });
});
