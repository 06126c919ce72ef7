/** Why someone reports a space, a person in it or a clip (POST …/report `reason`). */
export const REPORT_REASONS = [
  'spam',
  'abuse',
  'hate',
  'violence',
  'sexual',
  'misinformation',
  'impersonation',
  'other',
] as const;
export type ReportReason = (typeof REPORT_REASONS)[number];

/** An account's role on the instance: admins run it, moderators review reports and appeals. */
export const ACCOUNT_ROLES = ['user', 'moderator', 'admin'] as const;
export type AccountRole = (typeof ACCOUNT_ROLES)[number];

/** Where a report stands: open until a moderator upholds or dismisses it. */
export const REPORT_STATUSES = ['open', 'upheld', 'dismissed'] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];

/** Where an appeal stands: pending until a moderator grants or denies it. */
export const APPEAL_STATUSES = ['pending', 'granted', 'denied'] as const;
export type AppealStatus = (typeof APPEAL_STATUSES)[number];

/** Where a request to host stands: open until an admin grants or declines it. */
export const HOSTING_REQUEST_STATUSES = ['open', 'granted', 'declined'] as const;
export type HostingRequestStatus = (typeof HOSTING_REQUEST_STATUSES)[number];

/** Notices shown to someone once, until dismissed (`/me/notices`). */
export const NOTICES = ['instance_admin'] as const;
export type Notice = (typeof NOTICES)[number];

/**
 * The admin console's and the moderators' shapes: TypeBox schemas in
 * `@salon/protocol/schemas` (the server validates and documents with them),
 * their `Static<>` types exported here.
 */
export type {
  AppealBody,
  AppealDecisionBody,
  AppealDto,
  AppealViewDto,
  ArchiveAudioDto,
  HostingDecisionBody,
  HostingEligibilityDto,
  HostingRequestBody,
  HostingRequestDto,
  ModerationLogEntryDto,
  ModerationNoteBody,
  ModerationPersonDto,
  MyDecisionDto,
  ReportBody,
  ReportDecisionBody,
  ReportDto,
  ReportReceiptDto,
  ReportTranscriptDto,
  RoleBody,
  StaffHostingRequestDto,
  StaffPersonDto,
} from './schemas.js';
