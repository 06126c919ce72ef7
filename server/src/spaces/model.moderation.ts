import type { InvitationRole } from '@salon/protocol';
import { AppError } from '../errors.js';
import {
  alreadyCohost,
  alreadyOnStage,
  asUser,
  change,
  requireCohostSeat,
  requireInvitation,
  requireRequest,
  type UserInput,
  union,
  userIdOf,
} from './model.changes.js';
import type { Command, NoInput } from './model.js';
import { authorize, type Participant, roleOf } from './policy.js';

/**
 * The commands that run the stage: requests to speak, invitations, who is on
 * stage and in what role, microphones, removal from the space, and pins.
 */

// --- Requests to speak ----------------------------------------------------------

export const requestToSpeak: Command<NoInput> = (state, actor, _input, { now, limits }) => {
  authorize(actor, 'request_to_speak', state);
  const userId = userIdOf(actor);
  if (state.requests.some((r) => r.user_id === userId)) {
    throw AppError.conflict('already_requested', 'You have already asked to speak.');
  }
  if (state.requests.length >= limits.maxRequests) {
    throw AppError.conflict('requests_full', 'Too many people are waiting to speak. Try later.');
  }
  const request = { user_id: userId, requested_at: now };
  return change(state, (c) => {
    c.state.requests = [...state.requests, request];
    c.emit({ type: 'request_added', request });
  });
};

export const cancelRequest: Command<NoInput> = (state, actor) => {
  authorize(actor, 'cancel_request', state);
  const userId = userIdOf(actor);
  requireRequest(state, userId);
  return change(state, (c) => c.dropRequest(userId, 'cancelled'));
};

/** The approved listener comes on stage as a muted speaker, if a seat is free. */
export const approveRequest: Command<UserInput> = (state, actor, { user_id }, ctx) => {
  authorize(actor, 'approve_request', state, asUser(user_id));
  requireRequest(state, user_id);
  return change(state, (c) => {
    c.dropRequest(user_id, 'approved');
    c.dropInvitation(user_id, 'joined_stage');
    c.join(user_id, 'speaker', ctx);
  });
};

export const declineRequest: Command<UserInput> = (state, actor, { user_id }) => {
  authorize(actor, 'decline_request', state, asUser(user_id));
  requireRequest(state, user_id);
  return change(state, (c) => c.dropRequest(user_id, 'declined'));
};

// --- Invitations ----------------------------------------------------------------

export interface InviteInput {
  user_id: string;
  role: InvitationRole;
}

/**
 * Invites a user to speak or to co-host. The stage may be full now and free
 * later, so seats are checked on acceptance; a new invitation replaces the
 * previous one.
 */
export const invite: Command<InviteInput> = (state, actor, { user_id, role }, { now, limits }) => {
  authorize(actor, role === 'cohost' ? 'invite_cohost' : 'invite_speaker', state, asUser(user_id));
  if (state.removed_user_ids.includes(user_id)) {
    throw AppError.conflict('target_removed', 'That person was removed from this space.');
  }
  const current = roleOf(state, user_id);
  if (role === 'speaker' && current !== 'listener') throw alreadyOnStage();
  if (role === 'cohost' && current === 'cohost') throw alreadyCohost();
  if (role === 'cohost') requireCohostSeat(state, limits);
  const invitation = { user_id, role, invited_by: userIdOf(actor), invited_at: now };
  return change(state, (c) => {
    c.dropInvitation(user_id, 'replaced');
    c.state.invitations = [...c.state.invitations, invitation];
    c.emit({ type: 'invitation_added', invitation });
  });
};

export const acceptInvitation: Command<NoInput> = (state, actor, _input, ctx) => {
  authorize(actor, 'accept_invitation', state);
  const userId = userIdOf(actor);
  const { role } = requireInvitation(state, userId);
  return change(state, (c) => {
    c.dropInvitation(userId, 'accepted');
    c.dropRequest(userId, 'joined_stage');
    if (role === 'cohost' && roleOf(state, userId) === 'speaker') {
      c.promoteToCohost(userId, userId, ctx.limits);
    } else {
      c.join(userId, role, ctx);
    }
  });
};

export const declineInvitation: Command<NoInput> = (state, actor) => {
  authorize(actor, 'decline_invitation', state);
  const userId = userIdOf(actor);
  requireInvitation(state, userId);
  return change(state, (c) => c.dropInvitation(userId, 'declined'));
};

// --- The stage ------------------------------------------------------------------

export const leaveStage: Command<NoInput> = (state, actor) => {
  authorize(actor, 'leave_stage', state);
  return change(state, (c) => c.leave(userIdOf(actor), 'left'));
};

export const removeFromStage: Command<UserInput> = (state, actor, { user_id }) => {
  authorize(actor, 'remove_from_stage', state, asUser(user_id));
  return change(state, (c) => c.leave(user_id, 'removed_from_stage'));
};

/** Makes a speaker a co-host directly (listeners are invited instead). */
export const addCohost: Command<UserInput> = (state, actor, { user_id }, { limits }) => {
  authorize(actor, 'add_cohost', state, asUser(user_id));
  const current = roleOf(state, user_id);
  if (current === 'listener') {
    throw AppError.conflict(
      'target_not_on_stage',
      'Invite them to co-host; they are not on stage.',
    );
  }
  if (current === 'cohost') throw alreadyCohost();
  return change(state, (c) => {
    c.dropInvitation(user_id, 'replaced');
    c.promoteToCohost(user_id, userIdOf(actor), limits);
  });
};

/** A co-host becomes a speaker; their microphone stays as it was. */
export const demoteCohost: Command<UserInput> = (state, actor, { user_id }) => {
  authorize(actor, 'demote_cohost', state, asUser(user_id));
  if (roleOf(state, user_id) !== 'cohost') {
    throw AppError.conflict('not_cohost', 'That person is not a co-host.');
  }
  return change(state, (c) => c.setRole(user_id, 'speaker'));
};

export const mute: Command<UserInput> = (state, actor, { user_id }) => {
  authorize(actor, 'mute', state, asUser(user_id));
  return change(state, (c) => c.setMuted([user_id], true, userIdOf(actor), true));
};

/** Policy lets only the member themself through: nobody opens another's microphone. */
export const unmute: Command<UserInput> = (state, actor, { user_id }) => {
  authorize(actor, 'unmute', state, asUser(user_id));
  return change(state, (c) => c.setMuted([user_id], false, userIdOf(actor), true));
};

/**
 * Mutes every speaker. The host and the co-hosts keep the floor, as with X's
 * "mute all speakers": the people running the space must still be able to
 * talk over the noise they are stopping. The event lists every speaker.
 */
export const muteAll: Command<NoInput> = (state, actor) => {
  authorize(actor, 'mute_all', state);
  const speakers = state.stage.filter((m) => m.role === 'speaker').map((m) => m.user_id);
  return change(state, (c) => c.setMuted(speakers, true, userIdOf(actor), true));
};

/**
 * Bans a user or a guest from the space and drops everything of theirs: their
 * seat, request, invitation and the posts they pinned.
 */
export const removeFromSpace: Command<{ participant: Participant }> = (state, actor, input) => {
  const who = input.participant;
  authorize(actor, 'remove_from_space', state, who);
  return change(state, (c) => {
    const s = c.state;
    if (who.kind === 'guest') s.removed_guest_ids = union(s.removed_guest_ids, who.id);
    else s.removed_user_ids = union(s.removed_user_ids, who.id);
    c.emit({ type: 'participant_removed', participant: who, by: userIdOf(actor) });
    if (who.kind === 'guest') return;
    if (roleOf(state, who.id) !== 'listener') c.leave(who.id, 'removed_from_space');
    c.dropRequest(who.id, 'removed_from_space');
    c.dropInvitation(who.id, 'removed_from_space');
    if (s.pins.some((p) => p.pinned_by === who.id)) {
      s.pins = s.pins.filter((p) => p.pinned_by !== who.id);
      c.emit({ type: 'pins_changed', pins: s.pins });
    }
  });
};

// --- Pins -----------------------------------------------------------------------

/** Whether the post exists is the caller's check; the model only holds its id. */
export const pin: Command<{ post_id: string }> = (state, actor, { post_id }, { now, limits }) => {
  authorize(actor, 'pin', state);
  if (post_id === '' || post_id.length > 64) {
    throw AppError.invalid('invalid_post_id', 'That is not a post id.');
  }
  if (state.pins.some((p) => p.post_id === post_id)) {
    throw AppError.conflict('already_pinned', 'That post is already pinned.');
  }
  if (state.pins.length >= limits.maxPins) {
    const message = `At most ${limits.maxPins} posts can be pinned. Unpin one first.`;
    throw AppError.conflict('pin_limit_reached', message);
  }
  const pins = [...state.pins, { post_id, pinned_by: userIdOf(actor), pinned_at: now }];
  return change(state, (c) => {
    c.state.pins = pins;
    c.emit({ type: 'pins_changed', pins });
  });
};

/** Any stage member may unpin any pin: pins belong to the stage, not to one speaker. */
export const unpin: Command<{ post_id: string }> = (state, actor, { post_id }) => {
  authorize(actor, 'unpin', state);
  if (!state.pins.some((p) => p.post_id === post_id)) throw AppError.notFound('pin');
  const pins = state.pins.filter((p) => p.post_id !== post_id);
  return change(state, (c) => {
    c.state.pins = pins;
    c.emit({ type: 'pins_changed', pins });
  });
};
