import { Id } from '@salon/protocol/schemas';
import { Type } from '@sinclair/typebox';

/**
 * The accounts' wire shapes are the protocol's (`@salon/protocol/schemas`),
 * declared once for the server's validation and OpenAPI and the web's types.
 * The id schema is shared with the socket's messages.
 */
export {
  Bio,
  CreateTokenBody,
  DisplayName,
  GuestDto,
  Handle,
  HostingBody,
  LoginBody,
  Password,
  ProfileDto,
  ProfilePatch,
  RegisterBody,
  Relationship,
  TokenDto,
  UserDto,
  UserEnvelopeDto,
} from '@salon/protocol/schemas';
export { Id };
export const IdParams = Type.Object({ id: Id }, { additionalProperties: false });
