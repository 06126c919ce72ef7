import type { SpaceSnapshot, StageMemberDto, UserSummaryDto } from '@salon/protocol';
import { vi } from 'vitest';
import type { SpaceActions } from '../screens/space/actions';

export function user(handle: string): UserSummaryDto {
  return {
    id: `${handle}${'0'.repeat(20)}`.slice(0, 20),
    handle,
    display_name: handle[0]!.toUpperCase() + handle.slice(1),
    avatar_url: null,
  };
}

export function member(
  u: UserSummaryDto,
  role: StageMemberDto['role'],
  muted = true,
): StageMemberDto {
  return { user_id: u.id, user: u, role, muted, joined_at: '2026-01-01T10:00:00.000Z' };
}

export const ada = user('ada');
export const bob = user('bob');
export const carol = user('carol');
export const dan = user('dan');

/** A live space hosted by Ada, with Bob speaking, Carol asking to speak and Dan listening. */
export function snapshot(overrides: Partial<SpaceSnapshot> = {}): SpaceSnapshot {
  return {
    space: {
      id: 'space000000000000001',
      host_id: ada.id,
      host: ada,
      title: 'Engines and poetry',
      description: 'Can a machine compose music?',
      topics: ['science', 'music'],
      language: 'en',
      state: 'live',
      scheduled_start: null,
      started_at: '2026-01-01T10:00:00.000Z',
      ended_at: null,
      ended_reason: null,
      recording: false,
      allow_guests: true,
      clipping: true,
      captions: false,
      speaker_requests: true,
      captions_off: [],
      host_away_since: null,
      created_at: '2026-01-01T10:00:00.000Z',
      url: 'http://salon.test/spaces/space000000000000001',
      ticketing: null,
    },
    version: 5,
    stage: [member(ada, 'host', false), member(bob, 'speaker', false)],
    requests: [{ user_id: carol.id, user: carol, requested_at: '2026-01-01T10:01:00.000Z' }],
    invitations: [],
    listeners: {
      // Everyone signed in and present is listed, the stage included.
      data: [
        { user_id: ada.id, user: ada, joined_at: '2026-01-01T10:00:00.000Z' },
        { user_id: bob.id, user: bob, joined_at: '2026-01-01T10:00:10.000Z' },
        { user_id: carol.id, user: carol, joined_at: '2026-01-01T10:00:30.000Z' },
        { user_id: dan.id, user: dan, joined_at: '2026-01-01T10:00:40.000Z' },
      ],
      next_cursor: null,
    },
    counts: { now_total: 12, now_listed: 4, now_anonymous: 8, total_unique: 30 },
    pins: [],
    recording: false,
    ...overrides,
  };
}

export function fakeActions(): SpaceActions {
  const ok = () => vi.fn(async () => true);
  return {
    requestToSpeak: ok(),
    cancelRequest: ok(),
    acceptInvitation: ok(),
    declineInvitation: ok(),
    mute: ok(),
    unmute: ok(),
    leaveStage: ok(),
    muteAll: ok(),
    approve: ok(),
    decline: ok(),
    invite: ok(),
    removeFromStage: ok(),
    removeFromSpace: ok(),
    makeCohost: ok(),
    removeCohost: ok(),
    edit: ok(),
    start: ok(),
    end: ok(),
    handOver: ok(),
    setSwitch: ok(),
    setRecording: ok(),
    pin: ok(),
    unpin: ok(),
    block: ok(),
    react: vi.fn(),
  };
}
