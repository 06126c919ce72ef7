/** A space, its stage and audience, what the viewer may hear, and the bodies that create and edit it. */
import { type Static, type TBoolean, Type } from '@sinclair/typebox';
import { Id } from '../id-schema.js';
import { ENDED_REASONS, type InvitationRole, SPACE_STATES, type StageRole } from '../spaces.js';
import { SPACE_SWITCHES, type SpaceSwitch, SWITCH_NAMES } from '../switches.js';
import { Iso, IsoOrNull, UserSummaryDto } from './common.js';

/** A ticketed space's offer, in integer minor units of the instance currency. */
export const SpaceTicketingDto = Type.Object({
  price_minor: Type.Integer(),
  currency: Type.String(),
  count: Type.Integer(),
  sold: Type.Integer(),
  /** count − sold − seats held by checkouts in progress. */
  left: Type.Integer(),
  sold_out: Type.Boolean(),
});
export type SpaceTicketingDto = Static<typeof SpaceTicketingDto>;

/** One boolean field per switch of the space, in the table's order. */
const SWITCH_FIELDS = Object.fromEntries(SWITCH_NAMES.map((name) => [name, Type.Boolean()])) as {
  [K in SpaceSwitch]: TBoolean;
};

/** The body of switch `name`'s command, `{ <body>: boolean }`. */
export function switchBodySchema(name: SpaceSwitch) {
  const row = SPACE_SWITCHES[name];
  return Type.Object(
    { [row.body]: Type.Boolean({ description: row.description }) },
    { additionalProperties: false },
  );
}

export const SpaceDto = Type.Object({
  id: Type.String(),
  host_id: Type.String(),
  host: UserSummaryDto,
  title: Type.String(),
  description: Type.String(),
  /** Lowercase, at most 3. */
  topics: Type.Array(Type.String()),
  /** A BCP-47 language tag such as "en" or "pt-BR". */
  language: Type.String(),
  state: Type.Union(SPACE_STATES.map((s) => Type.Literal(s))),
  scheduled_start: IsoOrNull,
  started_at: IsoOrNull,
  ended_at: IsoOrNull,
  ended_reason: Type.Union([...ENDED_REASONS.map((r) => Type.Literal(r)), Type.Null()]),
  /** Shown to everyone as a REC indicator while live. */
  recording: Type.Boolean(),
  /** The switches (switches.ts): allow_guests, clipping, captions, speaker_requests. */
  ...SWITCH_FIELDS,
  /** Stage members who turned their own captions off. */
  captions_off: Type.Array(Type.String()),
  /** Set while the host's connection is gone and the space waits for them (HOST_GRACE_SECONDS). */
  host_away_since: IsoOrNull,
  created_at: Iso,
  /** The canonical link to share. */
  url: Type.String(),
  /** Null unless the space sells tickets (only holders and the stage hear it). */
  ticketing: Type.Union([SpaceTicketingDto, Type.Null()]),
});
export type SpaceDto = Static<typeof SpaceDto>;

export const StageMemberDto = Type.Object({
  user_id: Type.String(),
  user: UserSummaryDto,
  role: Type.Unsafe<StageRole>(Type.String()),
  /** Authoritative: the media plane does not forward a muted microphone. */
  muted: Type.Boolean(),
  joined_at: Iso,
});
export type StageMemberDto = Static<typeof StageMemberDto>;

export const SpeakRequestDto = Type.Object({
  user_id: Type.String(),
  user: UserSummaryDto,
  requested_at: Iso,
});
export type SpeakRequestDto = Static<typeof SpeakRequestDto>;

export const InvitationDto = Type.Object({
  user_id: Type.String(),
  user: UserSummaryDto,
  role: Type.Unsafe<InvitationRole>(Type.String()),
  invited_by: Type.String(),
  invited_at: Iso,
});
export type InvitationDto = Static<typeof InvitationDto>;

/** A signed-in, non-incognito listener. Guests and incognito listeners are only counted. */
export const ListenerDto = Type.Object({
  user_id: Type.String(),
  user: UserSummaryDto,
  joined_at: Iso,
});
export type ListenerDto = Static<typeof ListenerDto>;

/**
 * Who is in the space. `now_total = now_listed + now_anonymous`, counting
 * people (several tabs of one person count once), stage included.
 * `now_anonymous` is guests plus incognito listeners, which is why the listed
 * listeners can be fewer than `now_total`. `total_unique` counts everyone who
 * has listened since the space started.
 */
export const ListenerCountsDto = Type.Object({
  now_total: Type.Integer(),
  now_listed: Type.Integer(),
  now_anonymous: Type.Integer(),
  total_unique: Type.Integer(),
});
export type ListenerCountsDto = Static<typeof ListenerCountsDto>;

export const PinnedPostDto = Type.Object({
  post_id: Type.String(),
  pinned_by: Type.String(),
  pinned_at: Iso,
  /** Null when the post was deleted after it was pinned. */
  post: Type.Union([
    Type.Object({
      id: Type.String(),
      author: UserSummaryDto,
      text: Type.String(),
      created_at: Iso,
    }),
    Type.Null(),
  ]),
});
export type PinnedPostDto = Static<typeof PinnedPostDto>;

/** `GET /spaces/:id/warnings`, before joining: the people you blocked who are on the stage. */
export const JoinWarningDto = Type.Object({
  blocked_on_stage: Type.Array(
    Type.Object({
      id: Type.String(),
      handle: Type.String(),
      display_name: Type.String(),
    }),
  ),
});
export type JoinWarningDto = Static<typeof JoinWarningDto>;

/**
 * Whether the viewer may hear a space (ticketed spaces): `open` when it sells
 * no tickets; `host`, `stage` (co-hosts, speakers, and admins and moderators)
 * and `holder` hear; `needs_ticket` sees the card and a Buy button only.
 */
export const SpaceAccessDto = Type.Union(
  [
    Type.Literal('open'),
    Type.Literal('host'),
    Type.Literal('stage'),
    Type.Literal('holder'),
    Type.Literal('needs_ticket'),
  ],
  {
    description:
      'Whether you may hear the space: open (not ticketed), host, stage (co-hosts, speakers, staff), holder (a paid ticket), needs_ticket (the card and a Buy button only)',
  },
);
export type SpaceAccess = Static<typeof SpaceAccessDto>;

/** The per-viewer answer of `GET /spaces/:id`: the space, and whether you may hear it. */
export const SpaceAnswerDto = Type.Composite([SpaceDto, Type.Object({ access: SpaceAccessDto })]);
export type SpaceAnswerDto = Static<typeof SpaceAnswerDto>;

/** A snapshot as HTTP answers it (`SpaceSnapshot` below is what the socket sends). */
export const SnapshotDto = Type.Object({
  space: SpaceDto,
  access: SpaceAccessDto,
  version: Type.Integer(),
  stage: Type.Array(StageMemberDto),
  requests: Type.Array(SpeakRequestDto),
  invitations: Type.Array(InvitationDto),
  listeners: Type.Object({
    data: Type.Array(ListenerDto),
    next_cursor: Type.Union([Type.String(), Type.Null()]),
  }),
  counts: ListenerCountsDto,
  pins: Type.Array(PinnedPostDto),
  recording: Type.Boolean(),
});

// ---------------------------------------------------------------------------
// A space's request bodies
// ---------------------------------------------------------------------------

const Title = Type.String({ minLength: 1, maxLength: 70 });
const Description = Type.String({ maxLength: 280 });
const Topics = Type.Array(Type.String({ minLength: 1, maxLength: 30 }), { maxItems: 3 });
const Language = Type.String({ minLength: 2, maxLength: 35 });

/** A ticket offer as the host sets it (the server's tickets/rules.ts checks the instance's limits). */
export const TicketingBody = Type.Object(
  {
    price_minor: Type.Integer({ minimum: 0, maximum: 100_000_000, description: 'Minor units' }),
    count: Type.Integer({ minimum: 0, maximum: 1_000_000 }),
  },
  { additionalProperties: false },
);
export type TicketingBody = Static<typeof TicketingBody>;

/** `POST /spaces`. */
export const CreateSpaceBody = Type.Object(
  {
    title: Title,
    description: Type.Optional(Description),
    topics: Type.Optional(Topics),
    language: Type.Optional(Language),
    scheduled_start: Type.Optional(IsoOrNull),
    recording: Type.Optional(Type.Boolean()),
    captions: Type.Optional(Type.Boolean({ description: 'Live captions from the start' })),
    ticketing: Type.Optional(TicketingBody),
  },
  { additionalProperties: false },
);
export type CreateSpaceBody = Static<typeof CreateSpaceBody>;

/** `PATCH /spaces/:id`: the fields to change, at least one. */
export const EditSpaceBody = Type.Object(
  {
    title: Type.Optional(Title),
    description: Type.Optional(Description),
    topics: Type.Optional(Topics),
    language: Type.Optional(Language),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type EditSpaceBody = Static<typeof EditSpaceBody>;

/** `PUT /spaces/:id/schedule`: the new start (the host; up to 14 days ahead). */
export const ScheduleBody = Type.Object(
  { scheduled_start: Type.String({ format: 'date-time' }) },
  { additionalProperties: false },
);
export type ScheduleBody = Static<typeof ScheduleBody>;

/** `PUT /spaces/:id/recording`. */
export const RecordingBody = Type.Object(
  { recording: Type.Boolean() },
  { additionalProperties: false },
);
export type RecordingBody = Static<typeof RecordingBody>;

/** A stage member's own captions, `PUT /spaces/:id/captions/me` (the space's switch bodies: switchBodySchema). */
export const CaptionsBody = Type.Object(
  { enabled: Type.Boolean({ description: 'Whether captions are on' }) },
  { additionalProperties: false },
);
export type CaptionsBody = Static<typeof CaptionsBody>;

/** One person, by id: `POST /spaces/:id/cohosts`, `POST /spaces/:id/blocks`. */
export const UserIdBody = Type.Object({ user_id: Id }, { additionalProperties: false });
export type UserIdBody = Static<typeof UserIdBody>;

/** `POST /spaces/:id/invitations`: invite someone to speak or co-host. */
export const InvitationBody = Type.Object(
  { user_id: Id, role: Type.Union([Type.Literal('speaker'), Type.Literal('cohost')]) },
  { additionalProperties: false },
);
export type InvitationBody = Static<typeof InvitationBody>;

/** `POST /spaces/:id/removals`: a person or a guest to remove from the space. */
export const RemovalBody = Type.Object(
  { kind: Type.Union([Type.Literal('user'), Type.Literal('guest')]), id: Id },
  { additionalProperties: false },
);
export type RemovalBody = Static<typeof RemovalBody>;

/** `POST /spaces/:id/pins`. */
export const PinBody = Type.Object({ post_id: Id }, { additionalProperties: false });
export type PinBody = Static<typeof PinBody>;

/** `POST /spaces/:id/share/dm`: the space's card in a direct message. */
export const ShareDmBody = Type.Object(
  { user_id: Id, text: Type.Optional(Type.String({ maxLength: 1000 })) },
  { additionalProperties: false },
);
export type ShareDmBody = Static<typeof ShareDmBody>;

/** `POST /spaces/:id/share/post`: the space's card in a post. */
export const SharePostBody = Type.Object(
  { text: Type.Optional(Type.String({ maxLength: 280 })) },
  { additionalProperties: false },
);
export type SharePostBody = Static<typeof SharePostBody>;
