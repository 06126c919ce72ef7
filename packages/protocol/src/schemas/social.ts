/** People, posts, messages, clips and replays (the social substrate). */
import { type Static, Type } from '@sinclair/typebox';
import { Id } from '../id-schema.js';
import type { SpaceStatus } from '../spaces.js';
import { AccountRoleDto, Iso, IsoOrNull, UserSummaryDto } from './common.js';
import { PinnedPostDto, SpaceDto } from './spaces.js';

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
  role: AccountRoleDto,
  created_at: Iso,
});
export type UserDto = Static<typeof UserDto>;

/** The signed-in account, as registering, signing in, `GET /me` and editing the profile or avatar answer. */
export const UserEnvelopeDto = Type.Object({ user: UserDto });
export type UserEnvelopeDto = Static<typeof UserEnvelopeDto>;

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

/** How many are unread: `GET /notifications/unread_count` and `GET /dms/unread_count`. */
export const UnreadCountDto = Type.Object({ count: Type.Integer() });
export type UnreadCountDto = Static<typeof UnreadCountDto>;

/** `POST /notifications/read`: how many notifications it marked read. */
export const MarkedReadDto = Type.Object({ updated: Type.Integer() });
export type MarkedReadDto = Static<typeof MarkedReadDto>;

/** `POST /notifications/read`'s body: these notifications, or all of them. */
export const MarkReadBody = Type.Union([
  Type.Object(
    { ids: Type.Array(Id, { minItems: 1, maxItems: 100 }) },
    { additionalProperties: false },
  ),
  Type.Object({ all: Type.Literal(true) }, { additionalProperties: false }),
]);
export type MarkReadBody = Static<typeof MarkReadBody>;

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

/** `POST /auth/tokens`: the token made, with its secret, shown this once. */
export const CreatedTokenDto = Type.Composite([TokenDto, Type.Object({ token: Type.String() })]);
export type CreatedTokenDto = Static<typeof CreatedTokenDto>;

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

/** `POST /spaces/:id/replay/plays`: the replay's plays, this one counted. */
export const ReplayPlaysDto = Type.Object({ plays: Type.Integer() });
export type ReplayPlaysDto = Static<typeof ReplayPlaysDto>;

/** `GET /spaces/:id/replay`: the replay and the page beside the player (speakers, pins at the end, the audience). */
export const ReplayDetailsDto = Type.Object({ ...ReplayDto.properties, ...ReplayExtrasDto });
export type ReplayDetailsDto = Static<typeof ReplayDetailsDto>;
