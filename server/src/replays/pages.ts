import { formatMoney } from '@salon/protocol';
import type { ClipService } from '../clips/service.js';
import type { UsersTable } from '../db/schema.js';
import type { SocialService } from '../social/service.js';
import type { SpaceState } from '../spaces/model.js';
import { offerOf, type TicketOffer } from '../tickets/holders.js';
import type { ticketedAmong } from './access.js';
import { CARD_HEIGHT, CARD_WIDTH, type CardInput } from './card.js';
import { clip, type PageMeta } from './meta.js';
import { type EmbeddedPage, type OembedRich, oembedRich, parseEmbeddedUrl } from './oembed.js';
import type { ReplaysService } from './service.js';

/** What a clip page needs to unfurl, read through the clips code (`clipPreviews`). */
export interface ClipPreview {
  id: string;
  spaceId: string;
  title: string;
  durationMs: number;
  creator: { handle: string; display_name: string };
  /** A URL anyone may play, or null (not ready, a ticketed space). */
  audioUrl: string | null;
}
export type ClipPreviews = (clipId: string) => Promise<ClipPreview | null>;

/**
 * Clips as an anonymous visitor may see them, through ClipService (its own
 * rule for the card: not removed, not blocked); a deleted or expired clip,
 * or one still being cut, has no audio to offer.
 */
export function clipPreviews(
  clips: Pick<ClipService, 'get'>,
  social: Pick<SocialService, 'usersByIds'>,
  publicUrl: () => string,
): ClipPreviews {
  return async (clipId) => {
    const clip = await clips.get({ kind: 'anonymous' }, clipId, null).catch(() => null);
    if (!clip) return null;
    const creator = (await social.usersByIds([clip.creator_id])).get(clip.creator_id);
    return {
      id: clip.id,
      spaceId: clip.space_id,
      title: clip.title,
      durationMs: Number(clip.duration_ms),
      creator: creator ?? { handle: 'deleted', display_name: 'Deleted account' },
      audioUrl:
        clip.state === 'ready'
          ? `${publicUrl().replace(/\/$/, '')}/api/v1/clips/${clip.id}/audio`
          : null,
    };
  };
}

const PAGE_PATHS: Array<[RegExp, EmbeddedPage['kind']]> = [
  [/^\/spaces\/([0-9a-z]{20})\/?$/, 'space'],
  [/^\/spaces\/([0-9a-z]{20})\/replay\/?$/, 'replay'],
  [/^\/clips\/([0-9a-z]{20})\/?$/, 'clip'],
];

interface Seen {
  state: SpaceState;
  host: UsersTable;
  replay: { durationMs: number } | null;
  /** Whether its audio may be offered to anyone (not ticketed). */
  open: boolean;
  /** Its tickets, for a ticketed space: the price and what is left are part of the preview. */
  offer: TicketOffer | null;
}

/**
 * Link previews of the pages people share: Open Graph and Twitter Card tags
 * in the page, the oEmbed answer, the share card's words. Only what an
 * anonymous visitor may see of a space is ever put in them.
 */
export class LinkPreviews {
  constructor(
    private readonly o: {
      replays: ReplaysService;
      publicUrl: () => string;
      storage: { db: Parameters<typeof ticketedAmong>[0] };
      clips?: ClipPreviews | undefined;
    },
  ) {}

  private get base(): string {
    return this.o.publicUrl().replace(/\/$/, '');
  }

  private async seen(spaceId: string): Promise<Seen | null> {
    const view = await this.o.replays.publicView(spaceId);
    if (!view?.host) return null;
    const offer = await offerOf(this.o.storage.db, spaceId);
    return {
      state: view.state,
      host: view.host,
      replay: view.replay,
      open: offer === null,
      offer,
    };
  }

  /** The state in words, as the card and the description say it. */
  status(seen: Pick<Seen, 'state' | 'replay'> & { offer?: TicketOffer | null }): string {
    const { state, replay } = seen;
    const tickets = seen.offer && state.state !== 'ended' ? ` · ${ticketWords(seen.offer)}` : '';
    if (state.state === 'live') return `Live now${tickets}`;
    if (state.state === 'scheduled') return `Scheduled${tickets}`;
    if (state.state === 'cancelled') return 'Cancelled';
    if (replay) return `Replay · ${Math.max(1, Math.round(replay.durationMs / 60_000))} min`;
    return 'Ended';
  }

  /** The share card's words for a space anyone may see; null otherwise. */
  async card(spaceId: string): Promise<CardInput | null> {
    const seen = await this.seen(spaceId);
    if (!seen) return null;
    return {
      title: seen.state.title,
      hostName: seen.host.display_name,
      hostHandle: seen.host.handle,
      status: this.status(seen),
      live: seen.state.state === 'live',
    };
  }

  /** The tags of one of the app's pages, or null for pages that have none of their own. */
  async pageMeta(pathname: string): Promise<PageMeta | null> {
    for (const [pattern, kind] of PAGE_PATHS) {
      const id = pattern.exec(pathname)?.[1];
      if (id) return kind === 'clip' ? this.clipMeta(id) : this.spaceMeta(id, kind);
    }
    return null;
  }

  private async spaceMeta(id: string, kind: 'space' | 'replay'): Promise<PageMeta | null> {
    const seen = await this.seen(id);
    if (!seen) return null;
    const { state, host } = seen;
    const url = `${this.base}/spaces/${id}${kind === 'replay' ? '/replay' : ''}`;
    const playable = seen.replay !== null && seen.open;
    return {
      siteName: 'Salon',
      title: state.title,
      description: this.describe(seen),
      url,
      type: playable ? 'music.song' : 'website',
      image: {
        url: `${this.base}/api/v1/spaces/${id}/card.png`,
        width: CARD_WIDTH,
        height: CARD_HEIGHT,
        alt: `${state.title}, hosted by ${host.display_name} (${this.status(seen)})`,
      },
      audio: playable
        ? { url: `${this.base}/api/v1/spaces/${id}/replay.m4a`, type: 'audio/mp4' }
        : undefined,
      oembedUrl: this.oembedUrl(url),
    };
  }

  private describe(seen: Seen): string {
    const who = `Hosted by ${seen.host.display_name} (@${seen.host.handle}) · ${this.status(seen)}`;
    const about = clip(seen.state.description, 200);
    return about ? `${who}. ${about}` : who;
  }

  private async clipMeta(clipId: string): Promise<PageMeta | null> {
    const preview = await this.o.clips?.(clipId);
    if (!preview) return null;
    const seen = await this.seen(preview.spaceId);
    if (!seen) return null;
    const url = `${this.base}/clips/${clipId}`;
    const seconds = Math.round(preview.durationMs / 1000);
    return {
      siteName: 'Salon',
      title: preview.title,
      description: `A ${seconds} s clip of "${clip(seen.state.title, 80)}", hosted by ${seen.host.display_name} (@${seen.host.handle}); clipped by ${preview.creator.display_name}`,
      url,
      type: preview.audioUrl && seen.open ? 'music.song' : 'website',
      image: {
        url: `${this.base}/api/v1/spaces/${preview.spaceId}/card.png`,
        width: CARD_WIDTH,
        height: CARD_HEIGHT,
        alt: `${seen.state.title}, hosted by ${seen.host.display_name}`,
      },
      audio:
        preview.audioUrl && seen.open ? { url: preview.audioUrl, type: 'audio/mp4' } : undefined,
      oembedUrl: this.oembedUrl(url),
    };
  }

  private oembedUrl(pageUrl: string): string {
    return `${this.base}/oembed?url=${encodeURIComponent(pageUrl)}&format=json`;
  }

  /** The oEmbed answer for one of our URLs; null (a 404) for anything else. */
  async oembed(
    rawUrl: string,
    maxwidth?: number,
    maxheight?: number,
  ): Promise<OembedRich | Omit<OembedRich, `thumbnail_${string}`> | null> {
    const page = parseEmbeddedUrl(rawUrl, this.base);
    if (!page) return null;
    let spaceId = page.id;
    let title: string | null = null;
    if (page.kind === 'clip') {
      const preview = await this.o.clips?.(page.id);
      if (!preview) return null;
      spaceId = preview.spaceId;
      title = preview.title;
    }
    const seen = await this.seen(spaceId);
    if (!seen) return null;
    return oembedRich({
      title: title ?? seen.state.title,
      authorName: seen.host.display_name,
      authorUrl: `${this.base}/u/${encodeURIComponent(seen.host.handle)}`,
      providerUrl: `${this.base}/`,
      embedUrl: `${this.base}/embed/spaces/${spaceId}`,
      thumbnail: {
        url: `${this.base}/api/v1/spaces/${spaceId}/card.png`,
        width: CARD_WIDTH,
        height: CARD_HEIGHT,
      },
      maxwidth,
      maxheight,
    });
  }
}

/** "Ticket $5.00 · 3 left", or "Sold out": what a ticketed space's preview says of it. */
export function ticketWords(
  offer: Pick<TicketOffer, 'priceMinor' | 'currency' | 'left' | 'soldOut'>,
): string {
  if (offer.soldOut) return 'Sold out';
  return `Ticket ${formatMoney(offer.priceMinor, offer.currency, 'en-US')} · ${offer.left} left`;
}
