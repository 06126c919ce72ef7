/**
 * The one service worker of the app (public/sw.js: the app shell, and Web
 * Push through sw-push.js, which it imports). Everything that needs the
 * registration (turning Web Push on) asks `serviceWorker()` rather than
 * registering a script of its own: a second script at the same scope would
 * replace this one.
 */
const SCRIPT = '/sw.js';

let registration: Promise<ServiceWorkerRegistration> | null = null;

/** Registers the worker once (on first call) and resolves when it is active. */
export function serviceWorker(): Promise<ServiceWorkerRegistration> {
  if (!('serviceWorker' in navigator)) {
    return Promise.reject(new Error('This browser has no service workers.'));
  }
  registration ??= navigator.serviceWorker
    .register(SCRIPT, { scope: '/', updateViaCache: 'none' })
    .then(() => navigator.serviceWorker.ready);
  return registration;
}

/**
 * At start, in a built app only (the dev server has no sw.js), once the page
 * has loaded, so the worker's downloads never compete with the first paint.
 */
export function registerAtStart(): void {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  const register = () => void serviceWorker().catch(() => undefined);
  if (document.readyState === 'complete') register();
  else window.addEventListener('load', register, { once: true });
}
