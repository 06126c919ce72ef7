/**
 * The wire's TypeBox schemas (`@salon/protocol/schemas`): the server validates
 * and documents (OpenAPI) with them, and the protocol's types derive from them
 * with `Static<>`. A subpath of its own, so the web app, which imports the
 * types and constants of `@salon/protocol`, carries no TypeBox.
 *
 * Each DTO is declared once, as a TypeBox schema: the server validates and
 * documents (OpenAPI) with the schema, and the type is derived from it. A field
 * typed more precisely than its schema says (a role) is `Type.Unsafe<T>`, so
 * the OpenAPI document keeps the plain type it has always shown. The schemas
 * live in schemas/, one file per domain; this file gathers them.
 */
import { Id } from './id-schema.js';

export * from './client-messages.js';
export * from './schemas/account.js';
export * from './schemas/captions.js';
export { AccountRoleDto, ListOf, OkDto, PageOf, UserSummaryDto } from './schemas/common.js';
export * from './schemas/media.js';
export * from './schemas/moderation.js';
export * from './schemas/social.js';
export * from './schemas/spaces.js';
export * from './schemas/tickets.js';
export { Id };
