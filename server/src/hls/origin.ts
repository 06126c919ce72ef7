import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { contentTypeOf, type Scope, scopeDir } from '../streams/layout.js';

/**
 * Reads playlists and segments for the HTTP origin, from memory when it can.
 * Segments never change once written (ffmpeg renames them into place), so
 * they are kept by path up to a byte budget. Playlists change every segment:
 * their cached copy is re-validated (one stat) when older than `freshMs`.
 */
export interface OriginFile {
  body: Buffer;
  contentType: string;
  /** Playlists change; segments never do. */
  mutable: boolean;
  /** A live playlist (no ENDLIST yet): cache it for about a second only. */
  live: boolean;
}

interface Cached {
  file: OriginFile;
  mtimeMs: number;
  size: number;
  checkedAt: number;
}

const ENDLIST = Buffer.from('#EXT-X-ENDLIST');
const SEGMENT_RECHECK_MS = 10_000;

const exists = (file: string) =>
  stat(file).then(
    () => true,
    () => false,
  );

export class HlsOrigin {
  private readonly segments = new Map<string, { file: OriginFile; checkedAt: number }>();
  private segmentBytes = 0;
  private readonly playlists = new Map<string, Cached>();

  constructor(
    private readonly dataDir: string,
    private readonly o: { maxSegmentBytes?: number; freshMs?: number } = {},
  ) {}

  /** The file, or null when there is no such file. Names must be validated by the caller. */
  async read(spaceId: string, scope: Scope, name: string): Promise<OriginFile | null> {
    const file = path.join(scopeDir(this.dataDir, spaceId, scope), name);
    return name.endsWith('.m3u8') ? this.playlist(file) : this.segment(file);
  }

  private async segment(file: string): Promise<OriginFile | null> {
    const now = performance.now();
    const cached = this.segments.get(file);
    // Still there? Replays are deleted and archives purged; a stat now and then is enough.
    if (cached && now - cached.checkedAt < SEGMENT_RECHECK_MS) return cached.file;
    if (cached) {
      if (await exists(file)) {
        cached.checkedAt = now;
        return cached.file;
      }
      this.drop(file);
      return null;
    }
    const body = await readFile(file).catch(() => null);
    if (!body) return null;
    const file_: OriginFile = {
      body,
      contentType: contentTypeOf(file),
      mutable: false,
      live: false,
    };
    this.segments.set(file, { file: file_, checkedAt: now });
    this.segmentBytes += body.length;
    // Oldest first: Maps iterate in insertion order.
    const budget = this.o.maxSegmentBytes ?? 64 * 1024 * 1024;
    for (const key of this.segments.keys()) {
      if (this.segmentBytes <= budget) break;
      this.drop(key);
    }
    return file_;
  }

  private drop(key: string): void {
    const entry = this.segments.get(key);
    if (!entry) return;
    this.segments.delete(key);
    this.segmentBytes -= entry.file.body.length;
  }

  private async playlist(file: string): Promise<OriginFile | null> {
    const now = performance.now();
    const cached = this.playlists.get(file);
    if (cached && now - cached.checkedAt < (this.o.freshMs ?? 50)) return cached.file;
    const info = await stat(file).catch(() => null);
    if (!info) {
      this.playlists.delete(file);
      return null;
    }
    if (cached && cached.mtimeMs === info.mtimeMs && cached.size === info.size) {
      cached.checkedAt = now;
      return cached.file;
    }
    const body = await readFile(file).catch(() => null);
    if (!body) return null;
    const entry: Cached = {
      file: {
        body,
        contentType: contentTypeOf(file),
        mutable: true,
        live: !body.includes(ENDLIST),
      },
      mtimeMs: info.mtimeMs,
      size: info.size,
      checkedAt: now,
    };
    this.playlists.set(file, entry);
    return entry.file;
  }

  /** Drops what is cached for a space (its replay was deleted, its archive purged). */
  forget(spaceId: string): void {
    const prefix = `${path.join(this.dataDir, 'hls', spaceId)}${path.sep}`;
    for (const key of [...this.segments.keys()]) if (key.startsWith(prefix)) this.drop(key);
    for (const key of this.playlists.keys()) if (key.startsWith(prefix)) this.playlists.delete(key);
  }
}
