import { REACTION_EMOJI, REPORT_REASONS } from '@salon/protocol';
import { Type } from '@sinclair/typebox';
import { Id } from '../accounts/schemas.js';

/** The response shapes live in the protocol, shared with the web app; routes import them from here. */
/** The create and edit bodies too: the web app's requests are checked against their types. */
export {
  CreateSpaceBody,
  EditSpaceBody,
  ListenerCountsDto as Counts,
  SnapshotDto,
  SpaceAnswerDto,
  SpaceDto,
  TicketingBody,
} from '@salon/protocol/schemas';

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
/** A stage member's own captions (the space's switch bodies: switchBodySchema). */
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
