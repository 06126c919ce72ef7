import { Agent, request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * HTTP clients that play a live HLS stream the way hls.js does: reload the
 * playlist once per target duration, start about three segments behind the
 * live edge, fetch each new segment once, in order. Each player has its own
 * playlist URL (live playlists name their viewer) and keep-alive connection.
 */
export interface PlayerStats {
  playlists: number;
  segments: number;
  errors: number;
  /** Errors by HTTP status or error code ("404", "ECONNRESET", "timeout"). */
  errorKinds: Map<string, number>;
  /** Distinct segment paths the players fetched. */
  distinct: Set<string>;
  bytes: number;
}

const agent = new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });

function get(url: URL): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, method: 'GET' }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.setTimeout(30_000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

export async function runPlayers(o: {
  count: number;
  /** The playlist URL of player i (its base decides edge or origin). */
  playlistUrl: (i: number) => string;
  seconds: number;
  targetDurationMs: number;
}): Promise<PlayerStats> {
  const stats: PlayerStats = {
    playlists: 0,
    segments: 0,
    errors: 0,
    errorKinds: new Map(),
    distinct: new Set(),
    bytes: 0,
  };
  const fail = (kind: string) => {
    stats.errors += 1;
    stats.errorKinds.set(kind, (stats.errorKinds.get(kind) ?? 0) + 1);
  };
  const deadline = Date.now() + o.seconds * 1000;
  const player = async (i: number) => {
    // Players arrive spread over one target duration, not in one burst.
    await sleep(Math.random() * o.targetDurationMs);
    const playlist = new URL(o.playlistUrl(i));
    const seen = new Set<string>();
    let first = true;
    while (Date.now() < deadline) {
      const started = Date.now();
      try {
        const reply = await get(playlist);
        if (reply.status !== 200) {
          fail(String(reply.status));
        } else {
          stats.playlists += 1;
          const uris = reply.body
            .toString('utf8')
            .split('\n')
            .map((l) => l.trim())
            .filter((l) => l !== '' && !l.startsWith('#'));
          // Three segments behind the live edge at the start, and again after falling
          // further behind than that (hls.js's live sync), else every new one.
          const fresh = uris.filter((u) => !seen.has(u));
          const todo = first || fresh.length > 3 ? fresh.slice(-3) : fresh;
          first = false;
          for (const uri of todo) {
            if (Date.now() >= deadline) break;
            seen.add(uri);
            const url = new URL(uri, playlist);
            const segment = await get(url);
            if (segment.status === 200) {
              stats.segments += 1;
              stats.bytes += segment.body.length;
              stats.distinct.add(url.pathname);
            } else {
              fail(String(segment.status));
            }
          }
        }
      } catch (error) {
        fail((error as NodeJS.ErrnoException).code ?? (error as Error).message);
      }
      const wait = started + o.targetDurationMs - Date.now();
      if (wait > 0) await sleep(Math.min(wait, Math.max(0, deadline - Date.now())));
    }
  };
  await Promise.all(Array.from({ length: o.count }, (_, i) => player(i)));
  return stats;
}

export function closePlayers(): void {
  agent.destroy();
}
