/**
 * The space's audio for React: LiveProvider owns one AudioController (so the
 * audio survives navigation) and wires it to the realtime client and the
 * current space; components read its state with `useAudioState`.
 */
import {
  createContext,
  type ReactNode,
  useContext,
  useEffect,
  useRef,
  useState,
  useSyncExternalStore,
} from 'react';
import { api } from '../../api';
import type { CurrentSpace } from '../../live';
import type { RealtimeClient } from '../../realtime';
import { AudioController } from '../engine/AudioController';
import { readAudioFlags } from '../engine/flags';
import { listenPause } from '../engine/pause';
import { AudioProbe } from '../engine/probe';
import type { AudioState } from '../engine/state';

const AudioContextReact = createContext<AudioController | null>(null);

export function SpaceAudioProvider({
  controller,
  children,
}: {
  controller: AudioController;
  children: ReactNode;
}) {
  return <AudioContextReact.Provider value={controller}>{children}</AudioContextReact.Provider>;
}

/** The audio controller, or null outside LiveProvider (component tests). */
export function useSpaceAudio(): AudioController | null {
  return useContext(AudioContextReact);
}

const noop = () => () => undefined;

export function useAudioState(): AudioState | null {
  const controller = useSpaceAudio();
  return useSyncExternalStore(
    controller ? controller.subscribe : noop,
    controller ? controller.getState : () => null,
  );
}

/**
 * Creates the controller once and keeps it fed: server messages, the
 * connection's state, and what the current space says about you.
 */
export function useAudioController(
  client: RealtimeClient,
  current: CurrentSpace | null,
  meId: string | null,
  /** A guest's token (guests have no session cookie); null when signed in. */
  guestToken: () => string | null,
): AudioController {
  const token = useRef(guestToken);
  token.current = guestToken;
  const [{ controller, probe }] = useState(() => {
    const flags = readAudioFlags();
    const probe = testProbe();
    const controller = new AudioController({
      transport: client,
      listenTier: (spaceId, tier) => api.listenTier(spaceId, tier, token.current()),
      fetchIceServers: () => api.iceServers(token.current()),
      flags,
      probe,
      storage: safeLocalStorage(),
    });
    return { controller, probe };
  });

  useEffect(() => {
    probe?.install();
  }, [probe]);

  useEffect(
    () => client.onMessage((message) => controller.handleMessage(message)),
    [client, controller],
  );

  useEffect(() => {
    controller.handleConnection(client.state);
    return client.onState((state) => controller.handleConnection(state));
  }, [client, controller]);

  useEffect(() => {
    if (!current) {
      controller.setTarget(null);
      return;
    }
    // A space is entered playing, whatever was paused before.
    listenPause.set(false);
    const update = () => {
      const view = current.store.getView();
      if (view.status === 'removed' || view.status === 'failed') {
        controller.setTarget(null);
        return;
      }
      const snapshot = view.snapshot;
      const member = meId ? snapshot?.stage.find((m) => m.user_id === meId) : undefined;
      controller.setTarget({
        spaceId: current.spaceId,
        // Paused from the lock screen: a listener hears nothing until resumed (pause.ts).
        live: snapshot?.space.state === 'live' && !(listenPause.paused && member === undefined),
        onStage: member !== undefined,
        muted: member?.muted ?? true,
        selfId: meId,
        stage: snapshot?.stage.map((m) => m.user_id) ?? [],
      });
    };
    update();
    const unsubscribe = current.store.subscribe(update);
    const unsubscribePause = listenPause.subscribe(update);
    return () => {
      unsubscribe();
      unsubscribePause();
      controller.setTarget(null);
    };
  }, [controller, current, meId]);

  return controller;
}

let probeInstance: AudioProbe | null | undefined;

/** The page's one analyser for tests (`?audio_probe=1`), shared by live audio and replays. */
export function testProbe(): AudioProbe | null {
  if (probeInstance === undefined) probeInstance = readAudioFlags().probe ? new AudioProbe() : null;
  return probeInstance;
}

function safeLocalStorage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}
