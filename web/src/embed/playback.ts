/**
 * Playing a space in the embed: HLS for everyone (a guest's tier), live at
 * the edge or a replay from its start. A live playlist URL names its
 * listener and lasts about a minute: a new one is asked for halfway, as the
 * app's player does. Never the microphone: nothing here asks for it.
 */
import { type HlsPlayback, playHls } from '../audio/engine/hls';
import type { EmbedClient } from './client';

export interface EmbedPlayback {
  close(): void;
}

export async function startPlayback(
  client: EmbedClient,
  element: HTMLAudioElement,
  kind: 'live' | 'replay',
  onFatal: () => void,
): Promise<EmbedPlayback> {
  let closed = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let playback: HlsPlayback;
  if (kind === 'live') {
    const tier = await client.listen();
    playback = await playHls(element, tier.hls_url, { live: true, onFatal });
    const refresh = (expiresAt: string) => {
      const left = Date.parse(expiresAt) - Date.now();
      if (!Number.isFinite(left)) return;
      timer = setTimeout(
        () => {
          client.listen().then(
            (next) => {
              if (closed) return;
              playback.setUrl(next.hls_url);
              refresh(next.hls_expires_at);
            },
            // Refused (ended, removed): the playlist's own error stops the playback.
            () => undefined,
          );
        },
        Math.min(Math.max(5_000, left / 2), 30 * 60_000),
      );
    };
    refresh(tier.hls_expires_at);
  } else {
    const replay = await client.replay();
    if (!replay.url) throw new Error('The replay is not ready.');
    playback = await playHls(element, replay.url, { live: false, onFatal });
    void client.countPlay().catch(() => undefined);
  }
  return {
    close() {
      closed = true;
      clearTimeout(timer);
      playback.close();
    },
  };
}
