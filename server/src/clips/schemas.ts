import { ClipDto } from '@salon/protocol/schemas';
import { Type } from '@sinclair/typebox';
import { Id } from '../accounts/schemas.js';
import { PageOf } from '../http/pagination.js';

/** The clip's wire shapes are the protocol's, declared once for the server and the web. */
export { ClipDto, CreateClipBody } from '@salon/protocol/schemas';

export const ClipPage = PageOf(ClipDto);

export const ClipParams = Type.Object({ id: Id }, { additionalProperties: false });
