import { describe, expect, it } from 'vitest';
import { ada, bob, carol, member, snapshot } from '../../test/factories';
import { liveBubbles } from './bubbles';

describe('live bubbles', () => {
  const hostedByAda = { ...snapshot().space, id: 'a' };
  const hostedByBob = { ...snapshot().space, id: 'b', host: bob, host_id: bob.id };
  const ended = { ...hostedByAda, id: 'c', state: 'ended' as const };

  it('shows live spaces that people you follow host or speak in, host first', () => {
    const stages = new Map([
      ['b', [member(bob, 'host'), member(carol, 'speaker'), member(ada, 'speaker')]],
    ]);
    const bubbles = liveBubbles(
      [hostedByAda, hostedByBob, ended],
      new Set([ada.id, carol.id]),
      stages,
    );
    expect(bubbles.map((b) => [b.space.id, b.people.map((p) => p.handle)])).toEqual([
      ['a', ['ada']],
      ['b', ['carol', 'ada']],
    ]);
  });

  it('shows nothing when you follow nobody there', () => {
    expect(liveBubbles([hostedByAda], new Set([carol.id]), new Map())).toEqual([]);
  });
});
