import type { UsersTable } from '../db/schema.js';

/** Who is making a request: a signed-in user, a guest listener, or nobody. */
export type Viewer =
  | { kind: 'user'; user: UsersTable; sessionId: string }
  | { kind: 'guest'; guestId: string }
  | { kind: 'anonymous' };
