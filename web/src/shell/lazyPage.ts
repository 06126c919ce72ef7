import { type ComponentType, type LazyExoticComponent, lazy } from 'react';

const RELOADED_KEY = 'salon.reloadedForChunk';

/**
 * A screen loaded when its route is first opened. After a new release the
 * page a person still has open names chunks the server no longer has: the
 * import fails, and the page reloads once to get the new release (the same
 * address, so they land where they meant to go). A second failure in a row
 * is an outage, not a release: it is left to the error it shows.
 */
export function lazyPage<K extends string>(
  load: () => Promise<Record<K, ComponentType>>,
  name: K,
): LazyExoticComponent<ComponentType> {
  return lazy(() =>
    load().then(
      (module) => {
        safeSession()?.removeItem(RELOADED_KEY);
        return { default: module[name] };
      },
      (error: unknown) => {
        const storage = safeSession();
        if (storage && !storage.getItem(RELOADED_KEY) && navigator.onLine !== false) {
          storage.setItem(RELOADED_KEY, '1');
          window.location.reload();
          // Nothing renders meanwhile: the page is going away.
          return new Promise<never>(() => undefined);
        }
        throw error;
      },
    ),
  );
}

function safeSession(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}
