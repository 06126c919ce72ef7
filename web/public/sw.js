/*
 * Salon's service worker: the app shell works offline and opens at once, and
 * nothing else is kept. API answers, audio (HLS playlists and segments,
 * recordings, avatars and uploads under /media/) and the realtime socket
 * always go to the network: they are personal, live or large, and a stale
 * copy would be wrong. So does the embeddable player (/embed/): its page is
 * not the app's, and must never be kept as the shell.
 *
 * - Navigations: network first (a new release shows at once), the cached
 *   shell when offline.
 * - Hashed build files (/assets/): cache first; their names change with their
 *   content, so a cached one is never stale.
 * - Icons and the manifest: network first, the cached copy offline.
 * - Anything else goes to the network untouched.
 *
 * The build (web/build/pwa.ts) fills in the shell's files and a version;
 * when web/public/sw-push.js exists (Web Push), it is imported here.
 */
/* global self, caches, fetch, URL, Response */
const VERSION = '__SALON_VERSION__';
const SHELL = /* __SALON_SHELL__ */ ['/'];
const CACHE = `salon-shell-${VERSION}`;
const STATIC = /^\/(icons\/[\w.-]+|favicon\.svg|manifest\.webmanifest)$/;
const NEVER = /^\/(api|hls|media|docs|embed|openapi\.json|healthz|readyz|metrics)(\/|$)/;

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(SHELL))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(
          keys
            .filter((k) => k.startsWith('salon-shell-') && k !== CACHE)
            .map((k) => caches.delete(k)),
        ),
      )
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  // Other origins (a CDN for HLS), the API, audio and media: straight to the network, never kept.
  if (url.origin !== self.location.origin || NEVER.test(url.pathname)) return;
  if (request.headers.has('range')) return;
  if (request.mode === 'navigate') {
    event.respondWith(navigation(request));
  } else if (url.pathname.startsWith('/assets/')) {
    event.respondWith(hashed(request));
  } else if (STATIC.test(url.pathname)) {
    event.respondWith(networkFirst(request));
  }
});

/** Every route of the app is the same page: it is kept under '/'. */
async function navigation(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok && response.headers.get('content-type')?.startsWith('text/html')) {
      await cache.put('/', response.clone());
    }
    return response;
  } catch (error) {
    const shell = await cache.match('/');
    if (shell) return shell;
    throw error;
  }
}

async function hashed(request) {
  const cache = await caches.open(CACHE);
  const kept = await cache.match(request);
  if (kept) return kept;
  const response = await fetch(request);
  if (response.ok) await cache.put(request, response.clone());
  return response;
}

async function networkFirst(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(request, response.clone());
    return response;
  } catch (error) {
    const kept = await cache.match(request);
    if (kept) return kept;
    throw error;
  }
}
