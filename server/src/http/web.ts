import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** `web/dist` of the repository, the same from `server/src/http` and `server/dist/http`. */
export const DEFAULT_WEB_DIR = fileURLToPath(new URL('../../../web/dist', import.meta.url));

/** Paths that belong to the server: an unknown one is a JSON 404, never the app's page. */
const SERVER_PATHS = /^\/(api|media|docs)(\/|$)/;

export interface WebOptions {
  /** The built app (index.html and assets/); nothing is served when it is missing. */
  dir?: string;
}

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
  await app.register(fastifyStatic, { root: dir, serve: false });

  app.get('/*', { schema: { hide: true } }, (request, reply) => {
    const pathname = safePathname(request.url);
    if (pathname === null || SERVER_PATHS.test(pathname)) return reply.callNotFound();
    const file = pathname === '/' ? null : path.join(dir, pathname);
    if (file?.startsWith(dir + path.sep) && isFile(file)) {
      // Vite names assets by content hash, so they never change under the same name.
      const hashed = pathname.startsWith('/assets/');
      return reply.sendFile(path.relative(dir, file), {
        maxAge: hashed ? '365d' : 0,
        immutable: hashed,
      });
    }
    // A missing asset is a 404; anything else is a route of the app.
    if (path.extname(pathname) !== '') return reply.callNotFound();
    return reply
      .header('cache-control', 'no-cache')
      .sendFile('index.html', { cacheControl: false });
  });
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
