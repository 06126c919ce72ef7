import { REACTION_EMOJI } from '@salon/protocol';
import { Type } from '@sinclair/typebox';
import { Id } from '../accounts/schemas.js';

/** The response shapes live in the protocol, shared with the web app; routes import them from here. */
/** The bodies the web app sends too: its requests are checked against their types. */
export {
  CaptionsBody,
  CreateSpaceBody,
  EditSpaceBody,
  InvitationBody as InviteBody,
  ListenerCountsDto as Counts,
  PinBody,
  RecordingBody,
  RemovalBody,
  ReportBody,
  ShareDmBody,
  SharePostBody,
  SnapshotDto,
  SpaceAnswerDto,
  SpaceDto,
  TicketingBody,
  UserIdBody,
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
