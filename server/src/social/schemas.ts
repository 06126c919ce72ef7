import { Type } from '@sinclair/typebox';
import { Id, ProfileDto, Relationship, UserDto } from '../accounts/schemas.js';
import { ClipDto } from '../clips/schemas.js';
import { PageOf } from '../http/pagination.js';

export const PostDto = Type.Object({
  id: Type.String(),
  text: Type.String(),
  space_id: Type.Union([Type.String(), Type.Null()]),
  /** A clip shared in the post; with `clip` null, the clip is gone (deleted or expired). */
  clip_id: Type.Union([Type.String(), Type.Null()]),
  clip: Type.Union([ClipDto, Type.Null()]),
  created_at: Type.String({ format: 'date-time' }),
  author: UserDto,
});
export const CreatePostBody = Type.Object(
  {
    text: Type.String({ minLength: 1, maxLength: 280 }),
    clip_id: Type.Optional(Id),
  },
  { additionalProperties: false },
);

export const MessageDto = Type.Object({
  id: Type.String(),
  sender_id: Type.String(),
  recipient_id: Type.String(),
  text: Type.String(),
  space_id: Type.Union([Type.String(), Type.Null()]),
  created_at: Type.String({ format: 'date-time' }),
  read_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
export const SendMessageBody = Type.Object(
  { text: Type.String({ minLength: 1, maxLength: 1000 }) },
  { additionalProperties: false },
);
export const ConversationDto = Type.Object({
  peer: UserDto,
  last_message: MessageDto,
  unread_count: Type.Integer(),
});

export const NotificationDto = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  actor: Type.Union([UserDto, Type.Null()]),
  post_id: Type.Union([Type.String(), Type.Null()]),
  space_id: Type.Union([Type.String(), Type.Null()]),
  message_id: Type.Union([Type.String(), Type.Null()]),
  created_at: Type.String({ format: 'date-time' }),
  read: Type.Boolean(),
});
export const MarkReadBody = Type.Union([
  Type.Object(
    { ids: Type.Array(Id, { minItems: 1, maxItems: 100 }) },
    { additionalProperties: false },
  ),
  Type.Object({ all: Type.Literal(true) }, { additionalProperties: false }),
]);

export const UserPage = PageOf(UserDto);
/** People in a list (search, followers, following): with your relationship, null when signed out or yourself. */
export const PersonPage = PageOf(
  Type.Composite([UserDto, Type.Object({ relationship: Type.Union([Relationship, Type.Null()]) })]),
);
export const PostPage = PageOf(PostDto);
export const MessagePage = PageOf(MessageDto);
export const ConversationPage = PageOf(ConversationDto);
export const NotificationPage = PageOf(NotificationDto);
export { ProfileDto };
