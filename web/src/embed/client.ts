/**
 * The embed's few calls to the API, as a guest: the token lives in this
 * page's memory only (never a cookie, never storage: a page embedding the
 * player must not leave anything in its visitors' browsers), and no request
 * sends cookies (`credentials: 'omit'`), so a signed-in Salon session is
 * neither used nor touched from another site's page.
 */
import type { EmbedDto, GuestDto, ListenTierDto, ReplayDto } from '@salon/protocol';

const API = '/api/v1';
/** Ask for a new guest token this long before the old one expires. */
const TOKEN_MARGIN_MS = 60_000;

export class EmbedError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function call<T>(method: string, path: string, bearer?: string): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`${API}${path}`, {
      method,
      credentials: 'omit',
      headers: {
        ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
        ...(method === 'POST' ? { 'content-type': 'application/json' } : {}),
      },
      ...(method === 'POST' ? { body: '{}' } : {}),
    });
  } catch {
    throw new EmbedError(0, 'network_error', 'Cannot reach the server.');
  }
  const data = (await response.json().catch(() => null)) as
    | (T & { error?: { code?: string; message?: string } })
    | null;
  if (!response.ok) {
    throw new EmbedError(
      response.status,
      data?.error?.code ?? 'http_error',
      data?.error?.message ?? `The server answered ${response.status}.`,
    );
  }
  return data as T;
}

export class EmbedClient {
  private guest: GuestDto | null = null;

  constructor(private readonly spaceId: string) {}

  private get id() {
    return encodeURIComponent(this.spaceId);
  }

  info(): Promise<EmbedDto> {
    return call<EmbedDto>('GET', `/embed/spaces/${this.id}`);
  }

  /** A guest token, kept in memory for as long as it lasts. */
  async token(now = Date.now()): Promise<string> {
    if (this.guest && Date.parse(this.guest.expires_at) - TOKEN_MARGIN_MS > now) {
      return this.guest.token;
    }
    this.guest = await call<GuestDto>('POST', '/auth/guest');
    return this.guest.token;
  }

  async listen(): Promise<ListenTierDto> {
    return call<ListenTierDto>('GET', `/spaces/${this.id}/listen?tier=hls`, await this.token());
  }

  async replay(): Promise<ReplayDto> {
    return call<ReplayDto>('GET', `/spaces/${this.id}/replay`, await this.token());
  }

  async countPlay(): Promise<void> {
    await call('POST', `/spaces/${this.id}/replay/plays`, await this.token());
  }
}

/** The space id in `/embed/spaces/:id`, or null. */
export function spaceIdFrom(pathname: string): string | null {
  const match = /^\/embed\/spaces\/([0-9a-z]{20})\/?$/.exec(pathname);
  return match ? match[1]! : null;
}
