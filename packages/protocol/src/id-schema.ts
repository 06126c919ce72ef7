import { Type } from '@sinclair/typebox';
import { ID_PATTERN } from './ids.js';

/** An id in a path, a body or a socket message; one schema for HTTP and the WebSocket. */
export const Id = Type.String({ pattern: ID_PATTERN, description: 'A 20-character id' });
