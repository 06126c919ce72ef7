import { Type } from '@sinclair/typebox';

/** The answer of a command that has nothing else to say. */
export const Ok = Type.Object({ ok: Type.Boolean() });
