import type { ServerMessage, SpaceEventPayload, SpaceSnapshot } from './spaces.js';
import { isSwitchEvent, switchChange } from './switches.js';

/**
 * How a client keeps its copy of a space: start from a snapshot, apply each
 * `event` whose version is exactly the next one, and ask for a new snapshot
 * on a gap. Aggregated messages (`listeners`, `counts`) patch the copy
 * without a version. Shared by the web app and the tests, so both read the
 * protocol the same way.
 */
export type ApplyResult =
  | { kind: 'applied'; snapshot: SpaceSnapshot }
  | { kind: 'ignored' }
  | { kind: 'resync' };

export function applyMessage(current: SpaceSnapshot | null, message: ServerMessage): ApplyResult {
  switch (message.type) {
    case 'snapshot':
      return { kind: 'applied', snapshot: message.snapshot };
    case 'event': {
      if (!current) return { kind: 'resync' };
      if (message.version <= current.version) return { kind: 'ignored' };
      if (message.version !== current.version + 1) return { kind: 'resync' };
      let next: SpaceSnapshot = { ...current, version: message.version };
      for (const event of message.events) next = applyEvent(next, event);
      return { kind: 'applied', snapshot: next };
    }
    case 'listeners': {
      if (!current) return { kind: 'ignored' };
      const left = new Set(message.left);
      const kept = current.listeners.data.filter((l) => !left.has(l.user_id));
      const known = new Set(kept.map((l) => l.user_id));
      const data = [...kept, ...message.joined.filter((l) => !known.has(l.user_id))];
      return {
        kind: 'applied',
        snapshot: { ...current, listeners: { ...current.listeners, data } },
      };
    }
    case 'counts':
      return current
        ? { kind: 'applied', snapshot: { ...current, counts: message.counts } }
        : { kind: 'ignored' };
    default:
      return { kind: 'ignored' };
  }
}

export function applyEvent(s: SpaceSnapshot, event: SpaceEventPayload): SpaceSnapshot {
  if (isSwitchEvent(event)) {
    const { name, on } = switchChange(event);
    return { ...s, space: { ...s.space, [name]: on } };
  }
  switch (event.type) {
    case 'space_updated':
      return {
        ...s,
        space: {
          ...s.space,
          title: event.title,
          description: event.description,
          topics: event.topics,
          language: event.language,
          scheduled_start: event.scheduled_start,
        },
      };
    case 'state_changed': {
      const open = event.state === 'live' || event.state === 'scheduled';
      return {
        ...s,
        space: {
          ...s.space,
          state: event.state,
          started_at: event.started_at,
          ended_at: event.ended_at,
          ended_reason: event.ended_reason,
        },
        requests: open ? s.requests : [],
        invitations: open ? s.invitations : [],
      };
    }
    case 'stage_changed':
      return { ...s, stage: event.stage };
    case 'mute_changed': {
      const ids = new Set(event.user_ids);
      return {
        ...s,
        stage: s.stage.map((m) => (ids.has(m.user_id) ? { ...m, muted: event.muted } : m)),
      };
    }
    case 'request_added':
      return {
        ...s,
        requests: [...s.requests.filter((r) => r.user_id !== event.request.user_id), event.request],
      };
    case 'request_removed':
      return { ...s, requests: s.requests.filter((r) => r.user_id !== event.user_id) };
    case 'invitation_added':
      return {
        ...s,
        invitations: [
          ...s.invitations.filter((i) => i.user_id !== event.invitation.user_id),
          event.invitation,
        ],
      };
    case 'invitation_removed':
      return { ...s, invitations: s.invitations.filter((i) => i.user_id !== event.user_id) };
    case 'pins_changed':
      return { ...s, pins: event.pins };
    case 'recording_changed':
      return {
        ...s,
        recording: event.recording,
        space: { ...s.space, recording: event.recording },
      };
    case 'host_presence_changed':
      return { ...s, space: { ...s.space, host_away_since: event.away_since } };
    case 'host_changed':
      return { ...s, space: { ...s.space, host_id: event.host_id, host: event.host } };
    case 'captions_opt_changed':
      return { ...s, space: { ...s.space, captions_off: event.captions_off } };
    case 'participant_removed':
      if (event.participant.kind !== 'user') return s;
      return {
        ...s,
        listeners: {
          ...s.listeners,
          data: s.listeners.data.filter((l) => l.user_id !== event.participant.id),
        },
      };
  }
}
