/**
 * The HTTP API client: one function per route the app uses. Every failure
 * is an ApiError with the server's stable code; `errorMessage` says it in
 * the person's language (the `errors` namespace, see i18n/index.ts).
 */
import type {
  ClipDto,
  ConversationDto,
  CreateClipBody,
  CreatePostBody,
  CreateSpaceBody,
  DiscoverItem,
  EditSpaceBody,
  ErrorCode,
  GuestDto,
  IceServersDto,
  InvitationBody,
  InvitationRole,
  JoinWarningDto,
  ListenTierDto,
  LoginBody,
  MarkedReadDto,
  MarkReadBody,
  MessageDto,
  NotificationDto,
  Page,
  PersonDto,
  PinBody,
  PostDto,
  ProfileDto,
  ProfilePatch,
  RecordingBody,
  RegisterBody,
  ReminderDto,
  RemovalBody,
  ReplayDetailsDto,
  ReplayItemDto,
  ReplayPlaysDto,
  ReportBody,
  ReportReceiptDto,
  ScheduleBody,
  SendMessageBody,
  ShareDmBody,
  SharePostBody,
  SpaceDto,
  SpaceSnapshot,
  SpaceStatus,
  SpaceSwitch,
  UnreadCountDto,
  UserDto,
  UserEnvelopeDto,
  UserIdBody,
} from '@salon/protocol';
import { SPACE_SWITCHES } from '@salon/protocol';
import { errorText, i18n } from './i18n';

export const API_BASE = '/api/v1';

/**
 * What an ApiError's code can be: one of the server's (ERROR_CODES in the
 * protocol), or the client's own when no answer came (`network_error`) or the
 * answer had no code (`http_error`).
 */
export type ApiErrorCode = ErrorCode | 'network_error' | 'http_error';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    /** The server's English sentence; show `errorMessage(error)` instead. */
    message: string,
    /** What the server said beyond the sentence (a field, a limit), for the translation. */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  static network(): ApiError {
    return new ApiError(0, 'network_error', 'Cannot reach the server. Check your connection.');
  }
}

/** The sentence to show for any error, in the person's language. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return errorText(error);
  if (error instanceof Error && error.message) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? errorText({ code, message: error.message }) : error.message;
  }
  return i18n.t('unknown_error', { ns: 'errors' });
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
    const error = (
      data as {
        error?: { code?: ErrorCode; message?: string; details?: Record<string, unknown> };
      } | null
    )?.error;
    throw new ApiError(
      response.status,
      error?.code ?? 'http_error',
      error?.message ?? `The server answered ${response.status}.`,
      error?.details,
    );
  }
  return data as T;
}

const get = <T>(path: string, query?: Query) => request<T>('GET', path, undefined, query);
const post = <T>(path: string, body?: unknown) => request<T>('POST', path, body ?? {});
const del = <T>(path: string) => request<T>('DELETE', path);
const e = encodeURIComponent;

export const api = {
  // Accounts
  me: () => get<UserEnvelopeDto>('/me'),
  // Request bodies are the protocol's types of the schemas the server validates with.
  register: (input: RegisterBody) => post<UserEnvelopeDto>('/auth/register', input),
  login: (input: LoginBody) => post<UserEnvelopeDto>('/auth/login', input),
  logout: () => post<unknown>('/auth/logout'),
  guest: () => post<GuestDto>('/auth/guest'),

  // People
  user: (id: string) => get<ProfileDto>(`/users/${e(id)}`),
  userByHandle: (handle: string) => get<ProfileDto>(`/users/by-handle/${e(handle)}`),
  follow: (id: string) => post<unknown>(`/users/${e(id)}/follow`),
  unfollow: (id: string) => del<unknown>(`/users/${e(id)}/follow`),
  block: (id: string) => post<unknown>(`/users/${e(id)}/block`),
  unblock: (id: string) => del<unknown>(`/users/${e(id)}/block`),
  following: (id: string, cursor?: string) =>
    get<Page<UserDto>>(`/users/${e(id)}/following`, { cursor, limit: 100 }),
  followList: (id: string, direction: 'followers' | 'following', cursor?: string) =>
    get<Page<PersonDto>>(`/users/${e(id)}/${direction}`, { cursor, limit: 30 }),
  searchUsers: (q: string, cursor?: string) =>
    get<Page<PersonDto>>('/users/search', { q, cursor, limit: 20 }),
  updateProfile: (input: ProfilePatch) => request<UserEnvelopeDto>('PATCH', '/me', input),
  uploadAvatar: (image: Blob) => uploadAvatar(image),
  removeAvatar: () => del<UserEnvelopeDto>('/me/avatar'),
  userPosts: (id: string, cursor?: string) =>
    get<Page<PostDto>>(`/users/${e(id)}/posts`, { cursor }),

  // Posts
  timeline: (cursor?: string) => get<Page<PostDto>>('/timeline', { cursor }),
  createPost: (text: string, clipId?: string) =>
    post<PostDto>(
      '/posts',
      (clipId ? { text, clip_id: clipId } : { text }) satisfies CreatePostBody,
    ),

  // Direct messages
  conversations: () => get<Page<ConversationDto>>('/dms'),
  messages: (userId: string) => get<Page<MessageDto>>(`/dms/${e(userId)}`, { limit: 50 }),
  sendMessage: (userId: string, text: string) =>
    post<MessageDto>(`/dms/${e(userId)}`, { text } satisfies SendMessageBody),
  markConversationRead: (userId: string) => post<unknown>(`/dms/${e(userId)}/read`),

  // Notifications
  notifications: () => get<Page<NotificationDto>>('/notifications', { limit: 50 }),
  unreadCount: () => get<UnreadCountDto>('/notifications/unread_count'),
  markAllRead: () =>
    post<MarkedReadDto>('/notifications/read', { all: true } satisfies MarkReadBody),

  // Spaces
  spaces: (state: Exclude<SpaceStatus, 'cancelled'>, cursor?: string) =>
    get<Page<SpaceDto>>('/spaces', { state, cursor, limit: 100 }),
  space: (id: string) => get<SpaceDto>(`/spaces/${e(id)}`),
  snapshot: (id: string) => get<SpaceSnapshot>(`/spaces/${e(id)}/snapshot`),
  warnings: (id: string) => get<JoinWarningDto>(`/spaces/${e(id)}/warnings`),
  createSpace: (input: CreateSpaceBody) => post<SpaceDto>('/spaces', input),
  editSpace: (id: string, edit: EditSpaceBody) =>
    request<SpaceDto>('PATCH', `/spaces/${e(id)}`, edit),
  startSpace: (id: string) => post<SpaceDto>(`/spaces/${e(id)}/start`),
  cancelSpace: (id: string) => post<SpaceDto>(`/spaces/${e(id)}/cancel`),
  reschedule: (id: string, scheduledStart: string) =>
    request<SpaceDto>('PUT', `/spaces/${e(id)}/schedule`, {
      scheduled_start: scheduledStart,
    } satisfies ScheduleBody),
  reminder: (id: string) => get<ReminderDto>(`/spaces/${e(id)}/reminder`),
  setReminder: (id: string, on: boolean) =>
    on
      ? post<ReminderDto>(`/spaces/${e(id)}/reminder`)
      : del<ReminderDto>(`/spaces/${e(id)}/reminder`),
  discover: (
    state: 'live' | 'scheduled' | 'recorded',
    filter: { hostId?: string; q?: string; cursor?: string; limit?: number } = {},
  ) =>
    get<Page<DiscoverItem>>('/spaces/discover', {
      state,
      host_id: filter.hostId,
      q: filter.q,
      cursor: filter.cursor,
      limit: filter.limit ?? 50,
    }),
  endSpace: (id: string) => post<SpaceDto>(`/spaces/${e(id)}/end`),
  /** The host hands the space to a co-host, who becomes its host. */
  handOver: (id: string, userId: string) =>
    post<SpaceDto>(`/spaces/${e(id)}/handover/${e(userId)}`),
  /** Turns a switch of the space (the protocol's SPACE_SWITCHES) on or off. */
  setSwitch: (id: string, name: SpaceSwitch, on: boolean) =>
    request<SpaceDto>('PUT', `/spaces/${e(id)}/${SPACE_SWITCHES[name].path}`, {
      [SPACE_SWITCHES[name].body]: on,
    }),
  setRecording: (id: string, recording: boolean) =>
    request<SpaceDto>('PUT', `/spaces/${e(id)}/recording`, { recording } satisfies RecordingBody),
  requestToSpeak: (id: string) => post<SpaceDto>(`/spaces/${e(id)}/requests`),
  cancelRequest: (id: string) => del<SpaceDto>(`/spaces/${e(id)}/requests`),
  approve: (id: string, userId: string) =>
    post<SpaceDto>(`/spaces/${e(id)}/requests/${e(userId)}/approve`),
  decline: (id: string, userId: string) =>
    post<SpaceDto>(`/spaces/${e(id)}/requests/${e(userId)}/decline`),
  invite: (id: string, userId: string, role: InvitationRole) =>
    post<SpaceDto>(`/spaces/${e(id)}/invitations`, {
      user_id: userId,
      role,
    } satisfies InvitationBody),
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
    post<SpaceDto>(`/spaces/${e(id)}/cohosts`, { user_id: userId } satisfies UserIdBody),
  removeCohost: (id: string, userId: string) =>
    del<SpaceDto>(`/spaces/${e(id)}/cohosts/${e(userId)}`),
  removeFromSpace: (id: string, participant: RemovalBody) =>
    post<SpaceDto>(`/spaces/${e(id)}/removals`, participant),
  pin: (id: string, postId: string) =>
    post<SpaceDto>(`/spaces/${e(id)}/pins`, { post_id: postId } satisfies PinBody),
  unpin: (id: string, postId: string) => del<SpaceDto>(`/spaces/${e(id)}/pins/${e(postId)}`),
  blockInSpace: (id: string, userId: string) =>
    post<unknown>(`/spaces/${e(id)}/blocks`, { user_id: userId } satisfies UserIdBody),
  report: (id: string, input: ReportBody) =>
    post<ReportReceiptDto>(`/spaces/${e(id)}/reports`, input),
  shareByMessage: (id: string, userId: string, text?: string) =>
    post<MessageDto>(`/spaces/${e(id)}/share/dm`, {
      user_id: userId,
      ...(text ? { text } : {}),
    } satisfies ShareDmBody),
  shareByPost: (id: string, text?: string) =>
    post<PostDto>(`/spaces/${e(id)}/share/post`, (text ? { text } : {}) satisfies SharePostBody),

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
    request<ReplayDetailsDto>('GET', `/spaces/${e(id)}/replay`, undefined, undefined, guestToken),
  countReplayPlay: (id: string, guestToken: string | null) =>
    request<ReplayPlaysDto>('POST', `/spaces/${e(id)}/replay/plays`, {}, undefined, guestToken),
  replays: (cursor?: string) => get<Page<ReplayItemDto>>('/replays', { cursor }),
  userReplays: (id: string, cursor?: string) =>
    get<Page<ReplayItemDto>>(`/users/${e(id)}/replays`, { cursor }),

  // Clips
  createClip: (spaceId: string, range: { from_ms: number; to_ms: number } | null, title?: string) =>
    post<ClipDto>(`/spaces/${e(spaceId)}/clips`, {
      ...(range ?? {}),
      ...(title ? { title } : {}),
    } satisfies CreateClipBody),
  clip: (id: string) => get<ClipDto>(`/clips/${e(id)}`),
  deleteClip: (id: string) => del<unknown>(`/clips/${e(id)}`),
  spaceClips: (spaceId: string, cursor?: string) =>
    get<Page<ClipDto>>(`/spaces/${e(spaceId)}/clips`, { cursor }),
  userClips: (userId: string, cursor?: string) =>
    get<Page<ClipDto>>(`/users/${e(userId)}/clips`, { cursor }),
  reportClip: (id: string, input: Omit<ReportBody, 'user_id'>) =>
    post<ReportReceiptDto>(`/clips/${e(id)}/reports`, input),
  shareClipByMessage: (userId: string, clip: ClipDto) =>
    post<MessageDto>(`/dms/${e(userId)}`, { text: clip.url } satisfies SendMessageBody),
};

export type Api = typeof api;

/** The avatar route takes the image itself as the body, typed by its content. */
async function uploadAvatar(image: Blob): Promise<UserEnvelopeDto> {
  let response: Response;
  try {
    response = await fetch(`${API_BASE}/me/avatar`, {
      method: 'PUT',
      credentials: 'same-origin',
      headers: { 'content-type': image.type },
      body: image,
    });
  } catch {
    throw ApiError.network();
  }
  const data = (await response.json().catch(() => null)) as {
    user?: UserDto;
    error?: { code?: ErrorCode; message?: string };
  } | null;
  if (!response.ok || !data?.user) {
    throw new ApiError(
      response.status,
      data?.error?.code ?? 'http_error',
      data?.error?.message ?? `The server answered ${response.status}.`,
    );
  }
  return { user: data.user };
}
