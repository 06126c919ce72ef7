import { randomToken } from '../util/ids.js';

/**
 * A long-lived random cookie naming the browser. Removing someone from a
 * space also keeps out the browsers they used, so opening a new tab as a
 * guest does not bring them back.
 */
export const DEVICE_COOKIE = 'salon_device';
const DEVICE_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;

export function isDeviceId(value: string | undefined | null): value is string {
  return typeof value === 'string' && DEVICE_PATTERN.test(value);
}

export function newDeviceId(): string {
  return randomToken(18);
}
