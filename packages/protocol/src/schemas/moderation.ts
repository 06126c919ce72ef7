/**
 * The admin console's and the moderators' shapes (server/src/admin/routes.ts,
 * server/src/moderation/routes.ts): people as staff see them, hosting
 * requests, reports, appeals, the decision log, and the bodies staff send.
 */
import { type Static, Type } from '@sinclair/typebox';
import { Id } from '../id-schema.js';
import {
  type AppealStatus,
  HOSTING_REQUEST_STATUSES,
  NOTICES,
  REPORT_REASONS,
  type ReportStatus,
} from '../moderation.js';
import { AccountRoleDto, Iso, IsoOrNull, Literals } from './common.js';

/** A notice shown to someone once (`GET /me/notices`). */
export const NoticeDto = Literals(NOTICES);
export const HostingRequestStatusDto = Literals(HOSTING_REQUEST_STATUSES);

// ---------------------------------------------------------------------------
// The admin console (admins and moderators) and the person's side of hosting
// ---------------------------------------------------------------------------

/** Someone as staff see them (`/admin/users`). */
export const StaffPersonDto = Type.Object({
  id: Type.String(),
  handle: Type.String(),
  display_name: Type.String(),
  avatar_url: Type.Union([Type.String(), Type.Null()]),
  role: AccountRoleDto,
  /** Granted by an admin. */
  can_host: Type.Boolean(),
  /** May host now, for whatever reason (admin, granted, followers). */
  may_host: Type.Boolean(),
  followers_count: Type.Integer(),
  suspended: Type.Boolean(),
  /** The instance's first account. */
  owner: Type.Boolean(),
  created_at: Iso,
});
export type StaffPersonDto = Static<typeof StaffPersonDto>;

/** A request to host, as its author and the admins see it. */
export const HostingRequestDto = Type.Object({
  id: Type.String(),
  user_id: Type.String(),
  message: Type.String(),
  status: HostingRequestStatusDto,
  created_at: Iso,
  decided_at: IsoOrNull,
  decision_note: Type.String(),
});
export type HostingRequestDto = Static<typeof HostingRequestDto>;

/** `GET /admin/hosting_requests`: a request with the person who asked. */
export const StaffHostingRequestDto = Type.Composite([
  HostingRequestDto,
  Type.Object({ person: StaffPersonDto }),
]);
export type StaffHostingRequestDto = Static<typeof StaffHostingRequestDto>;

/** `GET /me/hosting`: whether you may host, why or why not, and your latest request. */
export const HostingEligibilityDto = Type.Object({
  may_host: Type.Boolean(),
  because: Type.Union([
    Type.Literal('admin'),
    Type.Literal('granted'),
    Type.Literal('followers'),
    Type.Null(),
  ]),
  followers_count: Type.Integer(),
  min_followers: Type.Integer(),
  request: Type.Union([HostingRequestDto, Type.Null()]),
});
export type HostingEligibilityDto = Static<typeof HostingEligibilityDto>;

/** `PUT /admin/users/:id/role`. */
export const RoleBody = Type.Object({ role: AccountRoleDto }, { additionalProperties: false });
export type RoleBody = Static<typeof RoleBody>;

/** `POST /admin/hosting_requests/:id/decision`. */
export const HostingDecisionBody = Type.Object(
  {
    action: Type.Union([Type.Literal('grant'), Type.Literal('decline')]),
    note: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);
export type HostingDecisionBody = Static<typeof HostingDecisionBody>;

/** `POST /me/hosting_request`. */
export const HostingRequestBody = Type.Object(
  { message: Type.Optional(Type.String({ maxLength: 500 })) },
  { additionalProperties: false },
);
export type HostingRequestBody = Static<typeof HostingRequestBody>;

// ---------------------------------------------------------------------------
// Moderation: reports, appeals and the decision log
// ---------------------------------------------------------------------------

/** Someone named in a report, an appeal or the log. */
export const ModerationPersonDto = Type.Object({
  id: Type.String(),
  handle: Type.String(),
  display_name: Type.String(),
  avatar_url: Type.Union([Type.String(), Type.Null()]),
  suspended: Type.Boolean(),
});
export type ModerationPersonDto = Static<typeof ModerationPersonDto>;
const PersonOrNull = Type.Union([ModerationPersonDto, Type.Null()]);

/** `POST /spaces/:id/reports` and `POST /clips/:id/reports`: the report made, and where it stands. */
export const ReportReceiptDto = Type.Object({ id: Type.String(), status: Type.String() });
export type ReportReceiptDto = Static<typeof ReportReceiptDto>;

/** `GET /moderation/archives/:space_id/audio`: a short-lived URL to the audio kept for review. */
export const ArchiveAudioDto = Type.Object({ url: Type.String(), expires_at: Iso });
export type ArchiveAudioDto = Static<typeof ArchiveAudioDto>;

const ReportBase = Type.Object({
  id: Type.String(),
  reporter_id: Type.String(),
  space_id: Type.Union([Type.String(), Type.Null()]),
  target_user_id: Type.Union([Type.String(), Type.Null()]),
  clip_id: Type.Union([Type.String(), Type.Null()]),
  reason: Type.String(),
  details: Type.String(),
  status: Type.Unsafe<ReportStatus>(Type.String()),
  created_at: Iso,
  decided_by: Type.Union([Type.String(), Type.Null()]),
  decided_at: IsoOrNull,
});

export const AppealDto = Type.Object({
  id: Type.String(),
  report_id: Type.String(),
  user_id: Type.String(),
  text: Type.String(),
  status: Type.Unsafe<AppealStatus>(Type.String()),
  created_at: Iso,
  decided_by: Type.Union([Type.String(), Type.Null()]),
  decided_at: IsoOrNull,
});
export type AppealDto = Static<typeof AppealDto>;

/** The space's captions transcript kept for review: its first lines (live time) and their count. */
export const ReportTranscriptDto = Type.Object({
  line_count: Type.Integer(),
  lines: Type.Array(
    Type.Object({
      speaker_id: Type.String(),
      text: Type.String(),
      start_ms: Type.Integer(),
      end_ms: Type.Integer(),
    }),
  ),
});
export type ReportTranscriptDto = Static<typeof ReportTranscriptDto>;

export const ReportDto = Type.Composite([
  ReportBase,
  Type.Object({
    reporter: PersonOrNull,
    subject: PersonOrNull,
    space: Type.Union([
      Type.Object({
        id: Type.String(),
        title: Type.String(),
        state: Type.String(),
        host: PersonOrNull,
        ended_at: IsoOrNull,
      }),
      Type.Null(),
    ]),
    archive: Type.Union([Type.Object({ created_at: Iso }), Type.Null()]),
    /** The clip reported: the moderator plays it at /api/v1/clips/:id/audio while it exists. */
    clip: Type.Union([
      Type.Object({
        id: Type.String(),
        title: Type.String(),
        creator: PersonOrNull,
        duration_ms: Type.Integer(),
        state: Type.String(),
        created_at: Iso,
      }),
      Type.Null(),
    ]),
    /** The space's captions transcript kept for review: its first lines (live time) and their count. */
    transcript: Type.Union([ReportTranscriptDto, Type.Null()]),
    decision_note: Type.String(),
    appeal: Type.Union([AppealDto, Type.Null()]),
  }),
]);
export type ReportDto = Static<typeof ReportDto>;

/** `GET /moderation/appeals`: an appeal with who made it and the report it is about. */
export const AppealViewDto = Type.Composite([
  AppealDto,
  Type.Object({
    person: PersonOrNull,
    report: Type.Union([ReportDto, Type.Null()]),
    decision_note: Type.String(),
  }),
]);
export type AppealViewDto = Static<typeof AppealViewDto>;

/** `GET /me/moderation`: a decision about you, and until when you may appeal it. */
export const MyDecisionDto = Type.Composite([ReportDto, Type.Object({ appeal_until: Iso })]);
export type MyDecisionDto = Static<typeof MyDecisionDto>;

/** One moderation decision in `GET /moderation/log`. */
export const ModerationLogEntryDto = Type.Object({
  id: Type.String(),
  actor_id: Type.Union([Type.String(), Type.Null()]),
  action: Type.String(),
  subject_type: Type.String(),
  subject_id: Type.String(),
  note: Type.String(),
  created_at: Iso,
  actor: PersonOrNull,
  person: PersonOrNull,
});
export type ModerationLogEntryDto = Static<typeof ModerationLogEntryDto>;

const Note = Type.Optional(Type.String({ maxLength: 2000 }));

/** `POST /moderation/reports/:id/decision`. */
export const ReportDecisionBody = Type.Object(
  { action: Type.Union([Type.Literal('uphold'), Type.Literal('dismiss')]), note: Note },
  { additionalProperties: false },
);
export type ReportDecisionBody = Static<typeof ReportDecisionBody>;

/** `POST /moderation/appeals/:id/decision`. */
export const AppealDecisionBody = Type.Object(
  { action: Type.Union([Type.Literal('grant'), Type.Literal('deny')]), note: Note },
  { additionalProperties: false },
);
export type AppealDecisionBody = Static<typeof AppealDecisionBody>;

/** `POST /moderation/reports/:id/appeal`. */
export const AppealBody = Type.Object(
  { text: Type.String({ minLength: 1, maxLength: 2000 }) },
  { additionalProperties: false },
);
export type AppealBody = Static<typeof AppealBody>;

/** Ending a space or suspending an account: the reason, logged. */
export const ModerationNoteBody = Type.Object({ note: Note }, { additionalProperties: false });
export type ModerationNoteBody = Static<typeof ModerationNoteBody>;

/** A report of a space or a person in it (`POST /spaces/:id/reports`, `user_id`) or of a clip (`POST /clips/:id/reports`). */
export const ReportBody = Type.Object(
  {
    reason: Type.Union(REPORT_REASONS.map((r) => Type.Literal(r))),
    details: Type.Optional(Type.String({ maxLength: 1000 })),
    user_id: Type.Optional(Id),
  },
  { additionalProperties: false },
);
export type ReportBody = Static<typeof ReportBody>;
