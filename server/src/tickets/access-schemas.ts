/** `SpaceAccess`: whether the viewer may hear the space; declared once, in the protocol. */
export { SpaceAccessDto } from '@salon/protocol/schemas';
