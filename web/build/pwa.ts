/// <reference types="node" />
/**
 * What the build adds to Vite's output for a fast, installable app:
 *
 * - the service worker (public/sw.js) gets the list of the app shell's files
 *   (the page and the hashed files it names) and a version from their names,
 *   so each release installs a new cache and drops the old one; Web Push's
 *   handlers (public/sw-push.js, when there is one) are imported into it;
 * - every text file of the build is written again beside itself precompressed,
 *   `.br` (brotli, best) and `.gz` (gzip, best), once at build time, so the
 *   server sends the encoding a browser asks for without compressing per request.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';

const COMPRESSIBLE = /\.(js|mjs|css|html|svg|json|webmanifest|txt|xml)$/;
/** Below this, the headers weigh more than compression saves. */
const MIN_BYTES = 1024;

export function pwa(): Plugin {
  let outDir = 'dist';
  return {
    name: 'salon-pwa',
    apply: 'build',
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
    },
    closeBundle() {
      writeServiceWorker(outDir);
      precompress(outDir);
    },
  };
}

/** The files a first visit needs before anything shows: the page and what it names. */
export function shellFiles(indexHtml: string): string[] {
  const named = [...indexHtml.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]!);
  return ['/', ...new Set(named), '/manifest.webmanifest', '/icons/icon-192.png'];
}

function writeServiceWorker(dir: string): void {
  const file = path.join(dir, 'sw.js');
  if (!existsSync(file)) return;
  const shell = shellFiles(readFileSync(path.join(dir, 'index.html'), 'utf8'));
  const version = createHash('sha256').update(shell.join('\n')).digest('hex').slice(0, 12);
  let source = readFileSync(file, 'utf8')
    .replace("'__SALON_VERSION__'", JSON.stringify(version))
    .replace("/* __SALON_SHELL__ */ ['/']", JSON.stringify(shell));
  if (existsSync(path.join(dir, 'sw-push.js'))) {
    source = `importScripts('/sw-push.js');\n${source}`;
  }
  writeFileSync(file, source);
}

function precompress(dir: string): void {
  for (const file of walk(dir)) {
    if (!COMPRESSIBLE.test(file)) continue;
    const content = readFileSync(file);
    if (content.length < MIN_BYTES) continue;
    writeFileSync(
      `${file}.br`,
      brotliCompressSync(content, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
          [constants.BROTLI_PARAM_SIZE_HINT]: content.length,
        },
      }),
    );
    writeFileSync(`${file}.gz`, gzipSync(content, { level: 9 }));
  }
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? walk(full) : [full];
  });
}
