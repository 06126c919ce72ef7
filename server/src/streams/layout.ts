import path from 'node:path';

/**
 * Where a space's audio lives, under DATA_DIR/hls/<space id>/. The packagers
 * (media/hls) write it; the origin and recordings (hls/), clips, replays and
 * captions read it, so it sits apart from both media/ and hls/:
 * - `live/`    the live playlist (a short, sliding list) and its segments; removed
 *              a minute after the space ends;
 * - `archive/` every segment since the space went live, and its playlist (EVENT
 *              while live, VOD once ended): the moderation copy, kept 30 days or
 *              more by the retention rules, then purged;
 * - `replay/`  the public replay of a recorded space: a VOD playlist over hard links
 *              to the archive's segments from the spans when recording was on, so
 *              that deleting one never deletes the other.
 * Plain files behind plain URLs: nginx or a CDN can serve the same tree.
 */
export const SCOPES = ['live', 'archive', 'replay'] as const;
export type Scope = (typeof SCOPES)[number];

export const PLAYLIST = 'index.m3u8';
/** Space ids are the 20 base-36 characters of util/ids.ts. */
const SPACE_ID = /^[0-9a-z]{20}$/;
/** What ffmpeg writes and the replay links: `index.m3u8`, `l000123.ts`, `a000123.ts`. */
const FILE = /^[a-z0-9][a-z0-9_-]{0,63}\.(m3u8|ts)$/;

export function isSpaceId(value: string): boolean {
  return SPACE_ID.test(value);
}

export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}

export function isMediaFile(value: string): boolean {
  return FILE.test(value);
}

export function hlsRoot(dataDir: string): string {
  return path.join(dataDir, 'hls');
}

export function spaceDir(dataDir: string, spaceId: string): string {
  if (!isSpaceId(spaceId)) throw new Error(`not a space id: ${spaceId}`);
  return path.join(hlsRoot(dataDir), spaceId);
}

export function scopeDir(dataDir: string, spaceId: string, scope: Scope): string {
  return path.join(spaceDir(dataDir, spaceId), scope);
}

export const CONTENT_TYPES = {
  m3u8: 'application/vnd.apple.mpegurl',
  ts: 'video/mp2t',
} as const;

export function contentTypeOf(file: string): string {
  return file.endsWith('.m3u8') ? CONTENT_TYPES.m3u8 : CONTENT_TYPES.ts;
}
