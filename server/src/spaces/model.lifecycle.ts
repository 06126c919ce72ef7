import {
  SPACE_SWITCHES,
  type SpaceSwitch,
  SWITCH_NAMES,
  type SwitchBody,
  switchEvent,
  switchOn,
} from '@salon/protocol';
import { AppError } from '../errors.js';
import { asUser, change, closeFor, type UserInput, unchanged, userIdOf } from './model.changes.js';
import type { Command, NoInput, SpaceState } from './model.js';
import { authorize, roleOf } from './policy.js';

export const allowsGuests = (state: SpaceState): boolean => switchOn(state, 'allow_guests');

/**
 * The host's last connection went. Recorded in the space (not in one node's
 * memory), so every node shows the banner and any node can end the space
 * once the grace is over. Internal: run by the server, never by a route.
 * Saying it twice changes nothing.
 */
export const hostAway: Command<NoInput> = (state, _actor, _input, { now }) => {
  if (state.state !== 'live' || (state.host_away_since ?? null) !== null) return unchanged(state);
  return change(state, (c) => {
    c.state.host_away_since = now;
    c.emit({ type: 'host_presence_changed', away_since: now });
  });
};

/** The host is connected again (on any node): the space no longer waits. Internal. */
export const hostBack: Command<NoInput> = (state) => {
  if (state.state !== 'live' || (state.host_away_since ?? null) === null) return unchanged(state);
  return change(state, (c) => {
    c.state.host_away_since = null;
    c.emit({ type: 'host_presence_changed', away_since: null });
  });
};

/**
 * Ends the space if its host has been away for the whole grace. Internal and
 * safe to run from any node, any number of times: a host who came back meanwhile
 * (committed first) makes it a no-op, and once ended it stays ended.
 */
export const endIfHostGone: Command<{ graceMs: number }> = (
  state,
  _actor,
  { graceMs },
  { now },
) => {
  const since = state.host_away_since ?? null;
  if (state.state !== 'live' || since === null || now - since < graceMs) return unchanged(state);
  return closeFor(state, 'ended', 'host_left', now);
};

/**
 * The host hands the space to a co-host, who becomes its host with every
 * power; the former host leaves the stage and stays as a listener. Under
 * the same race rules as the stage: the co-host must still be one in the
 * version this runs on.
 */
export const handOver: Command<UserInput> = (state, actor, { user_id }) => {
  authorize(actor, 'hand_over', state, asUser(user_id));
  if (roleOf(state, user_id) !== 'cohost') {
    throw AppError.conflict('not_cohost', 'Only a co-host can take over the space.');
  }
  const previous = state.host_id;
  return change(state, (c) => {
    c.state.host_id = user_id;
    c.state.host_away_since = null;
    c.emit({ type: 'host_changed', host_id: user_id, previous_host_id: previous });
    c.setRole(user_id, 'host');
    // Host first, as everywhere else.
    const next = c.state.stage.find((m) => m.user_id === user_id)!;
    c.state.stage = [next, ...c.state.stage.filter((m) => m.user_id !== user_id)];
    c.leave(previous, 'left');
  });
};

/**
 * Turns switch `name` of the space on or off (the protocol's SPACE_SWITCHES:
 * its policy action, its body field and its event). What a switch then
 * changes elsewhere follows its event: guests sent away (realtime), captions
 * started or stopped (media effects), requests refused (a rule that `needs` it).
 */
export function setSwitch<K extends SpaceSwitch>(name: K): Command<SwitchBody<K>> {
  const row = SPACE_SWITCHES[name];
  return (state, actor, input) => {
    authorize(actor, row.action, state);
    const on = (input as Record<string, boolean>)[row.body]!;
    if (switchOn(state, name) === on) return unchanged(state);
    return change(state, (c) => {
      c.state[name] = on;
      c.emit(switchEvent(name, on));
    });
  };
}

/** Every switch's command, keyed by switch (the routes are made from this table). */
export const SWITCH_COMMANDS = Object.fromEntries(
  SWITCH_NAMES.map((name) => [name, setSwitch(name)]),
) as { [K in SpaceSwitch]: Command<SwitchBody<K>> };

/** Listening without an account on or off; off sends the guests present away. */
export const setAllowGuests = SWITCH_COMMANDS.allow_guests;
/** Clipping (host or co-host), live and in the replay alike: it may change after the end. */
export const setClipping = SWITCH_COMMANDS.clipping;
/** Live captions on or off (host or co-host) while the space is scheduled or live. */
export const setCaptions = SWITCH_COMMANDS.captions;

/** Whether the space is captioned (absent in spaces stored before the setting: off). */
export const captionsOn = (state: SpaceState): boolean => switchOn(state, 'captions');

/**
 * A stage member turns their own captions off (or back on). Kept in the
 * state, not in the transcribing node's memory, so every node drops their
 * lines and the choice survives the speaker moving between nodes.
 */
export const setOwnCaptions: Command<{ enabled: boolean }> = (state, actor, input) => {
  authorize(actor, 'set_own_captions', state);
  const userId = userIdOf(actor);
  const off = state.captions_off ?? [];
  if (off.includes(userId) !== input.enabled) return unchanged(state);
  const next = input.enabled ? off.filter((id) => id !== userId) : [...off, userId];
  return change(state, (c) => {
    c.state.captions_off = next;
    c.emit({
      type: 'captions_opt_changed',
      user_id: userId,
      enabled: input.enabled,
      captions_off: next,
    });
  });
};
