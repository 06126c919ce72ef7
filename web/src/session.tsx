/**
 * Who is using the app: a signed-in user, or nobody (who may get a guest
 * token to listen). The session cookie is HttpOnly, so `me` is learnt from
 * GET /me.
 */

import type { GuestDto, UserDto } from '@salon/protocol';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useState } from 'react';
import { api } from './api';

export interface Session {
  /** Undefined while the first GET /me is in flight. */
  me: UserDto | null | undefined;
  signIn(handle: string, password: string): Promise<UserDto>;
  signUp(handle: string, displayName: string, password: string): Promise<UserDto>;
  signOut(): Promise<void>;
  /** A guest token to listen without an account, kept for the browser session. */
  guestToken(): Promise<string>;
  setMe(user: UserDto | null): void;
}

const SessionContext = createContext<Session | null>(null);
const GUEST_KEY = 'salon.guest';
/** Renew a guest token this long before it expires. */
const GUEST_MARGIN_MS = 60_000;

export function readGuest(storage: Storage = sessionStorage): GuestDto | null {
  try {
    const raw = storage.getItem(GUEST_KEY);
    const guest = raw ? (JSON.parse(raw) as GuestDto) : null;
    if (guest && Date.parse(guest.expires_at) - GUEST_MARGIN_MS > Date.now()) return guest;
  } catch {
    // A corrupt entry is simply replaced.
  }
  return null;
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<UserDto | null | undefined>(undefined);

  useEffect(() => {
    let live = true;
    api.me().then(
      ({ user }) => live && setMe(user),
      () => live && setMe(null),
    );
    return () => {
      live = false;
    };
  }, []);

  const signIn = useCallback(async (handle: string, password: string) => {
    const { user } = await api.login({ handle, password });
    setMe(user);
    return user;
  }, []);

  const signUp = useCallback(async (handle: string, displayName: string, password: string) => {
    const { user } = await api.register({ handle, display_name: displayName, password });
    setMe(user);
    return user;
  }, []);

  const signOut = useCallback(async () => {
    await api.logout().catch(() => undefined);
    setMe(null);
  }, []);

  const guestToken = useCallback(async () => {
    const kept = readGuest();
    if (kept) return kept.token;
    const fresh = await api.guest();
    sessionStorage.setItem(GUEST_KEY, JSON.stringify(fresh));
    return fresh.token;
  }, []);

  return (
    <SessionContext.Provider value={{ me, signIn, signUp, signOut, guestToken, setMe }}>
      {children}
    </SessionContext.Provider>
  );
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}

/** For tests and stories: a fixed session. */
export function StaticSession({ value, children }: { value: Session; children: ReactNode }) {
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}
