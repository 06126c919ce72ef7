import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Role } from '../db/schema.js';
import {
  hostingRequestRefusal,
  isStaff,
  type Person,
  requireReason,
  roleChangeRefusal,
  suspensionRefusal,
} from './rules.js';

const person = (id: string, role: Role, owner = false): Person => ({ id, role, owner });
const owner = person('owner', 'admin', true);
const admin = person('admin', 'admin');
const mod = person('mod', 'moderator');
const user = person('user', 'user');
const code = (error: { code: string } | null) => error?.code ?? null;

describe('roles', () => {
  test('admins and moderators are staff; users are not', () => {
    assert.deepEqual(
      [isStaff('admin'), isStaff('moderator'), isStaff('user')],
      [true, true, false],
    );
  });

  test('only an admin changes roles, never their own, and the owner stays admin', () => {
    assert.equal(code(roleChangeRefusal(owner, user, 'moderator')), null);
    assert.equal(code(roleChangeRefusal(admin, mod, 'user')), null);
    assert.equal(code(roleChangeRefusal(admin, user, 'admin')), null);
    assert.equal(code(roleChangeRefusal(mod, user, 'moderator')), 'admin_only');
    assert.equal(code(roleChangeRefusal(user, user, 'admin')), 'admin_only');
    assert.equal(code(roleChangeRefusal(admin, admin, 'user')), 'cannot_change_own_role');
    assert.equal(code(roleChangeRefusal(admin, owner, 'moderator')), 'instance_owner');
  });
});

describe('suspensions', () => {
  test('moderators suspend users; only admins suspend staff; nobody suspends the owner or themself', () => {
    assert.equal(code(suspensionRefusal(mod, user)), null);
    assert.equal(code(suspensionRefusal(admin, mod)), null);
    assert.equal(code(suspensionRefusal(admin, admin2())), null);
    assert.equal(code(suspensionRefusal(mod, person('m2', 'moderator'))), 'outranked');
    assert.equal(code(suspensionRefusal(mod, admin)), 'outranked');
    assert.equal(code(suspensionRefusal(admin, owner)), 'instance_owner');
    assert.equal(code(suspensionRefusal(mod, mod)), 'cannot_suspend_self');
    assert.equal(code(suspensionRefusal(user, person('u2', 'user'))), 'moderators_only');
  });
});

function admin2() {
  return person('admin2', 'admin');
}

describe('hosting requests', () => {
  test('one may ask only when one cannot host and has no request waiting', () => {
    assert.equal(code(hostingRequestRefusal({ mayHost: false, openRequest: false })), null);
    assert.equal(
      code(hostingRequestRefusal({ mayHost: false, openRequest: true })),
      'hosting_request_open',
    );
    assert.equal(
      code(hostingRequestRefusal({ mayHost: true, openRequest: false })),
      'already_can_host',
    );
  });
});

test('a decision needs a reason, kept without its surrounding blanks', () => {
  assert.equal(requireReason('  Spam links  '), 'Spam links');
  assert.throws(() => requireReason('   '), { code: 'reason_required' });
});
