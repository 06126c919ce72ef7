/**
 * The HTTP API client: one function per route the app uses. Every failure
 * is an ApiError whose `message` is the server's sentence for people.
 */
import type {
  IceServersDto,
  InvitationRole,
  ListenTierDto,
  NotificationDto,
  ReplayDto,
  SpaceDto,
  SpaceSnapshot,
  SpaceStatus,
} from '@salon/protocol';
import type {
  ConversationDto,
  GuestToken,
  MessageDto,
  Page,
  PostDto,
  ProfileDto,
  ReportReason,
  UserDto,
} from './types';

export const API_BASE = '/api/v1';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  static network(): ApiError {
    return new ApiError(0, 'network_error', 'Cannot reach the server. Check your connection.');
  }
}

/** The sentence to show for any error. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return 'Something went wrong.';
}

type Query = Record<string, string | number | boolean | null | undefined>;

export async function request<T>(
  method: string,
  path: string,
  body?: unknown,
  query?: Query,
  /** A guest's token (guests have no session cookie). */
  bearer?: string | null,
): Promise<T> {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v !== undefined && v !== null) params.set(k, String(v));
  }
  const qs = params.toString();
  const init: RequestInit = { method, credentials: 'same-origin', headers: {} };
  if (bearer) (init.headers as Record<string, string>).authorization = `Bearer ${bearer}`;
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] = 'application/json';
  }
  let response: Response;
  try {
    response = await fetch(`${API_BASE}${path}${qs ? `?${qs}` : ''}`, init);
  } catch {
    throw ApiError.network();
  }
  const text = await response.text();
  let data: unknown = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!response.ok) {
    const error = (data as { error?: { code?: string; message?: string } } | null)?.error;
    throw new ApiError(
      response.status,
      error?.code ?? 'http_error',
      error?.message ?? `The server answered ${response.status}.`,
    );
  }
  return data as T;
}

const get = <T>(path: string, query?: Query) => request<T>('GET', path, undefined, query);
const post = <T>(path: string, body?: unknown) => request<T>('POST', path, body ?? {});
const del = <T>(path: string) => request<T>('DELETE', path);
const e = encodeURIComponent;

export interface CreateSpaceInput {
  title: string;
  description?: string;
  topics?: string[];
  language?: string;
  scheduled_start?: string | null;
  recording?: boolean;
}

export type SpaceEdit = Partial<Pick<SpaceDto, 'title' | 'description' | 'topics' | 'language'>>;

export const api = {
  // Accounts
  me: () => get<{ user: UserDto }>('/me'),
  register: (input: { handle: string; display_name: string; password: string }) =>
    post<{ user: UserDto }>('/auth/register', input),
  login: (input: { handle: string; password: string }) =>
    post<{ user: UserDto }>('/auth/login', input),
  logout: () => post<unknown>('/auth/logout'),
  guest: () => post<GuestToken>('/auth/guest'),

  // People
  user: (id: string) => get<ProfileDto>(`/users/${e(id)}`),
  userByHandle: (handle: string) => get<ProfileDto>(`/users/by-handle/${e(handle)}`),
  follow: (id: string) => post<unknown>(`/users/${e(id)}/follow`),
  unfollow: (id: string) => del<unknown>(`/users/${e(id)}/follow`),
  block: (id: string) => post<unknown>(`/users/${e(id)}/block`),
  unblock: (id: string) => del<unknown>(`/users/${e(id)}/block`),
  following: (id: string, cursor?: string) =>
    get<Page<UserDto>>(`/users/${e(id)}/following`, { cursor, limit: 100 }),
  userPosts: (id: string, cursor?: string) =>
    get<Page<PostDto>>(`/users/${e(id)}/posts`, { cursor }),

  // Posts
  timeline: (cursor?: string) => get<Page<PostDto>>('/timeline', { cursor }),
  createPost: (text: string) => post<PostDto>('/posts', { text }),

  // Direct messages
  conversations: () => get<Page<ConversationDto>>('/dms'),
  messages: (userId: string) => get<Page<MessageDto>>(`/dms/${e(userId)}`, { limit: 50 }),
  sendMessage: (userId: string, text: string) => post<MessageDto>(`/dms/${e(userId)}`, { text }),
  markConversationRead: (userId: string) => post<unknown>(`/dms/${e(userId)}/read`),

  // Notifications
  notifications: () => get<Page<NotificationDto>>('/notifications', { limit: 50 }),
  unreadCount: () => get<{ count: number }>('/notifications/unread_count'),
  markAllRead: () => post<{ updated: number }>('/notifications/read', { all: true }),

  // Spaces
  spaces: (state: Exclude<SpaceStatus, 'cancelled'>, cursor?: string) =>
    get<Page<SpaceDto>>('/spaces', { state, cursor, limit: 100 }),
  space: (id: string) => get<SpaceDto>(`/spaces/${e(id)}`),
  snapshot: (id: string) => get<SpaceSnapshot>(`/spaces/${e(id)}/snapshot`),
  warnings: (id: string) =>
    get<{ blocked_on_stage: { id: string; handle: string; display_name: string }[] }>(
      `/spaces/${e(id)}/warnings`,
    ),
  createSpace: (input: CreateSpaceInput) => post<SpaceDto>('/spaces', input),
  editSpace: (id: string, edit: SpaceEdit) => request<SpaceDto>('PATCH', `/spaces/${e(id)}`, edit),
  startSpace: (id: string) => post<SpaceDto>(`/spaces/${e(id)}/start`),
  endSpace: (id: string) => post<SpaceDto>(`/spaces/${e(id)}/end`),
  setRecording: (id: string, recording: boolean) =>
    request<SpaceDto>('PUT', `/spaces/${e(id)}/recording`, { recording }),
  requestToSpeak: (id: string) => post<SpaceDto>(`/spaces/${e(id)}/requests`),
  cancelRequest: (id: string) => del<SpaceDto>(`/spaces/${e(id)}/requests`),
  approve: (id: string, userId: string) =>
    post<SpaceDto>(`/spaces/${e(id)}/requests/${e(userId)}/approve`),
  decline: (id: string, userId: string) =>
    post<SpaceDto>(`/spaces/${e(id)}/requests/${e(userId)}/decline`),
  invite: (id: string, userId: string, role: InvitationRole) =>
    post<SpaceDto>(`/spaces/${e(id)}/invitations`, { user_id: userId, role }),
  acceptInvitation: (id: string) => post<SpaceDto>(`/spaces/${e(id)}/invitation/accept`),
  declineInvitation: (id: string) => post<SpaceDto>(`/spaces/${e(id)}/invitation/decline`),
  leaveStage: (id: string) => post<SpaceDto>(`/spaces/${e(id)}/stage/leave`),
  removeFromStage: (id: string, userId: string) =>
    del<SpaceDto>(`/spaces/${e(id)}/stage/${e(userId)}`),
  mute: (id: string, userId: string) => post<SpaceDto>(`/spaces/${e(id)}/stage/${e(userId)}/mute`),
  unmute: (id: string, userId: string) =>
    post<SpaceDto>(`/spaces/${e(id)}/stage/${e(userId)}/unmute`),
  muteAll: (id: string) => post<SpaceDto>(`/spaces/${e(id)}/mute_all`),
  addCohost: (id: string, userId: string) =>
    post<SpaceDto>(`/spaces/${e(id)}/cohosts`, { user_id: userId }),
  removeCohost: (id: string, userId: string) =>
    del<SpaceDto>(`/spaces/${e(id)}/cohosts/${e(userId)}`),
  removeFromSpace: (id: string, participant: { kind: 'user' | 'guest'; id: string }) =>
    post<SpaceDto>(`/spaces/${e(id)}/removals`, participant),
  pin: (id: string, postId: string) => post<SpaceDto>(`/spaces/${e(id)}/pins`, { post_id: postId }),
  unpin: (id: string, postId: string) => del<SpaceDto>(`/spaces/${e(id)}/pins/${e(postId)}`),
  blockInSpace: (id: string, userId: string) =>
    post<unknown>(`/spaces/${e(id)}/blocks`, { user_id: userId }),
  report: (id: string, input: { reason: ReportReason; details?: string; user_id?: string }) =>
    post<{ id: string; status: string }>(`/spaces/${e(id)}/reports`, input),
  shareByMessage: (id: string, userId: string, text?: string) =>
    post<MessageDto>(`/spaces/${e(id)}/share/dm`, { user_id: userId, ...(text ? { text } : {}) }),
  shareByPost: (id: string, text?: string) =>
    post<PostDto>(`/spaces/${e(id)}/share/post`, text ? { text } : {}),

  // Audio
  listenTier: (id: string, tier: 'auto' | 'webrtc' | 'hls', guestToken: string | null) =>
    request<ListenTierDto>(
      'GET',
      `/spaces/${e(id)}/listen`,
      undefined,
      tier === 'auto' ? {} : { tier },
      guestToken,
    ),
  iceServers: (guestToken: string | null) =>
    request<IceServersDto>('GET', '/media/ice-servers', undefined, undefined, guestToken),
  replay: (id: string, guestToken: string | null) =>
    request<ReplayDto>('GET', `/spaces/${e(id)}/replay`, undefined, undefined, guestToken),
  countReplayPlay: (id: string, guestToken: string | null) =>
    request<{ plays: number }>('POST', `/spaces/${e(id)}/replay/plays`, {}, undefined, guestToken),
};

export type Api = typeof api;
