import type { IncomingMessage } from 'node:http';
import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import { HLS_PREFIX } from '../hls/signing.js';
import { EMBED_PERMISSIONS_POLICY, isEmbedPage } from '../replays/embed.js';

/**
 * The web app asks for the microphone (speakers) and nothing else a browser
 * guards; every other powerful feature is off for the page and any frame.
 */
export const PERMISSIONS_POLICY =
  'microphone=(self), camera=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), midi=(), display-capture=()';

/** Origins (scheme://host[:port]) the app's page may reach beyond its own. */
export function extraOrigins(config: Pick<Config, 'publicUrl' | 'media'>): {
  socket: string[];
  hls: string[];
} {
  const socket: string[] = [];
  const own = originOf(config.publicUrl);
  // 'self' covers ws(s) to the same host in CSP 3; older engines need it spelled out.
  if (own) socket.push(own.replace(/^http/, 'ws'));
  const hlsBase = config.media.hls.baseUrl ? originOf(config.media.hls.baseUrl) : null;
  return { socket, hls: hlsBase && hlsBase !== own ? [hlsBase] : [] };
}

function originOf(url: string): string | null {
  try {
    return url ? new URL(url).origin : null;
  } catch {
    return null;
  }
}

/**
 * Security headers on every response (helmet), with a CSP written for what the
 * built app loads: its own scripts and stylesheet (no inline script; React sets
 * styles through the CSSOM, which CSP does not govern), avatars and data: images,
 * HLS through Media Source (blob: media) with hls.js's worker (a blob: URL),
 * the realtime WebSocket, and playlists from HLS_BASE_URL when a CDN serves them.
 * Only Salon may frame Salon's pages (the host controls must never sit under
 * someone else's clickjacking overlay), except the embeddable player
 * (`/embed/spaces/:id`), which any page may frame: it has no controls but
 * play, asks for no microphone and sets no cookie.
 */
export async function registerSecurityHeaders(
  app: FastifyInstance,
  config: Pick<Config, 'publicUrl' | 'media'>,
): Promise<void> {
  // PUBLIC_URL may be filled in only once the server listens (PORT=0): read it per response.
  const socketSources = () => extraOrigins(config).socket.join(' ');
  const hlsSources = () => extraOrigins(config).hls.join(' ');
  const https = config.publicUrl.startsWith('https://');
  // Swagger UI (/docs) sets style attributes from its scripts; its scripts are files too.
  const styleSources = (req: IncomingMessage) =>
    req.url?.startsWith('/docs') ? "'self' 'unsafe-inline'" : "'self'";

  await app.register(helmet, {
    global: true,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        scriptSrcAttr: ["'none'"],
        styleSrc: [styleSources],
        imgSrc: ["'self'", 'data:', 'blob:'],
        mediaSrc: ["'self'", 'blob:', hlsSources],
        connectSrc: ["'self'", socketSources, hlsSources],
        workerSrc: ["'self'", 'blob:'],
        fontSrc: ["'self'"],
        manifestSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: [(req: IncomingMessage) => (isEmbedPage(req.url) ? '*' : "'self'")],
        ...(https ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    xFrameOptions: { action: 'sameorigin' },
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
    // HSTS only where the instance is served over https: on http it would be ignored
    // at best, and a dev instance on localhost must not pin every port to https.
    strictTransportSecurity: https ? { maxAge: 31_536_000, includeSubDomains: false } : false,
  });

  app.addHook('onRequest', async (request, reply) => {
    if (isEmbedPage(request.url)) {
      // frame-ancestors * says it; X-Frame-Options has no "anyone", so it goes.
      reply.removeHeader('x-frame-options');
      reply.header('permissions-policy', EMBED_PERMISSIONS_POLICY);
      return;
    }
    reply.header('permissions-policy', PERMISSIONS_POLICY);
    if (request.url.startsWith(HLS_PREFIX)) {
      // Playlists and segments are fetched cross-origin (a CDN, another player) and
      // carry their access token in the URL: loadable from anywhere, and no Referer
      // leaves with the requests a playlist causes.
      reply.header('cross-origin-resource-policy', 'cross-origin');
      reply.header('referrer-policy', 'no-referrer');
    }
  });
}

/**
 * For the few answers Fastify writes before any hook runs (a URL it cannot
 * route): a JSON error needs no more than this, and must not be sniffed or framed.
 */
export const ERROR_RESPONSE_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': "default-src 'none'; frame-ancestors 'self'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'SAMEORIGIN',
  'referrer-policy': 'strict-origin-when-cross-origin',
};
