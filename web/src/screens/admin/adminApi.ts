/**
 * The admin console's routes (server/src/admin/routes.ts,
 * server/src/moderation/routes.ts) and the person's side of hosting requests,
 * notices and decisions. Kept apart from api.ts: only staff load this chunk,
 * except the few calls the create screen and the shell make.
 */
import { request } from '../../api';

export type Role = 'user' | 'moderator' | 'admin';

export interface Person {
  id: string;
  handle: string;
  display_name: string;
  avatar_url: string | null;
  suspended: boolean;
}

export interface StaffPerson extends Person {
  role: Role;
  can_host: boolean;
  may_host: boolean;
  followers_count: number;
  owner: boolean;
  created_at: string;
}

export interface Appeal {
  id: string;
  report_id: string;
  user_id: string;
  text: string;
  status: 'pending' | 'granted' | 'denied';
  created_at: string;
  decided_by: string | null;
  decided_at: string | null;
}

export type ReportStatus = 'open' | 'upheld' | 'dismissed';

export interface Report {
  id: string;
  reporter_id: string;
  space_id: string | null;
  target_user_id: string | null;
  reason: string;
  details: string;
  status: ReportStatus;
  created_at: string;
  decided_by: string | null;
  decided_at: string | null;
  reporter: Person | null;
  subject: Person | null;
  space: {
    id: string;
    title: string;
    state: string;
    host: Person | null;
    ended_at: string | null;
  } | null;
  archive: { created_at: string } | null;
  /** The space's transcript kept for review: its first lines (speaker ids, live epoch ms) and how many. */
  transcript: ReportTranscript | null;
  decision_note: string;
  appeal: Appeal | null;
}

export interface ReportTranscript {
  line_count: number;
  lines: Array<{ speaker_id: string; text: string; start_ms: number; end_ms: number }>;
}

export interface AppealView extends Appeal {
  person: Person | null;
  report: Report | null;
  decision_note: string;
}

export interface LogEntry {
  id: string;
  actor_id: string | null;
  action: string;
  subject_type: string;
  subject_id: string;
  note: string;
  created_at: string;
  actor: Person | null;
  person: Person | null;
}

export interface HostingRequest {
  id: string;
  user_id: string;
  message: string;
  status: 'open' | 'granted' | 'declined';
  created_at: string;
  decided_at: string | null;
  decision_note: string;
}

export interface Eligibility {
  may_host: boolean;
  because: 'admin' | 'granted' | 'followers' | null;
  followers_count: number;
  min_followers: number;
  request: HostingRequest | null;
}

export interface MyDecision extends Report {
  appeal_until: string;
}

const e = encodeURIComponent;

export const adminApi = {
  reports: (status: ReportStatus) =>
    request<{ data: Report[] }>('GET', '/moderation/reports', undefined, { status, limit: 100 }),
  decideReport: (id: string, action: 'uphold' | 'dismiss', note: string) =>
    request<Report>('POST', `/moderation/reports/${e(id)}/decision`, { action, note }),
  archiveAudio: (spaceId: string) =>
    request<{ url: string; expires_at: string }>('GET', `/moderation/archives/${e(spaceId)}/audio`),
  appeals: (status: 'pending' | 'granted' | 'denied') =>
    request<{ data: AppealView[] }>('GET', '/moderation/appeals', undefined, {
      status,
      limit: 100,
    }),
  decideAppeal: (id: string, action: 'grant' | 'deny', note: string) =>
    request<Appeal>('POST', `/moderation/appeals/${e(id)}/decision`, { action, note }),
  log: () => request<{ data: LogEntry[] }>('GET', '/moderation/log', undefined, { limit: 200 }),
  suspend: (userId: string, note: string) =>
    request<{ ok: boolean }>('POST', `/moderation/users/${e(userId)}/suspension`, { note }),
  unsuspend: (userId: string) =>
    request<{ ok: boolean }>('DELETE', `/moderation/users/${e(userId)}/suspension`),
  endSpace: (spaceId: string, note: string) =>
    request<{ ok: boolean }>('POST', `/moderation/spaces/${e(spaceId)}/end`, { note }),
  people: (q: string, cursor?: string) =>
    request<{ data: StaffPerson[]; next_cursor: string | null }>('GET', '/admin/users', undefined, {
      q,
      cursor,
      limit: 20,
    }),
  person: (id: string) => request<StaffPerson>('GET', `/admin/users/${e(id)}`),
  setRole: (id: string, role: Role) =>
    request<StaffPerson>('PUT', `/admin/users/${e(id)}/role`, { role }),
  setHosting: (id: string, canHost: boolean) =>
    request<{ ok: boolean }>('PUT', `/admin/users/${e(id)}/hosting`, { can_host: canHost }),
  hostingRequests: (status: 'open' | 'granted' | 'declined') =>
    request<{ data: Array<HostingRequest & { person: StaffPerson }> }>(
      'GET',
      '/admin/hosting_requests',
      undefined,
      { status },
    ),
  decideHosting: (id: string, action: 'grant' | 'decline', note: string) =>
    request<HostingRequest>('POST', `/admin/hosting_requests/${e(id)}/decision`, {
      action,
      note,
    }),

  // The person's side.
  eligibility: () => request<Eligibility>('GET', '/me/hosting'),
  askToHost: (message: string) =>
    request<HostingRequest>('POST', '/me/hosting_request', message ? { message } : {}),
  notices: () => request<{ data: string[] }>('GET', '/me/notices'),
  dismissNotice: (notice: string) => request<unknown>('DELETE', `/me/notices/${e(notice)}`),
  myDecisions: () => request<{ data: MyDecision[] }>('GET', '/me/moderation'),
  appeal: (reportId: string, text: string) =>
    request<Appeal>('POST', `/moderation/reports/${e(reportId)}/appeal`, { text }),
};

export const isStaff = (role: Role | undefined) => role === 'admin' || role === 'moderator';
