import { Type } from '@sinclair/typebox';

/** `SpaceAccess` (packages/protocol): whether the viewer may hear the space. */
export const SpaceAccessDto = Type.Union(
  [
    Type.Literal('open'),
    Type.Literal('host'),
    Type.Literal('stage'),
    Type.Literal('holder'),
    Type.Literal('needs_ticket'),
  ],
  {
    description:
      'Whether you may hear the space: open (not ticketed), host, stage (co-hosts, speakers, staff), holder (a paid ticket), needs_ticket (the card and a Buy button only)',
  },
);
