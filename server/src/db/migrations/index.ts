import type { Migration } from 'kysely';
import type { Dialect } from '../database.js';
import { accounts } from './001_accounts.js';
import { social } from './002_social.js';
import { spaces } from './003_spaces.js';
import { discoveryAndNotifications } from './004_discovery_notifications.js';
import { moderation } from './010_moderation.js';
import { recordings } from './011_recordings.js';
import { deviceIdentities } from './012_device_identities.js';
import { loginThrottle } from './013_login_throttle.js';
import { sessionDevices } from './014_session_devices.js';
import { admin } from './015_admin.js';
import { tickets } from './016_tickets.js';
import { clips } from './017_clips.js';
import { replayStats } from './018_replay_stats.js';
import { captions } from './019_captions.js';
import { mediaPlacement } from './020_media_placement.js';

/** Every migration, in order. Names sort lexically; never rename or edit an applied one. */
export const migrations: Record<string, (dialect: Dialect) => Migration> = {
  '001_accounts': accounts,
  '002_social': social,
  '003_spaces': spaces,
  '004_discovery_notifications': discoveryAndNotifications,
  '010_moderation': moderation,
  '011_recordings': recordings,
  '012_device_identities': deviceIdentities,
  '013_login_throttle': loginThrottle,
  '014_session_devices': sessionDevices,
  '015_admin': admin,
  '016_tickets': tickets,
  '017_clips': clips,
  '018_replay_stats': replayStats,
  '019_captions': captions,
  '020_media_placement': mediaPlacement,
};
