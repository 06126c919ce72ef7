/**
 * The wire's TypeBox schemas (`@salon/protocol/schemas`): the server validates
 * and documents (OpenAPI) with them, and the protocol's types derive from them
 * with `Static<>`. A subpath of its own, so the web app, which imports the
 * types and constants of `@salon/protocol`, carries no TypeBox.
 */
import { type Static, type TOptional, type TSchema, Type } from '@sinclair/typebox';
import { Id } from './id-schema.js';
import { NOTIFICATION_KINDS, type PreferenceKind } from './notifications.js';
import {
  ENDED_REASONS,
  type InvitationRole,
  SPACE_STATES,
  type SpaceStatus,
  type StageRole,
} from './spaces.js';

export * from './client-messages.js';
export { Id };

// Each DTO is declared once, as a TypeBox schema: the server validates and
// documents (OpenAPI) with the schema, and the type is derived from it. A field
// typed more precisely than its schema says (a role) is `Type.Unsafe<T>`, so
// the OpenAPI document keeps the plain type it has always shown.

const Iso = Type.String({ format: 'date-time' });
const IsoOrNull = Type.Union([Iso, Type.Null()]);

export const UserSummaryDto = Type.Object({
  id: Type.String(),
  handle: Type.String(),
  display_name: Type.String(),
  avatar_url: Type.Union([Type.String(), Type.Null()]),
});
export type UserSummaryDto = Static<typeof UserSummaryDto>;

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
  /** Whether people without an account (guests) may listen; the host turns it off during a raid. */
  allow_guests: Type.Boolean(),
  /** Whether people may clip the space, live and in its replay (default true); host or co-host. */
  clipping: Type.Boolean(),
  /** Whether the space is captioned (default false); host or co-host, while scheduled or live. */
  captions: Type.Boolean(),
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
// People, posts, messages, clips and replays (the social substrate)
// ---------------------------------------------------------------------------

/** A page of a list: an opaque cursor for the next one, null at the end. */
export function PageOf<T extends TSchema>(item: T) {
  return Type.Object({
    data: Type.Array(item),
    next_cursor: Type.Union([Type.String(), Type.Null()]),
  });
}

export const Handle = Type.String({
  minLength: 3,
  maxLength: 15,
  pattern: '^[A-Za-z0-9_]+$',
  description: '3–15 letters, digits or underscores',
});
export const DisplayName = Type.String({ minLength: 1, maxLength: 50 });
export const Password = Type.String({ minLength: 8, maxLength: 200 });
export const Bio = Type.String({ maxLength: 160 });

export const RegisterBody = Type.Object(
  { handle: Handle, display_name: DisplayName, password: Password },
  { additionalProperties: false },
);
export type RegisterBody = Static<typeof RegisterBody>;
export const LoginBody = Type.Object(
  {
    handle: Type.String({ minLength: 1, maxLength: 15 }),
    password: Type.String({ minLength: 1, maxLength: 200 }),
  },
  { additionalProperties: false },
);
export type LoginBody = Static<typeof LoginBody>;
export const CreateTokenBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 60 }),
    handle: Type.Optional(Type.String({ minLength: 1, maxLength: 15 })),
    password: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false },
);
export type CreateTokenBody = Static<typeof CreateTokenBody>;
export const ProfilePatch = Type.Object(
  { display_name: Type.Optional(DisplayName), bio: Type.Optional(Bio) },
  { additionalProperties: false, minProperties: 1 },
);
export type ProfilePatch = Static<typeof ProfilePatch>;
/** An administrator's grant or withdrawal of the right to host. */
export const HostingBody = Type.Object(
  { can_host: Type.Boolean() },
  { additionalProperties: false },
);
export type HostingBody = Static<typeof HostingBody>;

export const UserDto = Type.Object({
  id: Type.String(),
  handle: Type.String(),
  display_name: Type.String(),
  bio: Type.String(),
  avatar_url: Type.Union([Type.String(), Type.Null()]),
  role: Type.Union([Type.Literal('user'), Type.Literal('moderator'), Type.Literal('admin')]),
  created_at: Iso,
});
export type UserDto = Static<typeof UserDto>;

/** An in-app notification, as listed over HTTP and pushed over the realtime WebSocket. */
export const NotificationDto = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  actor: Type.Union([UserDto, Type.Null()]),
  post_id: Type.Union([Type.String(), Type.Null()]),
  space_id: Type.Union([Type.String(), Type.Null()]),
  message_id: Type.Union([Type.String(), Type.Null()]),
  created_at: Iso,
  read: Type.Boolean(),
});
export type NotificationDto = Static<typeof NotificationDto>;

export const Relationship = Type.Object({
  following: Type.Boolean(),
  followed_by: Type.Boolean(),
  blocking: Type.Boolean(),
  blocked_by: Type.Boolean(),
});
export type Relationship = Static<typeof Relationship>;

export const ProfileDto = Type.Composite([
  UserDto,
  Type.Object({
    followers_count: Type.Integer(),
    following_count: Type.Integer(),
    posts_count: Type.Integer(),
    can_host: Type.Boolean(),
    /** Null when nobody is signed in, or for your own profile. */
    relationship: Type.Union([Relationship, Type.Null()]),
  }),
]);
export type ProfileDto = Static<typeof ProfileDto>;

/** Someone in a list of people (search, followers, following); null relationship: yourself or signed out. */
export const PersonDto = Type.Composite([
  UserDto,
  Type.Object({ relationship: Type.Union([Relationship, Type.Null()]) }),
]);
export type PersonDto = Static<typeof PersonDto>;

export const GuestDto = Type.Object({
  guest_id: Type.String(),
  token: Type.String(),
  expires_at: Iso,
});
export type GuestDto = Static<typeof GuestDto>;

export const TokenDto = Type.Object({
  id: Type.String(),
  name: Type.Union([Type.String(), Type.Null()]),
  created_at: Iso,
  last_used_at: Iso,
});
export type TokenDto = Static<typeof TokenDto>;

/** A clip of a space: cut from its archive, expiring. */
export const ClipDto = Type.Object({
  id: Type.String(),
  space_id: Type.String(),
  space: Type.Object({
    id: Type.String(),
    title: Type.String(),
    host: UserSummaryDto,
    state: Type.Unsafe<SpaceStatus>(Type.String()),
  }),
  creator: UserSummaryDto,
  title: Type.String(),
  duration_ms: Type.Integer(),
  source: Type.Union([Type.Literal('live'), Type.Literal('replay')]),
  /** Replay time (ms from the replay's start) of its first sample; null for a live clip. */
  start_ms: Type.Union([Type.Integer(), Type.Null()]),
  state: Type.Union([Type.Literal('processing'), Type.Literal('ready'), Type.Literal('failed')]),
  /** The m4a, once ready; fetching it needs the right to hear the space. */
  audio_url: Type.Union([Type.String(), Type.Null()]),
  /** The clip's page. */
  url: Type.String(),
  created_at: Iso,
  expires_at: Iso,
});
export type ClipDto = Static<typeof ClipDto>;

export const CreateClipBody = Type.Object(
  {
    from_ms: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 1e12,
        description: 'Replay clips: the start, replay time',
      }),
    ),
    to_ms: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 1e12,
        description: 'Replay clips: the end, replay time',
      }),
    ),
    title: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
export type CreateClipBody = Static<typeof CreateClipBody>;

export const PostDto = Type.Object({
  id: Type.String(),
  text: Type.String(),
  space_id: Type.Union([Type.String(), Type.Null()]),
  /** A clip shared in the post; with `clip` null, the clip is gone (deleted or expired). */
  clip_id: Type.Union([Type.String(), Type.Null()]),
  clip: Type.Union([ClipDto, Type.Null()]),
  created_at: Iso,
  author: UserDto,
});
export type PostDto = Static<typeof PostDto>;
export const CreatePostBody = Type.Object(
  {
    text: Type.String({ minLength: 1, maxLength: 280 }),
    clip_id: Type.Optional(Id),
  },
  { additionalProperties: false },
);
export type CreatePostBody = Static<typeof CreatePostBody>;

export const MessageDto = Type.Object({
  id: Type.String(),
  sender_id: Type.String(),
  recipient_id: Type.String(),
  text: Type.String(),
  space_id: Type.Union([Type.String(), Type.Null()]),
  created_at: Iso,
  read_at: IsoOrNull,
});
export type MessageDto = Static<typeof MessageDto>;
export const SendMessageBody = Type.Object(
  { text: Type.String({ minLength: 1, maxLength: 1000 }) },
  { additionalProperties: false },
);
export type SendMessageBody = Static<typeof SendMessageBody>;
export const ConversationDto = Type.Object({
  peer: UserDto,
  last_message: MessageDto,
  unread_count: Type.Integer(),
});
export type ConversationDto = Static<typeof ConversationDto>;

/** One stretch of someone speaking, in replay time (ms from the replay's start). */
export const SpanDto = Type.Object({
  start_ms: Type.Integer({ description: 'Replay time: ms from the replay’s first sample' }),
  end_ms: Type.Integer(),
});
export type SpanDto = Static<typeof SpanDto>;

export const ReplayTimelineDto = Type.Object({
  duration_ms: Type.Integer(),
  speakers: Type.Array(Type.Object({ user: UserSummaryDto, spans: Type.Array(SpanDto) }), {
    description: 'Who spoke when, in the order they first speak; pauses under 1.5 s are one span',
  }),
});
export type ReplayTimelineDto = Static<typeof ReplayTimelineDto>;

/** What `GET /spaces/:id/replay` adds to the audio (the page beside the player). */
export const ReplayExtrasDto = {
  timeline: Type.Union([ReplayTimelineDto, Type.Null()]),
  pins: Type.Array(PinnedPostDto, { description: 'The pins as they were when the space ended' }),
  peak_listeners: Type.Integer({ description: 'The most people present at once during the live' }),
  total_listeners: Type.Integer({ description: 'Different people who were there during the live' }),
};

/** A replay in a listing (the Spaces tab's Recorded section, a profile). */
export const ReplayItemDto = Type.Object({
  space: SpaceDto,
  duration_ms: Type.Integer(),
  plays: Type.Integer(),
  peak_listeners: Type.Integer(),
  total_listeners: Type.Integer(),
  ended_at: Iso,
});
export type ReplayItemDto = Static<typeof ReplayItemDto>;

/** `GET /embed/spaces/:id`: what the embeddable player shows. */
export const EmbedDto = Type.Object({
  space: SpaceDto,
  listener_count: Type.Integer({
    description: 'Live: people here now; ended: different people who were there',
  }),
  replay: Type.Union([Type.Object({ duration_ms: Type.Integer() }), Type.Null()]),
});
export type EmbedDto = Static<typeof EmbedDto>;

/** A space in the Spaces tab or on a profile, with its reminders. */
export const DiscoverItem = Type.Object({
  space: SpaceDto,
  listener_count: Type.Integer(),
  reminder_count: Type.Integer(),
  reminded: Type.Boolean(),
});
export type DiscoverItem = Static<typeof DiscoverItem>;

export const ReminderDto = Type.Object({
  reminded: Type.Boolean({ description: 'Whether you set a reminder' }),
  reminder_count: Type.Integer({ description: 'How many people set one' }),
});
export type ReminderDto = Static<typeof ReminderDto>;

/** The replay of a recorded space (`GET /api/v1/spaces/:id/replay`), without the page's extras. */
export const ReplayDto = Type.Object({
  /** `processing` from the end of the space until the replay is cut (seconds). */
  state: Type.Union([Type.Literal('ready'), Type.Literal('processing')]),
  url: Type.Union([Type.String(), Type.Null()]),
  expires_at: IsoOrNull,
  duration_ms: Type.Union([Type.Integer(), Type.Null()]),
  plays: Type.Integer(),
});
export type ReplayDto = Static<typeof ReplayDto>;

/** `GET /spaces/:id/replay`: the replay and the page beside the player (speakers, pins at the end, the audience). */
export const ReplayDetailsDto = Type.Object({ ...ReplayDto.properties, ...ReplayExtrasDto });
export type ReplayDetailsDto = Static<typeof ReplayDetailsDto>;

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

// ---------------------------------------------------------------------------
// An account's sessions, notification preferences and push subscriptions
// ---------------------------------------------------------------------------

/** A signed-in browser (`GET /auth/sessions`). */
export const SessionDto = Type.Object({
  id: Type.String({ description: 'A short prefix of the session’s hash: enough to name it' }),
  user_agent: Type.Union([Type.String(), Type.Null()]),
  created_at: Iso,
  last_used_at: Iso,
  current: Type.Boolean({ description: 'The session this request was made with' }),
});
export type SessionDto = Static<typeof SessionDto>;

/** A browser that receives the account's push alerts (`/push/subscriptions`). */
export const PushSubscriptionDto = Type.Object({
  id: Type.String(),
  endpoint: Type.String(),
  created_at: Iso,
  last_success_at: IsoOrNull,
});
export type PushSubscriptionDto = Static<typeof PushSubscriptionDto>;

/** Where one kind of notification arrives. */
export const NotificationPreferenceDto = Type.Object({
  in_app: Type.Boolean(),
  push: Type.Boolean(),
});
export type NotificationPreferenceDto = Static<typeof NotificationPreferenceDto>;

/** `GET /notifications/preferences`: every kind that has a preference. */
export const NotificationPreferencesDto = Type.Object(
  Object.fromEntries(NOTIFICATION_KINDS.map((k) => [k, NotificationPreferenceDto])) as Record<
    PreferenceKind,
    typeof NotificationPreferenceDto
  >,
);
export type NotificationPreferencesDto = Static<typeof NotificationPreferencesDto>;

const PreferenceChange = Type.Object(
  { in_app: Type.Optional(Type.Boolean()), push: Type.Optional(Type.Boolean()) },
  { additionalProperties: false, minProperties: 1 },
);
/** `PATCH /notifications/preferences`: only the kinds and channels to change. */
export const NotificationPreferencesPatch = Type.Object(
  Object.fromEntries(NOTIFICATION_KINDS.map((k) => [k, Type.Optional(PreferenceChange)])) as Record<
    PreferenceKind,
    TOptional<typeof PreferenceChange>
  >,
  {
    additionalProperties: false,
    minProperties: 1,
    description: 'Only the kinds and channels to change.',
  },
);
export type NotificationPreferencesPatch = Static<typeof NotificationPreferencesPatch>;

// ---------------------------------------------------------------------------
// Tickets (notes: the tickets contract); amounts in integer minor units
// ---------------------------------------------------------------------------

const Provider = Type.Union([Type.Literal('test'), Type.Literal('stripe')]);

/** A ticket as its buyer sees it; `space` where the route names it. */
export const TicketDto = Type.Object({
  id: Type.String(),
  space_id: Type.String(),
  state: Type.Union([Type.Literal('pending'), Type.Literal('paid'), Type.Literal('refunded')]),
  price_minor: Type.Integer(),
  currency: Type.String(),
  bought_at: Iso,
  refunded_at: IsoOrNull,
  space: Type.Optional(SpaceDto),
});
export type TicketDto = Static<typeof TicketDto>;

/** `GET /tickets/eligibility`: whether the viewer may sell, why not, and the instance's limits. */
export const SellerEligibilityDto = Type.Object({
  eligible: Type.Boolean(),
  reasons: Type.Array(Type.Object({ code: Type.String(), message: Type.String() })),
  needs_birth_date: Type.Boolean(),
  limits: Type.Object({
    min_price_minor: Type.Integer(),
    max_price_minor: Type.Integer(),
    min_count: Type.Integer(),
    max_count: Type.Integer(),
    currency: Type.String(),
  }),
  provider: Provider,
});
export type SellerEligibilityDto = Static<typeof SellerEligibilityDto>;

/** `POST /spaces/:id/tickets`: the test provider's checkout to pay, or Stripe's page to go to. */
export const CheckoutDto = Type.Object({
  checkout: Type.Union([
    Type.Object({ provider: Type.Literal('test'), id: Type.String() }),
    Type.Object({ provider: Type.Literal('stripe'), url: Type.String() }),
  ]),
});
export type CheckoutDto = Static<typeof CheckoutDto>;

/** One space's figures on a host's sales page (the server names the space, the web reads it whole). */
export const SpaceSalesFigures = Type.Object({
  sold: Type.Integer(),
  gross_minor: Type.Integer(),
  refunded_minor: Type.Integer(),
  fee_minor: Type.Integer(),
  net_minor: Type.Integer(),
  /** pending: in escrow until the space ends; available: settled to the host, not yet paid out. */
  state: Type.Union([Type.Literal('pending'), Type.Literal('available'), Type.Literal('refunded')]),
});
export type SpaceSalesFigures = Static<typeof SpaceSalesFigures>;

/** A host's sales summed over the ledger. */
export const SalesTotals = Type.Object({
  gross_minor: Type.Integer(),
  refunded_minor: Type.Integer(),
  fee_minor: Type.Integer(),
  net_minor: Type.Integer(),
  pending_minor: Type.Integer(),
  available_minor: Type.Integer(),
  paid_out_minor: Type.Integer(),
});
export type SalesTotals = Static<typeof SalesTotals>;

/** `GET /me/sales`. */
export const SalesDto = Type.Object({
  currency: Type.String(),
  lifetime_gross_minor: Type.Integer(),
  fee_rate_bps_now: Type.Integer(),
  totals: SalesTotals,
  spaces: Type.Array(Type.Object({ space: SpaceDto, ...SpaceSalesFigures.properties })),
});
export type SalesDto = Static<typeof SalesDto>;

/** `GET /admin/tickets/summary`: the instance's money, and what each host is owed. */
export const AdminTicketsSummaryDto = Type.Object({
  currency: Type.String(),
  gross_minor: Type.Integer(),
  fees_minor: Type.Integer(),
  refunded_minor: Type.Integer(),
  escrow_minor: Type.Integer(),
  payable_minor: Type.Integer(),
  paid_out_minor: Type.Integer(),
  hosts: Type.Array(Type.Object({ host: UserSummaryDto, payable_minor: Type.Integer() })),
});
export type AdminTicketsSummaryDto = Static<typeof AdminTicketsSummaryDto>;
