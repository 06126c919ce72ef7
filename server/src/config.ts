import path from 'node:path';
import { type CaptionSettings, readCaptionSettings } from './captions/engines/settings.js';
import type { DatabaseSettings } from './db/database.js';
import { type MediaSettings, readMediaSettings } from './media/settings.js';
import { readTicketSettings, type TicketSettings } from './tickets/settings.js';
import { type Env, envReader } from './util/env.js';

/**
 * The one place Salon reads its environment. Every variable has a default
 * that gives the embedded setup (SQLite under ./data, in-process bus), so
 * `npm start` needs no configuration. All problems are collected and reported
 * together at boot.
 */
export interface Config {
  host: string;
  port: number;
  publicUrl: string;
  dataDir: string;
  database: DatabaseSettings;
  redisUrl: string | null;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  trustProxy: boolean;
  /** Origins besides PUBLIC_URL's whose pages may change state with a cookie (ALLOWED_ORIGINS). */
  allowedOrigins: string[];
  cookieSecure: boolean;
  sessionTtlDays: number;
  rateLimit: { authPerMinute: number; writesPerMinute: number };
  /** Realtime WebSockets one client address may hold at once; past it the handshake is 429. */
  wsConnectionsPerAddress: number;
  /** Spaces one host may have live at once (admins are exempt); past it, going live is 409. */
  maxLiveSpacesPerHost: number;
  /**
   * How long a live space waits for a host whose connection dropped before it
   * ends with the reason "host left" (HOST_GRACE_SECONDS, default 60).
   */
  hostGraceMs: number;
  avatarMaxBytes: number;
  shutdownTimeoutMs: number;
  hostMinFollowers: number;
  maxStage: number;
  media: MediaSettings;
  /** Ticketed spaces: limits, fees, who may sell, the payment provider (tickets/settings.ts). */
  tickets: TicketSettings;
  /** Live captions' engine and per-node cap (CAPTIONS_*; captions/engines/settings.ts). */
  captions: CaptionSettings;
  /** Clips are deleted, files and rows, this many days after they were made (CLIP_TTL_DAYS, 30). */
  clipTtlDays: number;
  /** How often each node looks for due jobs (reminders, pushes); 0 turns the loop off. */
  schedulerPollMs: number;
  push: {
    /** The VAPID contact push services see (mailto: or https:). */
    subject: string;
    /** Accept http:// and private-address push endpoints (tests, closed networks). */
    allowLocalEndpoints: boolean;
  };
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export function loadConfig(env: Env = process.env, cwd: string = process.cwd()): Config {
  const problems: string[] = [];
  const { str, int, bool } = envReader(env, problems);

  const host = str('HOST', '127.0.0.1');
  const port = int('PORT', 8080, 0, 65535);
  const dataDir = path.resolve(cwd, str('DATA_DIR', 'data'));

  const defaultPublicHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  // With PORT=0 the port is known only once listening; the server fills PUBLIC_URL in then.
  const derived = port === 0 ? '' : `http://${defaultPublicHost}:${port}`;
  const publicUrl = str('PUBLIC_URL', derived).replace(/\/+$/, '');
  if (publicUrl !== '' && !isHttpUrl(publicUrl)) {
    problems.push(`PUBLIC_URL must be an http(s) URL (got "${publicUrl}")`);
  }

  let database: Config['database'] = { kind: 'sqlite', file: path.join(dataDir, 'salon.db') };
  const databaseUrl = str('DATABASE_URL', '');
  if (databaseUrl.startsWith('postgres://') || databaseUrl.startsWith('postgresql://')) {
    database = { kind: 'postgres', url: databaseUrl };
  } else if (databaseUrl.startsWith('sqlite:')) {
    const file = databaseUrl.slice('sqlite:'.length);
    if (file === '')
      problems.push('DATABASE_URL sqlite: needs a file path, e.g. sqlite:./data/salon.db');
    database = { kind: 'sqlite', file: path.resolve(cwd, file) };
  } else if (databaseUrl !== '') {
    problems.push('DATABASE_URL must start with postgres://, postgresql:// or sqlite:');
  }

  const redisUrl = str('REDIS_URL', '') || null;
  if (redisUrl && !/^rediss?:\/\//.test(redisUrl)) {
    problems.push('REDIS_URL must start with redis:// or rediss://');
  }

  const logLevel = str('LOG_LEVEL', 'info') as Config['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) {
    problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${logLevel}")`);
  }

  const vapidSubject = str('VAPID_SUBJECT', '');
  if (vapidSubject !== '' && !/^(mailto:|https:\/\/)/.test(vapidSubject)) {
    problems.push(`VAPID_SUBJECT must be a mailto: or https:// URL (got "${vapidSubject}")`);
  }

  // Comma-separated origins (scheme://host[:port]) of other front ends on the same cookies.
  const allowedOrigins: string[] = [];
  for (const raw of str('ALLOWED_ORIGINS', '').split(',')) {
    const value = raw.trim();
    if (value === '') continue;
    if (isHttpUrl(value) && new URL(value).origin === value.replace(/\/+$/, '').toLowerCase()) {
      allowedOrigins.push(new URL(value).origin);
    } else {
      problems.push(
        `ALLOWED_ORIGINS must list origins like https://app.example.org (got "${value}")`,
      );
    }
  }

  const config: Config = {
    host,
    port,
    publicUrl,
    dataDir,
    database,
    redisUrl,
    logLevel,
    trustProxy: bool('TRUST_PROXY', false),
    allowedOrigins,
    cookieSecure: bool('COOKIE_SECURE', publicUrl.startsWith('https://')),
    sessionTtlDays: int('SESSION_TTL_DAYS', 30, 1, 3650),
    rateLimit: {
      authPerMinute: int('RATE_LIMIT_AUTH_PER_MINUTE', 20, 1, 1_000_000),
      writesPerMinute: int('RATE_LIMIT_WRITES_PER_MINUTE', 120, 1, 1_000_000),
    },
    wsConnectionsPerAddress: int('WS_CONNECTIONS_PER_ADDRESS', 50, 1, 1_000_000),
    maxLiveSpacesPerHost: int('MAX_LIVE_SPACES_PER_HOST', 1, 1, 1000),
    hostGraceMs: int('HOST_GRACE_SECONDS', 60, 1, 3600) * 1000,
    avatarMaxBytes: int('AVATAR_MAX_BYTES', 2 * 1024 * 1024, 1024, 50 * 1024 * 1024),
    shutdownTimeoutMs: int('SHUTDOWN_TIMEOUT_MS', 10_000, 100, 600_000),
    hostMinFollowers: int('HOST_MIN_FOLLOWERS', 600, 0, 1_000_000_000),
    maxStage: int('MAX_STAGE', 11, 2, 100),
    media: readMediaSettings(env, problems),
    tickets: readTicketSettings(env, problems),
    captions: readCaptionSettings(env, problems),
    clipTtlDays: int('CLIP_TTL_DAYS', 30, 1, 3650),
    schedulerPollMs: int('SCHEDULER_POLL_MS', 1000, 0, 3_600_000),
    push: {
      subject:
        vapidSubject ||
        (publicUrl.startsWith('https://') ? publicUrl : 'mailto:webpush@salon.invalid'),
      allowLocalEndpoints: bool('PUSH_ALLOW_LOCAL_ENDPOINTS', false),
    },
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** The config as it may be logged: credentials in URLs are masked. */
export function redactedConfig(config: Config): Record<string, unknown> {
  const mask = (url: string) => url.replace(/\/\/([^:@/]*):([^@/]+)@/, '//$1:***@');
  return {
    ...config,
    database:
      config.database.kind === 'postgres'
        ? { kind: 'postgres', url: mask(config.database.url) }
        : config.database,
    redisUrl: config.redisUrl ? mask(config.redisUrl) : null,
    media: {
      ...config.media,
      janusApiSecret: config.media.janusApiSecret ? '***' : null,
      turn: config.media.turn ? { ...config.media.turn, password: '***' } : null,
      turnSecret: config.media.turnSecret ? '***' : null,
    },
    tickets: {
      ...config.tickets,
      stripe: config.tickets.stripe
        ? { ...config.tickets.stripe, secretKey: '***', webhookSecret: '***' }
        : null,
    },
  };
}
