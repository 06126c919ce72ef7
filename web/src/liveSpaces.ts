import type { SpaceDto } from '@salon/protocol';
import { useEffect, useState } from 'react';
import { api } from './api';

/**
 * The live spaces, shared by every screen that draws purple rings, refreshed
 * at most every 20 s. A discovery endpoint will replace this list.
 */
let cache: { at: number; spaces: Promise<SpaceDto[]> } | null = null;
const FRESH_MS = 20_000;

export function liveSpaces(force = false): Promise<SpaceDto[]> {
  if (!force && cache && Date.now() - cache.at < FRESH_MS) return cache.spaces;
  const spaces = api.spaces('live').then(
    (page) => page.data,
    () => [],
  );
  cache = { at: Date.now(), spaces };
  return spaces;
}

/** Ids of people hosting a live space right now. */
export function useLiveHosts(): Set<string> {
  const [hosts, setHosts] = useState<Set<string>>(new Set());
  useEffect(() => {
    let live = true;
    liveSpaces().then((spaces) => {
      if (live) setHosts(new Set(spaces.map((s) => s.host_id)));
    });
    return () => {
      live = false;
    };
  }, []);
  return hosts;
}
