/**
 * The admin console's routes (server/src/admin/routes.ts,
 * server/src/moderation/routes.ts) and the person's side of hosting requests,
 * notices and decisions. Kept apart from api.ts: only staff load this chunk,
 * except the few calls the create screen and the shell make.
 */

import type {
  AccountRole,
  AppealBody,
  AppealDecisionBody,
  AppealDto,
  AppealStatus,
  AppealViewDto,
  ArchiveAudioDto,
  HostingBody,
  HostingDecisionBody,
  HostingEligibilityDto,
  HostingRequestBody,
  HostingRequestDto,
  HostingRequestStatus,
  List,
  ModerationLogEntryDto,
  ModerationNoteBody,
  ModerationPersonDto,
  MyDecisionDto,
  Notice,
  OkDto,
  Page,
  ReportDecisionBody,
  ReportDto,
  ReportStatus,
  ReportTranscriptDto,
  RoleBody,
  StaffHostingRequestDto,
  StaffPersonDto,
} from '@salon/protocol';
import { request } from '../../api';

// The answers and bodies are the protocol's (the schemas the server checks and answers with),
// under the names the console's screens use.
export type {
  AccountRole as Role,
  AppealDto as Appeal,
  AppealViewDto as AppealView,
  HostingEligibilityDto as Eligibility,
  HostingRequestDto as HostingRequest,
  ModerationLogEntryDto as LogEntry,
  ModerationPersonDto as Person,
  MyDecisionDto as MyDecision,
  ReportDto as Report,
  ReportStatus,
  ReportTranscriptDto as ReportTranscript,
  StaffPersonDto as StaffPerson,
};

const e = encodeURIComponent;

export const adminApi = {
  reports: (status: ReportStatus) =>
    request<List<ReportDto>>('GET', '/moderation/reports', undefined, { status, limit: 100 }),
  decideReport: (id: string, action: ReportDecisionBody['action'], note: string) =>
    request<ReportDto>('POST', `/moderation/reports/${e(id)}/decision`, {
      action,
      note,
    } satisfies ReportDecisionBody),
  archiveAudio: (spaceId: string) =>
    request<ArchiveAudioDto>('GET', `/moderation/archives/${e(spaceId)}/audio`),
  appeals: (status: AppealStatus) =>
    request<List<AppealViewDto>>('GET', '/moderation/appeals', undefined, {
      status,
      limit: 100,
    }),
  decideAppeal: (id: string, action: AppealDecisionBody['action'], note: string) =>
    request<AppealDto>('POST', `/moderation/appeals/${e(id)}/decision`, {
      action,
      note,
    } satisfies AppealDecisionBody),
  log: () =>
    request<List<ModerationLogEntryDto>>('GET', '/moderation/log', undefined, { limit: 200 }),
  suspend: (userId: string, note: string) =>
    request<OkDto>('POST', `/moderation/users/${e(userId)}/suspension`, {
      note,
    } satisfies ModerationNoteBody),
  unsuspend: (userId: string) =>
    request<OkDto>('DELETE', `/moderation/users/${e(userId)}/suspension`),
  endSpace: (spaceId: string, note: string) =>
    request<OkDto>('POST', `/moderation/spaces/${e(spaceId)}/end`, {
      note,
    } satisfies ModerationNoteBody),
  people: (q: string, cursor?: string) =>
    request<Page<StaffPersonDto>>('GET', '/admin/users', undefined, { q, cursor, limit: 20 }),
  person: (id: string) => request<StaffPersonDto>('GET', `/admin/users/${e(id)}`),
  setRole: (id: string, role: AccountRole) =>
    request<StaffPersonDto>('PUT', `/admin/users/${e(id)}/role`, { role } satisfies RoleBody),
  setHosting: (id: string, canHost: boolean) =>
    request<OkDto>('PUT', `/admin/users/${e(id)}/hosting`, {
      can_host: canHost,
    } satisfies HostingBody),
  hostingRequests: (status: HostingRequestStatus) =>
    request<List<StaffHostingRequestDto>>('GET', '/admin/hosting_requests', undefined, {
      status,
    }),
  decideHosting: (id: string, action: HostingDecisionBody['action'], note: string) =>
    request<HostingRequestDto>('POST', `/admin/hosting_requests/${e(id)}/decision`, {
      action,
      note,
    } satisfies HostingDecisionBody),

  // The person's side.
  eligibility: () => request<HostingEligibilityDto>('GET', '/me/hosting'),
  askToHost: (message: string) =>
    request<HostingRequestDto>(
      'POST',
      '/me/hosting_request',
      (message ? { message } : {}) satisfies HostingRequestBody,
    ),
  notices: () => request<List<Notice>>('GET', '/me/notices'),
  dismissNotice: (notice: string) => request<unknown>('DELETE', `/me/notices/${e(notice)}`),
  myDecisions: () => request<List<MyDecisionDto>>('GET', '/me/moderation'),
  appeal: (reportId: string, text: string) =>
    request<AppealDto>('POST', `/moderation/reports/${e(reportId)}/appeal`, {
      text,
    } satisfies AppealBody),
};

export const isStaff = (role: AccountRole | undefined) => role === 'admin' || role === 'moderator';
