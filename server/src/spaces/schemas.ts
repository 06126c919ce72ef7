import { REACTION_EMOJI, REPORT_REASONS } from '@salon/protocol';
import { Type } from '@sinclair/typebox';
import { Id } from '../accounts/schemas.js';

const Iso = Type.String({ format: 'date-time' });

/** The response shapes live in the protocol, shared with the web app; routes import them from here. */
export {
  ListenerCountsDto as Counts,
  SnapshotDto,
  SpaceAnswerDto,
  SpaceDto,
} from '@salon/protocol/schemas';

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
    reason: Type.Union(REPORT_REASONS.map((r) => Type.Literal(r))),
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
