/**
 * Turning Web Push on and off in this browser. The permission prompt is only
 * ever asked for from a click (`enablePush`), as browsers expect and people
 * prefer. Alerts are shown by the app's one service worker (`/sw.js`, which
 * imports `/sw-push.js`); this asks for its registration, never registers a
 * script of its own (a second one at the same scope would replace it).
 */
import { serviceWorker } from '../../shell/serviceWorker';
import { settingsApi } from './api';

export type PushState = 'unsupported' | 'denied' | 'off' | 'on';

export function pushSupported(): boolean {
  return (
    typeof window !== 'undefined' &&
    'serviceWorker' in navigator &&
    'PushManager' in window &&
    'Notification' in window
  );
}

/** Whether this browser receives alerts: subscribed here, and known to the server. */
export async function pushState(): Promise<PushState> {
  if (!pushSupported()) return 'unsupported';
  if (Notification.permission === 'denied') return 'denied';
  const existing = await navigator.serviceWorker.getRegistration('/');
  const subscription = await existing?.pushManager.getSubscription();
  if (!subscription) return 'off';
  const { data } = await settingsApi.pushSubscriptions();
  return data.some((s) => s.endpoint === subscription.endpoint) ? 'on' : 'off';
}

/** Call from a click: asks the permission, subscribes with the server's key and registers it. */
export async function enablePush(): Promise<PushState> {
  if (!pushSupported()) return 'unsupported';
  const permission = await Notification.requestPermission();
  if (permission !== 'granted') return permission === 'denied' ? 'denied' : 'off';
  const reg = await serviceWorker();
  const { public_key } = await settingsApi.vapidKey();
  const subscription =
    (await reg.pushManager.getSubscription()) ??
    (await reg.pushManager.subscribe({
      userVisibleOnly: true,
      applicationServerKey: fromBase64Url(public_key),
    }));
  await settingsApi.subscribePush(subscription.toJSON());
  return 'on';
}

export async function disablePush(): Promise<PushState> {
  const reg = await navigator.serviceWorker.getRegistration('/');
  const subscription = await reg?.pushManager.getSubscription();
  if (subscription) {
    await settingsApi.unsubscribePush(subscription.endpoint).catch(() => undefined);
    await subscription.unsubscribe();
  }
  return 'off';
}

function fromBase64Url(text: string): Uint8Array<ArrayBuffer> {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const raw = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
  const bytes = new Uint8Array(new ArrayBuffer(raw.length));
  for (let i = 0; i < raw.length; i += 1) bytes[i] = raw.charCodeAt(i);
  return bytes;
}
