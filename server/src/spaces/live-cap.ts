import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { AppError } from '../errors.js';

/**
 * How many spaces one host may have live at once (MAX_LIVE_SPACES_PER_HOST,
 * 1 by default, as on X): every live space holds a Janus room, a mountpoint,
 * a feed room and an ffmpeg packager, so one account must not be able to
 * open them by the hundred. Admins, who run the instance, are exempt.
 * Pure: the caller counts.
 */
export function liveCapRefusal(input: {
  liveNow: number;
  cap: number;
  admin: boolean;
}): AppError | null {
  if (input.admin || input.liveNow < input.cap) return null;
  return AppError.conflict(
    'too_many_live_spaces',
    input.cap === 1
      ? 'You already have a live space: end it before going live with another.'
      : `You already have ${input.liveNow} live spaces, the most one host may have at once: end one first.`,
  );
}

/** Spaces a host has live now, but `except` (the one going live). */
export async function liveSpacesOf(
  db: Kysely<Database>,
  hostId: string,
  except: string,
): Promise<number> {
  const row = await db
    .selectFrom('spaces')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('host_id', '=', hostId)
    .where('state', '=', 'live')
    .where('id', '!=', except)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}
