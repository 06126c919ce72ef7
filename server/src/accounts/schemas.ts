import { Id } from '@salon/protocol/schemas';
import { type Static, Type } from '@sinclair/typebox';

/** The id schema is the protocol's, shared with the socket's messages. */
export { Id };
export const IdParams = Type.Object({ id: Id }, { additionalProperties: false });

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
export const LoginBody = Type.Object(
  {
    handle: Type.String({ minLength: 1, maxLength: 15 }),
    password: Type.String({ minLength: 1, maxLength: 200 }),
  },
  { additionalProperties: false },
);
export const CreateTokenBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 60 }),
    handle: Type.Optional(Type.String({ minLength: 1, maxLength: 15 })),
    password: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false },
);
export const ProfilePatch = Type.Object(
  { display_name: Type.Optional(DisplayName), bio: Type.Optional(Bio) },
  { additionalProperties: false, minProperties: 1 },
);

export const UserDto = Type.Object({
  id: Type.String(),
  handle: Type.String(),
  display_name: Type.String(),
  bio: Type.String(),
  avatar_url: Type.Union([Type.String(), Type.Null()]),
  role: Type.Union([Type.Literal('user'), Type.Literal('moderator'), Type.Literal('admin')]),
  created_at: Type.String({ format: 'date-time' }),
});
export type UserDto = Static<typeof UserDto>;

export const Relationship = Type.Object({
  following: Type.Boolean(),
  followed_by: Type.Boolean(),
  blocking: Type.Boolean(),
  blocked_by: Type.Boolean(),
});

export const ProfileDto = Type.Composite([
  UserDto,
  Type.Object({
    followers_count: Type.Integer(),
    following_count: Type.Integer(),
    posts_count: Type.Integer(),
    can_host: Type.Boolean(),
    relationship: Type.Union([Relationship, Type.Null()]),
  }),
]);
export type ProfileDto = Static<typeof ProfileDto>;

export const GuestDto = Type.Object({
  guest_id: Type.String(),
  token: Type.String(),
  expires_at: Type.String({ format: 'date-time' }),
});

export const TokenDto = Type.Object({
  id: Type.String(),
  name: Type.Union([Type.String(), Type.Null()]),
  created_at: Type.String({ format: 'date-time' }),
  last_used_at: Type.String({ format: 'date-time' }),
});

/** An administrator's grant or withdrawal of the right to host. */
export const HostingBody = Type.Object(
  { can_host: Type.Boolean() },
  { additionalProperties: false },
);
