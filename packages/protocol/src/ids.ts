/** The server's ids: 20 characters of 0-9 and a-z (spaces, users, posts…); the `Id` schema is in schemas.ts. */
export const ID_PATTERN = '^[0-9a-z]{20}$';
