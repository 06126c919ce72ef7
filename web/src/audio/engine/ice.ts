import type { IceServersDto } from '@salon/protocol';

/**
 * The STUN/TURN servers of every peer connection of the audio. One array,
 * refreshed in place, so that the feed watchers holding it use fresh
 * credentials too. Fetched (`GET /media/ice-servers`) before connecting when
 * none are known or the TURN credentials are about to expire.
 */
export class IceServers {
  readonly list: RTCIceServer[];
  /** When the TURN credentials expire (ms); 0 = never fetched, Infinity = never expire. */
  private expiresAt = 0;

  constructor(
    initial: readonly RTCIceServer[],
    private readonly fetch?: () => Promise<IceServersDto>,
  ) {
    this.list = [...initial];
  }

  async refresh(): Promise<void> {
    if (!this.fetch || Date.now() < this.expiresAt - 60_000) return;
    try {
      const fresh = await this.fetch();
      this.list.splice(0, this.list.length, ...fresh.ice_servers);
      this.expiresAt = fresh.expires_at ? Date.parse(fresh.expires_at) : Number.POSITIVE_INFINITY;
    } catch {
      // Without them the media server is still reachable on most networks: go on, ask next time.
    }
  }
}
