import type { NotificationDto } from './schemas.js';

/**
 * The social substrate's DTOs and request bodies: TypeBox schemas in
 * `@salon/protocol/schemas` (the server validates and documents with them),
 * their `Static<>` types exported here.
 */
export type {
  ChangePasswordBody,
  ClipDto,
  ConversationDto,
  CreateClipBody,
  CreatedTokenDto,
  CreatePostBody,
  CreateTokenBody,
  DiscoverItem,
  EmbedDto,
  GuestDto,
  HostingBody,
  LoginBody,
  MarkedReadDto,
  MarkReadBody,
  MessageDto,
  NotificationDto,
  OkDto,
  PersonDto,
  PostDto,
  ProfileDto,
  ProfilePatch,
  RegisterBody,
  Relationship,
  ReminderDto,
  ReplayItemDto,
  ReplayPlaysDto,
  ReplayTimelineDto,
  SendMessageBody,
  SessionDto,
  SignedOutDto,
  SignOutAllBody,
  SpanDto,
  TokenDto,
  UnreadCountDto,
  UserDto,
  UserEnvelopeDto,
} from './schemas.js';

/** A page of a list (`PageOf` in the schemas): null `next_cursor` at the end. */
export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

/** A whole list (`ListOf` in the schemas): no cursor, nothing past it. */
export interface List<T> {
  data: T[];
}

/** Personal messages, sent only to the connections of one signed-in user. */
export type PersonalMessage = { type: 'notification'; notification: NotificationDto };

export const userChannel = (userId: string) => `user:${userId}`;

/**
 * WebSocket close codes of a connection whose account no longer stands. The
 * server sends an `error` with the same code first. Reconnecting will not help.
 */
export const CLOSE_ACCOUNT_SUSPENDED = 4003;
export const CLOSE_SIGNED_OUT = 4001;
