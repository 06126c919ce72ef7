import type { SpaceDto, SpaceSnapshot, UserSummaryDto } from '@salon/protocol';

export interface Bubble {
  space: SpaceDto;
  /** People you follow on its stage, host first. */
  people: UserSummaryDto[];
  /** People here now (the stage included), when the space's snapshot was fetched. */
  here?: number;
}

/**
 * Live spaces that people you follow host or speak in, for the top of Home.
 * `stages` holds the stage of the spaces whose snapshot was fetched.
 */
export function liveBubbles(
  spaces: SpaceDto[],
  following: ReadonlySet<string>,
  stages: ReadonlyMap<string, SpaceSnapshot['stage']>,
  here: ReadonlyMap<string, number> = new Map(),
): Bubble[] {
  const bubbles: Bubble[] = [];
  for (const space of spaces) {
    if (space.state !== 'live') continue;
    const people: UserSummaryDto[] = [];
    if (following.has(space.host_id)) people.push(space.host);
    for (const member of stages.get(space.id) ?? []) {
      if (member.user_id !== space.host_id && following.has(member.user_id)) {
        people.push(member.user);
      }
    }
    const count = here.get(space.id);
    if (people.length)
      bubbles.push({ space, people, ...(count === undefined ? {} : { here: count }) });
  }
  return bubbles;
}
