import type { SpaceEventPayload } from '@salon/protocol';
import { useEffect, useState } from 'react';
import type { SpaceStore } from '../../spaceStore';

/** Things done to you by someone else, which you would otherwise only notice by their effect. */
export type PersonalNotice = 'muted' | 'movedOff' | 'declined' | 'nowHost';

/**
 * What one change of the space did to you, if anything worth saying. Muting
 * yourself, leaving the stage yourself or withdrawing your own request says
 * nothing; a removal from the space has its own page.
 */
export function noticeFor(
  events: readonly SpaceEventPayload[],
  meId: string | null,
): PersonalNotice | null {
  if (!meId) return null;
  let notice: PersonalNotice | null = null;
  for (const e of events) {
    if (e.type === 'mute_changed' && e.muted && e.by !== meId && e.user_ids.includes(meId))
      notice = 'muted';
    if (
      e.type === 'stage_changed' &&
      e.change.kind === 'left' &&
      e.change.user_id === meId &&
      e.change.reason === 'removed_from_stage'
    )
      notice = 'movedOff';
    if (e.type === 'request_removed' && e.user_id === meId && e.reason === 'declined')
      notice = 'declined';
    if (e.type === 'host_changed' && e.host_id === meId) notice = 'nowHost';
  }
  return notice;
}

/** The latest notice for you in this space, until dismissed or replaced. */
export function usePersonalNotice(store: SpaceStore | null, meId: string | null) {
  const [notice, setNotice] = useState<PersonalNotice | null>(null);
  useEffect(() => {
    setNotice(null);
    if (!store) return;
    return store.onEvents((events) => {
      const next = noticeFor(events, meId);
      if (next) setNotice(next);
    });
  }, [store, meId]);
  return { notice, dismiss: () => setNotice(null) };
}
