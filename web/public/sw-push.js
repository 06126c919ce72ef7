/*
 * Web Push in the service worker: shows Salon's alerts and opens the page an
 * alert is about. The app-shell worker (sw.js) imports it with
 * `importScripts('/sw-push.js')`; it caches nothing and handles no fetch.
 */
/* eslint-env serviceworker */

self.addEventListener('push', (event) => {
  let alert = { title: 'Salon', body: '', url: '/' };
  try {
    alert = { ...alert, ...event.data.json() };
  } catch {
    // A payload that is not JSON still shows an alert: a push must show something.
  }
  event.waitUntil(
    self.registration.showNotification(alert.title, {
      body: alert.body,
      icon: '/favicon.svg',
      badge: '/favicon.svg',
      // One alert per notification: a retried push replaces, never doubles.
      tag: alert.notification?.id ?? alert.id ?? undefined,
      data: { url: alert.url },
    }),
  );
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const url = new URL(event.notification.data?.url ?? '/', self.location.origin);
  // Only pages of this origin are opened from an alert.
  const target = url.origin === self.location.origin ? url.href : self.location.origin;
  event.waitUntil(
    self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((windows) => {
      for (const client of windows) {
        if ('focus' in client) {
          client.navigate?.(target);
          return client.focus();
        }
      }
      return self.clients.openWindow(target);
    }),
  );
});
