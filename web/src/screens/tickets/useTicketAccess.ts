import type { SpaceDto } from '@salon/protocol';
import { useEffect, useState } from 'react';
import { api } from '../../api';
import { type Access, accessOf, ticketingOf } from './types';

/**
 * Whether this viewer may hear the space: known at once for a free space;
 * for a ticketed one, the per-viewer answer (the space card's `access` when
 * it has one, else its snapshot's). Null until known. A new card (loaded
 * again after buying) asks again.
 */
export function useTicketAccess(id: string, space: SpaceDto | undefined): Access | null {
  const [access, setAccess] = useState<{ space: SpaceDto; access: Access } | null>(null);
  useEffect(() => {
    if (!space || space.id !== id) return;
    if (!ticketingOf(space)) return setAccess({ space, access: 'open' });
    const own = (space as { access?: unknown }).access;
    if (typeof own === 'string') return setAccess({ space, access: accessOf(space) });
    let live = true;
    api.snapshot(id).then(
      (snapshot) => live && setAccess({ space, access: accessOf(snapshot, snapshot.space) }),
      // Unknown: join, and the server decides what this viewer gets.
      () => live && setAccess({ space, access: 'open' }),
    );
    return () => {
      live = false;
    };
  }, [id, space]);
  return access && access.space === space ? access.access : null;
}
