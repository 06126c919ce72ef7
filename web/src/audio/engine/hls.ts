/**
 * HLS playback on an <audio> element: hls.js wherever Media Source
 * Extensions exist (it lets us keep live latency low with
 * `liveSyncDuration`), the browser's own HLS where they do not (iPhone
 * Safari). hls.js (its light build: audio needs no subtitles or DRM) is
 * loaded only when needed: most listeners use WebRTC.
 */
import type Hls from 'hls.js/light';
import { AudioFailure } from './failure';

export interface HlsPlayback {
  /** `hls.js`, or `native` for the browser's own player. */
  engine: 'hls.js' | 'native';
  /**
   * A fresh playlist URL (a live playlist's URL names its listener and
   * lasts a minute): hls.js fetches the playlist from it from now on,
   * without a gap. The native player keeps its URL; when it expires its
   * error restarts the playback with a new one.
   */
  setUrl(url: string): void;
  close(): void;
}

export interface HlsPlaybackOptions {
  /** Live: stay a couple of seconds behind the edge. Replays: play from the start. */
  live: boolean;
  /** A fatal error: the playback is over; the caller may start a new one. */
  onFatal: (error: { status: number | null; details: string }) => void;
  /** Live only: other hls.js live settings than LIVE_TUNING (bench/hls-player compares). */
  tuning?: LiveTuning;
}

/**
 * Seconds behind the live edge hls.js aims for: two of the live playlist's
 * 0.512 s segments and a margin, so the next segment (announced at once
 * through blocking playlist reloads) is in hand before the buffer runs out.
 * Listeners heard the stage ~1.7 s late with it, against ~2.5-3 s with 1 s
 * segments and 2 s (bench/hls-player).
 */
export const LIVE_SYNC_SECONDS = 1.2;

/** The hls.js settings that set how far behind the stage a live listener is. */
export interface LiveTuning {
  liveSyncDuration: number;
  /** Further behind than this (after a long stall), hls.js jumps back to the target. */
  liveMaxLatencyDuration: number;
  /** Catching up by playing faster, at most this much (only with over 1 s buffered). */
  maxLiveSyncPlaybackRate: number;
  /** Each stall moves the target this much further back (at most one target duration). */
  liveSyncOnStallIncrease?: number;
}

export const LIVE_TUNING: LiveTuning = {
  liveSyncDuration: LIVE_SYNC_SECONDS,
  liveMaxLatencyDuration: LIVE_SYNC_SECONDS + 3,
  maxLiveSyncPlaybackRate: 1.1,
  liveSyncOnStallIncrease: 0.25,
};

export async function playHls(
  element: HTMLAudioElement,
  url: string,
  options: HlsPlaybackOptions,
): Promise<HlsPlayback> {
  const { default: HlsClass } = await import('hls.js/light');
  if (HlsClass.isSupported()) return withHlsJs(HlsClass, element, url, options);
  if (element.canPlayType('application/vnd.apple.mpegurl')) return native(element, url, options);
  throw new AudioFailure(
    'hls_unsupported',
    'This browser cannot play this audio (no HLS support).',
  );
}

function withHlsJs(
  HlsClass: typeof Hls,
  element: HTMLAudioElement,
  url: string,
  options: HlsPlaybackOptions,
): HlsPlayback {
  let current = url;
  // Playlist requests go to the newest URL; segments are relative to it, under a shared token.
  // The query stays: `_HLS_msn` asks the origin to answer once the next segment is listed.
  const xhrSetup = (xhr: XMLHttpRequest, requested: string) => {
    const [path, query] = requested.split('?');
    if (path?.endsWith('.m3u8') && current !== url)
      xhr.open(
        'GET',
        query ? `${current}${current.includes('?') ? '&' : '?'}${query}` : current,
        true,
      );
  };
  const hls = new HlsClass(
    options.live
      ? {
          ...(options.tuning ?? LIVE_TUNING),
          backBufferLength: 10,
          maxBufferLength: 10,
          xhrSetup,
        }
      : { backBufferLength: 30 },
  );
  let mediaErrors = 0;
  hls.on(HlsClass.Events.ERROR, (_event, data) => {
    if (!data.fatal) return;
    // A decoding hiccup: hls.js can rebuild the media pipeline in place, once or twice.
    if (data.type === HlsClass.ErrorTypes.MEDIA_ERROR && mediaErrors < 2) {
      mediaErrors += 1;
      hls.recoverMediaError();
      return;
    }
    options.onFatal({ status: data.response?.code ?? null, details: String(data.details) });
  });
  element.srcObject = null;
  hls.loadSource(url);
  hls.attachMedia(element);
  return {
    engine: 'hls.js',
    setUrl(next) {
      current = next;
    },
    close() {
      hls.destroy();
      element.removeAttribute('src');
      element.load();
    },
  };
}

function native(element: HTMLAudioElement, url: string, options: HlsPlaybackOptions): HlsPlayback {
  const onError = () =>
    options.onFatal({ status: null, details: element.error?.message ?? 'media error' });
  element.srcObject = null;
  element.src = url;
  element.addEventListener('error', onError);
  return {
    engine: 'native',
    setUrl() {},
    close() {
      element.removeEventListener('error', onError);
      element.removeAttribute('src');
      element.load();
    },
  };
}
