import type { ClipDto, UserDto } from '@salon/protocol';
import { describe, expect, it } from 'vitest';
import { ada, bob, carol } from '../../test/factories';
import { canDelete } from './ClipPage';
import { clock } from './clips';

const clip = {
  creator: bob,
  space: { id: 's', title: 't', host: ada, state: 'ended' },
} as unknown as ClipDto;
const as = (u: typeof ada, role: UserDto['role'] = 'user') =>
  ({ ...u, role, bio: '', created_at: '' }) as UserDto;

describe('a clip page', () => {
  it('lets its creator, the host and staff delete it, nobody else', () => {
    expect(canDelete(clip, as(bob))).toBe(true);
    expect(canDelete(clip, as(ada))).toBe(true);
    expect(canDelete(clip, as(carol, 'moderator'))).toBe(true);
    expect(canDelete(clip, as(carol, 'admin'))).toBe(true);
    expect(canDelete(clip, as(carol))).toBe(false);
    expect(canDelete(clip, null)).toBe(false);
  });

  it('says lengths as players do', () => {
    expect(clock(30_000)).toBe('0:30');
    expect(clock(65_400)).toBe('1:05');
    expect(clock(3_725_000)).toBe('1:02:05');
  });
});
