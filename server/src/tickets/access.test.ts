import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StageMember } from '../spaces/model.js';
import { accessOf, type Hearer, hears, type Stage, ticketRequired } from './access.js';

const member = (user_id: string, role: StageMember['role']): StageMember =>
  ({ user_id, role, muted: true, joined_at: 0 }) as StageMember;
const space: Stage = {
  host_id: 'host',
  stage: [member('host', 'host'), member('co', 'cohost'), member('sp', 'speaker')],
};
const user = (userId: string, role: 'user' | 'moderator' | 'admin' = 'user'): Hearer => ({
  kind: 'user',
  userId,
  role,
});
const guest: Hearer = { kind: 'guest', guestId: 'g1' };
const anonymous: Hearer = { kind: 'anonymous' };

test('an unticketed space is open to everyone, whatever the ticket says', () => {
  for (const who of [user('host'), user('x'), user('x', 'admin'), guest, anonymous]) {
    assert.equal(accessOf(space, who, false, false), 'open');
    assert.equal(accessOf(space, who, false, true), 'open');
  }
});

test('a ticketed space: each kind of person, with and without a ticket', () => {
  const rows: Array<[string, Hearer, boolean, ReturnType<typeof accessOf>]> = [
    ['the host', user('host'), false, 'host'],
    ['a co-host', user('co'), false, 'stage'],
    ['a speaker', user('sp'), false, 'stage'],
    ['an admin', user('adm', 'admin'), false, 'stage'],
    ['a moderator', user('mod', 'moderator'), false, 'stage'],
    ['a holder', user('buyer'), true, 'holder'],
    ['a listener without a ticket', user('other'), false, 'needs_ticket'],
    ['a guest (cannot buy)', guest, true, 'needs_ticket'],
    ['an anonymous visitor', anonymous, true, 'needs_ticket'],
  ];
  for (const [name, who, holder, expected] of rows) {
    assert.equal(accessOf(space, who, true, holder), expected, name);
    assert.equal(hears(expected), expected !== 'needs_ticket', name);
  }
});

test('stepping off the stage of a ticketed space without a ticket takes the right to hear it', () => {
  const after: Stage = { host_id: 'host', stage: [member('host', 'host')] };
  assert.equal(accessOf(space, user('sp'), true, false), 'stage');
  assert.equal(accessOf(after, user('sp'), true, false), 'needs_ticket');
  assert.equal(accessOf(after, user('sp'), true, true), 'holder');
});

test('the refusal names the ticket, and tells guests to sign in', () => {
  const forUser = ticketRequired(user('x'));
  assert.equal(forUser.code, 'ticket_required');
  assert.equal(forUser.kind, 'forbidden');
  assert.match(ticketRequired(guest).message, /sign in/);
});
