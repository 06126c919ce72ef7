import type { SessionsTable, UsersTable } from '../db/schema.js';
import type { UserDto } from './schemas.js';

/** The public face of a user: a whitelist, so no column leaks by accident. */
export function presentUser(user: UsersTable): UserDto {
  return {
    id: user.id,
    handle: user.handle,
    display_name: user.display_name,
    bio: user.bio,
    avatar_url: user.avatar_key ? `/media/avatars/${user.avatar_key}` : null,
    role: user.role,
    created_at: new Date(user.created_at).toISOString(),
  };
}

export function presentToken(session: SessionsTable) {
  return {
    // The row id is a hash of the token; a short prefix names it without revealing anything useful.
    id: session.id.slice(0, 16),
    name: session.name,
    created_at: new Date(session.created_at).toISOString(),
    last_used_at: new Date(session.last_used_at).toISOString(),
  };
}
