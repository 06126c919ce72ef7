/**
 * The live side of the app, kept above the routes so that it survives
 * navigation: the realtime connection, the space you are in (its store,
 * which the mini-player and the space page share), and the count of unread
 * notifications. The audio of the current space belongs here too, next to
 * its store, so that it keeps playing while you browse.
 */
import type { NotificationDto } from '@salon/protocol';
import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  useSyncExternalStore,
} from 'react';
import { api } from './api';
import { isAudioMessage } from './audio/engine/signaling';
import { SpaceAudioProvider, useAudioController } from './audio/ui/context';
import { type ConnectionState, RealtimeClient, realtimeUrl } from './realtime';
import { EMPTY_FEED } from './screens/space/captions/feed';
import { useSession } from './session';
import { SpaceStore, type SpaceView } from './spaceStore';

export interface CurrentSpace {
  spaceId: string;
  store: SpaceStore;
  incognito: boolean;
}

export interface Live {
  client: RealtimeClient;
  connection: ConnectionState;
  current: CurrentSpace | null;
  /** Enter a space (leaving any other): subscribe, as a guest when nobody is signed in. */
  join(spaceId: string, options?: { incognito?: boolean }): Promise<SpaceStore>;
  /** Stop following the current space. */
  leave(): void;
  unread: number;
  setUnread(count: number): void;
  onNotification(listener: (notification: NotificationDto) => void): () => void;
}

const LiveContext = createContext<Live | null>(null);

export function LiveProvider({ children }: { children: ReactNode }) {
  const { me, guestToken, setMe } = useSession();
  const signedOut = useRef(setMe);
  signedOut.current = setMe;
  const guest = useRef<string | null>(null);
  const client = useMemo(() => new RealtimeClient({ url: () => realtimeUrl(guest.current) }), []);
  const connection = useSyncExternalStore(
    (cb) => client.onState(cb),
    () => client.state,
  );
  const [current, setCurrent] = useState<CurrentSpace | null>(null);
  const currentRef = useRef<CurrentSpace | null>(null);
  currentRef.current = current;
  const [unread, setUnread] = useState(0);
  const notificationListeners = useRef(new Set<(n: NotificationDto) => void>());

  useEffect(
    () =>
      client.onMessage((message) => {
        if (message.type === 'notification') {
          setUnread((n) => n + 1);
          for (const listener of [...notificationListeners.current]) {
            listener(message.notification);
          }
          return;
        }
        // This session was signed out from another browser (settings): this one shows it now.
        if (message.type === 'error' && message.code === 'session_ended' && !message.space_id) {
          signedOut.current(null);
          return;
        }
        const space = currentRef.current;
        // Media signaling (and its errors) belongs to the audio controller, not the store.
        if (!space || isAudioMessage(message)) return;
        space.store.handle(message);
        if (message.type === 'removed_from_space' && message.space_id === space.spaceId) {
          client.unsubscribe(space.spaceId);
        }
      }),
    [client],
  );

  // Signing in or out changes who the socket is: reconnect as the new person.
  const known = useRef<string | null | undefined>(undefined);
  useEffect(() => {
    if (me === undefined) return;
    const id = me?.id ?? null;
    const changed = known.current !== undefined && known.current !== id;
    known.current = id;
    if (me) {
      guest.current = null;
      if (changed) client.restart();
      else client.start();
      api.unreadCount().then(
        ({ count }) => setUnread(count),
        () => undefined,
      );
    } else {
      setUnread(0);
      if (changed) {
        // A space followed as that user is left; the app goes back to anonymous.
        if (currentRef.current) client.unsubscribe(currentRef.current.spaceId);
        setCurrent(null);
        client.stop();
      }
    }
  }, [me, client]);

  useEffect(() => {
    const online = () => client.retryNow();
    window.addEventListener('online', online);
    return () => {
      window.removeEventListener('online', online);
      client.stop();
    };
  }, [client]);

  const join = useCallback(
    async (spaceId: string, options: { incognito?: boolean } = {}) => {
      const incognito = options.incognito === true;
      const existing = currentRef.current;
      if (existing && existing.spaceId === spaceId && existing.incognito === incognito) {
        if (existing.store.getView().status !== 'removed') return existing.store;
      }
      if (existing) client.unsubscribe(existing.spaceId);
      if (!me && !guest.current) {
        guest.current = await guestToken();
        if (client.state !== 'idle') client.restart();
      }
      const store = new SpaceStore(spaceId, () => client.resync(spaceId));
      const next = { spaceId, store, incognito };
      currentRef.current = next;
      setCurrent(next);
      client.start();
      client.subscribe(spaceId, { incognito });
      return store;
    },
    [client, me, guestToken],
  );

  const leave = useCallback(() => {
    const space = currentRef.current;
    if (space) client.unsubscribe(space.spaceId);
    currentRef.current = null;
    setCurrent(null);
    if (!me) client.stop();
  }, [client, me]);

  const onNotification = useCallback((listener: (n: NotificationDto) => void) => {
    notificationListeners.current.add(listener);
    return () => {
      notificationListeners.current.delete(listener);
    };
  }, []);

  const audio = useAudioController(client, current, me?.id ?? null, () =>
    me ? null : guest.current,
  );

  const value: Live = {
    client,
    connection,
    current,
    join,
    leave,
    unread,
    setUnread,
    onNotification,
  };
  return (
    <LiveContext.Provider value={value}>
      <SpaceAudioProvider controller={audio}>{children}</SpaceAudioProvider>
    </LiveContext.Provider>
  );
}

export function useLive(): Live {
  const live = useContext(LiveContext);
  if (!live) throw new Error('useLive outside LiveProvider');
  return live;
}

/** For tests: a fixed live context. */
export function StaticLive({ value, children }: { value: Live; children: ReactNode }) {
  return <LiveContext.Provider value={value}>{children}</LiveContext.Provider>;
}

const EMPTY_VIEW: SpaceView = {
  status: 'joining',
  snapshot: null,
  error: null,
  notice: null,
  captions: EMPTY_FEED,
};

/** Re-renders on every change of a space store. */
export function useSpaceView(store: SpaceStore | null): SpaceView {
  return useSyncExternalStore(
    store ? store.subscribe : noopSubscribe,
    store ? store.getView : () => EMPTY_VIEW,
  );
}

const noopSubscribe = () => () => undefined;
