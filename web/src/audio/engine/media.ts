/**
 * The browser's media edges the audio controller drives: WebRTC negotiation
 * (`peer.ts`), the HLS player (`hls.ts`) and the speakers' feeds
 * (`feeds.ts`). The controller takes them as one injected object, so its
 * tests hand it doubles they drive; the browser tests (e2e/audio*.test.ts)
 * run the real ones.
 */
import {
  FeedPublication,
  type FeedPublicationOptions,
  FeedWatch,
  type FeedWatchOptions,
  type PublishedFeed,
} from './feeds';
import { playHls } from './hls';
import { listenOverWebRtc, publishToStage } from './peer';

/** What the speakers' feeds use of a `FeedWatch`. */
export interface WatchedFeeds {
  start(): void;
  handleOffer: FeedWatch['handleOffer'];
  recheck(): void;
  close(): void;
}

export interface AudioMedia {
  listenOverWebRtc: typeof listenOverWebRtc;
  publishToStage: typeof publishToStage;
  playHls: typeof playHls;
  /** A watch of every speaker's feed, not started. */
  watchFeeds(o: FeedWatchOptions): WatchedFeeds;
  /** A stage member's own feed publication, not started. */
  publishFeed(o: FeedPublicationOptions): PublishedFeed & { start(): void };
}

export const browserMedia: AudioMedia = {
  listenOverWebRtc,
  publishToStage,
  playHls,
  watchFeeds: (o) => new FeedWatch(o),
  publishFeed: (o) => new FeedPublication(o),
};
