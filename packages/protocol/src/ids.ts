import { Type } from '@sinclair/typebox';

/** The server's ids: 20 characters of 0-9 and a-z (spaces, users, posts…). */
export const ID_PATTERN = '^[0-9a-z]{20}$';
/** An id in a path, a body or a socket message; one schema for HTTP and the WebSocket. */
export const Id = Type.String({ pattern: ID_PATTERN, description: 'A 20-character id' });
