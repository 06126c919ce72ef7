import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allows, RULES, SPACE_ACTIONS, type ViewerRole } from '@salon/protocol';
import {
  HOST,
  liveSpace,
  scheduledSpace,
  user,
  withCohosts,
  withSpeakers,
} from '../../test/support/space-model.js';
import type { SpaceState } from './model.js';
import { type Actor, can } from './policy.js';

/**
 * The web shows a control when the protocol's `allows` says so; the server
 * decides with `can`. For every action without a target, every role and every
 * state, the two agree, except for the per-action cases the table cannot say
 * (named here, as the policy names them).
 */
const ACTORS: Record<ViewerRole, Actor> = {
  host: HOST,
  cohost: user('co'),
  speaker: user('sp'),
  listener: user('li'),
  guest: { kind: 'guest', guestId: 'g1' },
};

/** The policy's own cases beyond the table (roleRefusal). */
function perActionRefusal(action: string, role: ViewerRole): boolean {
  if (action === 'leave_stage') return role === 'host';
  if (action === 'request_to_speak') return role !== 'listener';
  return false;
}

test('a control the table allows is a command the policy lets through, and no other', () => {
  const live = withSpeakers(withCohosts(liveSpace(), ['co']), ['sp']);
  const spaces: [SpaceState, ViewerRole[]][] = [
    [scheduledSpace(), ['host', 'listener', 'guest']],
    [live, ['host', 'cohost', 'speaker', 'listener', 'guest']],
    [{ ...live, state: 'ended' }, ['host', 'cohost', 'speaker', 'listener', 'guest']],
    [{ ...live, state: 'cancelled' }, ['host', 'cohost', 'speaker', 'listener', 'guest']],
    // The stage locked (speaker requests off): the table reads the switch as the server does.
    [{ ...live, speaker_requests: false }, ['host', 'cohost', 'speaker', 'listener', 'guest']],
  ];
  let compared = 0;
  for (const action of SPACE_ACTIONS) {
    if (RULES[action].target) continue;
    for (const [space, roles] of spaces) {
      for (const role of roles) {
        const server = can(ACTORS[role], action, space).ok;
        const web = allows(action, role, space) && !perActionRefusal(action, role);
        assert.equal(web, server, `${action} by ${role} while ${space.state}`);
        compared += 1;
      }
    }
  }
  assert.ok(compared > 300, `compared ${compared}`);
});
