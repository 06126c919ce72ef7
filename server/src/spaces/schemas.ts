import { REACTION_EMOJI } from '@salon/protocol';
import { Type } from '@sinclair/typebox';
import { Id } from '../accounts/schemas.js';
import { SpaceAccessDto } from '../tickets/access-schemas.js';

const UserSummary = Type.Object({
  id: Type.String(),
  handle: Type.String(),
  display_name: Type.String(),
  avatar_url: Type.Union([Type.String(), Type.Null()]),
});
const Iso = Type.String({ format: 'date-time' });
const IsoOrNull = Type.Union([Iso, Type.Null()]);

export const SpaceDto = Type.Object({
  id: Type.String(),
  host_id: Type.String(),
  host: UserSummary,
  title: Type.String(),
  description: Type.String(),
  topics: Type.Array(Type.String()),
  language: Type.String(),
  state: Type.Union([
    Type.Literal('scheduled'),
    Type.Literal('live'),
    Type.Literal('ended'),
    Type.Literal('cancelled'),
  ]),
  scheduled_start: IsoOrNull,
  started_at: IsoOrNull,
  ended_at: IsoOrNull,
  ended_reason: Type.Union([
    Type.Literal('host'),
    Type.Literal('moderation'),
    Type.Literal('host_left'),
    Type.Null(),
  ]),
  recording: Type.Boolean(),
  allow_guests: Type.Boolean(),
  /** Whether people may clip the space (live and its replay); the host or a co-host turns it off. */
  clipping: Type.Boolean(),
  /** Live captions (issue 14); the host or a co-host turns them on. */
  captions: Type.Boolean(),
  captions_off: Type.Array(Type.String()),
  host_away_since: IsoOrNull,
  created_at: Iso,
  url: Type.String(),
  ticketing: Type.Union([
    Type.Object({
      price_minor: Type.Integer(),
      currency: Type.String(),
      count: Type.Integer(),
      sold: Type.Integer(),
      left: Type.Integer(),
      sold_out: Type.Boolean(),
    }),
    Type.Null(),
  ]),
});

const StageMember = Type.Object({
  user_id: Type.String(),
  user: UserSummary,
  role: Type.String(),
  muted: Type.Boolean(),
  joined_at: Iso,
});
const Listener = Type.Object({ user_id: Type.String(), user: UserSummary, joined_at: Iso });
export const Counts = Type.Object({
  now_total: Type.Integer(),
  now_listed: Type.Integer(),
  now_anonymous: Type.Integer(),
  total_unique: Type.Integer(),
});

/** The per-viewer answer of `GET /spaces/:id`: the space, and whether you may hear it. */
export const SpaceAnswerDto = Type.Composite([SpaceDto, Type.Object({ access: SpaceAccessDto })]);

export const SnapshotDto = Type.Object({
  space: SpaceDto,
  access: SpaceAccessDto,
  version: Type.Integer(),
  stage: Type.Array(StageMember),
  requests: Type.Array(
    Type.Object({ user_id: Type.String(), user: UserSummary, requested_at: Iso }),
  ),
  invitations: Type.Array(
    Type.Object({
      user_id: Type.String(),
      user: UserSummary,
      role: Type.String(),
      invited_by: Type.String(),
      invited_at: Iso,
    }),
  ),
  listeners: Type.Object({
    data: Type.Array(Listener),
    next_cursor: Type.Union([Type.String(), Type.Null()]),
  }),
  counts: Counts,
  pins: Type.Array(
    Type.Object({
      post_id: Type.String(),
      pinned_by: Type.String(),
      pinned_at: Iso,
      post: Type.Union([
        Type.Object({
          id: Type.String(),
          author: UserSummary,
          text: Type.String(),
          created_at: Iso,
        }),
        Type.Null(),
      ]),
    }),
  ),
  recording: Type.Boolean(),
});

const Title = Type.String({ minLength: 1, maxLength: 70 });
const Description = Type.String({ maxLength: 280 });
const Topics = Type.Array(Type.String({ minLength: 1, maxLength: 30 }), { maxItems: 3 });
const Language = Type.String({ minLength: 2, maxLength: 35 });

/** A ticket offer as the host sets it (tickets/rules.ts checks the instance's limits). */
export const TicketingBody = Type.Object(
  {
    price_minor: Type.Integer({ minimum: 0, maximum: 100_000_000, description: 'Minor units' }),
    count: Type.Integer({ minimum: 0, maximum: 1_000_000 }),
  },
  { additionalProperties: false },
);

export const CreateSpaceBody = Type.Object(
  {
    title: Title,
    description: Type.Optional(Description),
    topics: Type.Optional(Topics),
    language: Type.Optional(Language),
    scheduled_start: Type.Optional(Type.Union([Iso, Type.Null()])),
    recording: Type.Optional(Type.Boolean()),
    captions: Type.Optional(Type.Boolean({ description: 'Live captions from the start' })),
    ticketing: Type.Optional(TicketingBody),
  },
  { additionalProperties: false },
);
export const EditSpaceBody = Type.Object(
  {
    title: Type.Optional(Title),
    description: Type.Optional(Description),
    topics: Type.Optional(Topics),
    language: Type.Optional(Language),
  },
  { additionalProperties: false, minProperties: 1 },
);
export const SpaceParams = Type.Object({ id: Id }, { additionalProperties: false });
export const SpaceUserParams = Type.Object(
  { id: Id, user_id: Id },
  { additionalProperties: false },
);
export const SpacePostParams = Type.Object(
  { id: Id, post_id: Id },
  { additionalProperties: false },
);
export const UserIdBody = Type.Object({ user_id: Id }, { additionalProperties: false });
export const InviteBody = Type.Object(
  { user_id: Id, role: Type.Union([Type.Literal('speaker'), Type.Literal('cohost')]) },
  { additionalProperties: false },
);
export const RemovalBody = Type.Object(
  { kind: Type.Union([Type.Literal('user'), Type.Literal('guest')]), id: Id },
  { additionalProperties: false },
);
export const PinBody = Type.Object({ post_id: Id }, { additionalProperties: false });
export const GuestsBody = Type.Object(
  { allow_guests: Type.Boolean({ description: 'Whether people without an account may listen' }) },
  { additionalProperties: false },
);

export const ClippingBody = Type.Object(
  { clipping: Type.Boolean({ description: 'Whether people may clip the space and its replay' }) },
  { additionalProperties: false },
);

export const CaptionsBody = Type.Object(
  { enabled: Type.Boolean({ description: 'Whether captions are on' }) },
  { additionalProperties: false },
);

export const RecordingBody = Type.Object(
  { recording: Type.Boolean() },
  { additionalProperties: false },
);
export const ReactionBody = Type.Object(
  {
    emoji: Type.String({
      minLength: 1,
      maxLength: 8,
      description: `One of ${REACTION_EMOJI.join(' ')}`,
    }),
  },
  { additionalProperties: false },
);
export const ReportBody = Type.Object(
  {
    reason: Type.Union(
      [
        'spam',
        'abuse',
        'hate',
        'violence',
        'sexual',
        'misinformation',
        'impersonation',
        'other',
      ].map((r) => Type.Literal(r)),
    ),
    details: Type.Optional(Type.String({ maxLength: 1000 })),
    user_id: Type.Optional(Id),
  },
  { additionalProperties: false },
);
export const ShareDmBody = Type.Object(
  { user_id: Id, text: Type.Optional(Type.String({ maxLength: 1000 })) },
  { additionalProperties: false },
);
export const SharePostBody = Type.Object(
  { text: Type.Optional(Type.String({ maxLength: 280 })) },
  { additionalProperties: false },
);
export const ListSpacesQuery = Type.Object(
  {
    state: Type.Optional(
      Type.Union([Type.Literal('live'), Type.Literal('scheduled'), Type.Literal('ended')]),
    ),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  },
  { additionalProperties: false },
);
