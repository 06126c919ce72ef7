import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { brotliCompress, gzip, constants as zlib } from 'node:zlib';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** `web/dist` of the repository, the same from `server/src/http` and `server/dist/http`. */
export const DEFAULT_WEB_DIR = fileURLToPath(new URL('../../../web/dist', import.meta.url));

/** Paths that belong to the server: an unknown one is a JSON 404, never the app's page. */
const SERVER_PATHS = /^\/(api|media|docs)(\/|$)/;

/** Hashed build files never change under their name; a year is what caches keep at most. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';
/**
 * Files whose name stays while their content changes: the page (it names the
 * hashed files of the current build), the service worker (a browser checks it
 * for updates) and the manifest. Kept, but asked about again before each use.
 */
const REVALIDATED = new Set(['/index.html', '/sw.js', '/manifest.webmanifest']);
/** Icons and the like, not hashed: a day, then asked again. */
const SHORT = 'public, max-age=86400';

export interface WebOptions {
  /** The built app (index.html and assets/); nothing is served when it is missing. */
  dir?: string | undefined;
  /**
   * A page's own head (link previews: replays/pages.ts): given the path of an
   * app route, the rewrite of index.html for it, or null for the page as built.
   */
  page?: ((pathname: string) => Promise<((html: string) => string) | null>) | undefined;
}

/** The embeddable player, a page of its own in the build (web/embed.html). */
const EMBED_PAGE = /^\/embed\/spaces\/[0-9a-z]{20}\/?$/;

/**
 * Serves the built web app. Registered after every API route, so those keep
 * precedence; its one wildcard route answers the rest: a file of the build
 * when there is one, else index.html for the app's client-side routes.
 */
export async function registerWebApp(app: FastifyInstance, options: WebOptions = {}) {
  const dir = path.resolve(options.dir ?? DEFAULT_WEB_DIR);
  const index = path.join(dir, 'index.html');
  if (!existsSync(index)) {
    app.log.warn({ dir }, 'web app not built (npm run build): serving the API only');
    return;
  }
  // preCompressed: the build wrote `.br` and `.gz` beside each text file (web/build/compress.ts);
  // the one the request's Accept-Encoding prefers is sent with Content-Encoding and
  // `Vary: Accept-Encoding`, the plain file when it accepts neither.
  await app.register(fastifyStatic, { root: dir, serve: false, preCompressed: true });

  app.get('/*', { schema: { hide: true } }, async (request, reply) => {
    const pathname = safePathname(request.url);
    if (pathname === null || SERVER_PATHS.test(pathname)) return reply.callNotFound();
    const file = pathname === '/' ? null : path.join(dir, pathname);
    if (file?.startsWith(dir + path.sep) && isFile(file)) {
      // Vite names assets by content hash, so they never change under the same name.
      const cacheControl = pathname.startsWith('/assets/')
        ? IMMUTABLE
        : REVALIDATED.has(pathname)
          ? 'no-cache'
          : SHORT;
      return reply
        .header('cache-control', cacheControl)
        .sendFile(path.relative(dir, file), { cacheControl: false });
    }
    // A missing asset is a 404; anything else is a route of the app.
    if (path.extname(pathname) !== '') return reply.callNotFound();
    if (EMBED_PAGE.test(pathname)) {
      if (!isFile(path.join(dir, 'embed.html'))) return reply.callNotFound();
      return reply
        .header('cache-control', 'no-cache')
        .sendFile('embed.html', { cacheControl: false });
    }
    const rewrite = await options.page?.(pathname);
    if (rewrite) {
      // Its tags name this page, so the shared precompressed copy will not do:
      // compressed here, as the build compresses the rest (a phone on a slow
      // network waits for this page before anything else).
      const html = Buffer.from(rewrite(await readFile(index, 'utf8')));
      const encoding = preferredEncoding(request.headers['accept-encoding']);
      reply
        .header('cache-control', 'no-cache')
        .header('vary', 'Accept-Encoding')
        .type('text/html; charset=utf-8');
      if (encoding === 'br')
        return reply.header('content-encoding', 'br').send(await brotli(html, BROTLI_PAGE));
      if (encoding === 'gzip')
        return reply.header('content-encoding', 'gzip').send(await gzipped(html));
      return reply.send(html);
    }
    return reply
      .header('cache-control', 'no-cache')
      .sendFile('index.html', { cacheControl: false });
  });
}

const brotli = promisify(brotliCompress);
const gzipped = promisify(gzip);
/** A middle quality: a few kilobytes of HTML per request, compressed in well under a millisecond. */
const BROTLI_PAGE = { params: { [zlib.BROTLI_PARAM_QUALITY]: 5 } };

/** `br` or `gzip` when the request accepts it (a q=0 refuses), else null for the plain page. */
export function preferredEncoding(header: string | string[] | undefined): 'br' | 'gzip' | null {
  const accepted = new Map<string, number>();
  for (const part of (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',')) {
    const [name = '', ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const weight = q === undefined ? 1 : Number(q.slice(2));
    if (name !== '') accepted.set(name, Number.isFinite(weight) ? weight : 0);
  }
  const weight = (name: string) => accepted.get(name) ?? accepted.get('*') ?? 0;
  if (weight('br') > 0) return 'br';
  if (weight('gzip') > 0) return 'gzip';
  return null;
}

function safePathname(url: string): string | null {
  try {
    const pathname = decodeURIComponent(url.split('?')[0] ?? '/');
    return pathname.includes('\0') ? null : path.posix.normalize(pathname);
  } catch {
    return null;
  }
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}
