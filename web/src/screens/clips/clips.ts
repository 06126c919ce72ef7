/**
 * What every clip screen shares: a clip that follows the server while it is being cut (`processing` → `ready`).
 */
import type { ClipDto } from '@salon/protocol';
import { useEffect, useState } from 'react';
import { api, errorMessage } from '../../api';

/** How often to ask again while a clip is being cut. */
export const CLIP_POLL_MS = 2_000;

/** "0:30", "1:05:09": a clip's or a replay's length, as players show it. */
export function clock(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = h ? String(m).padStart(2, '0') : String(m);
  return `${h ? `${h}:` : ''}${mm}:${String(s).padStart(2, '0')}`;
}

export type ClipState =
  | { kind: 'loading' }
  | { kind: 'failed'; error: string; status: number | null }
  | { kind: 'found'; clip: ClipDto };

/**
 * A clip by id, asked again every few seconds while it is being cut. Starts
 * from `initial` when the caller has it already (a post carries its clip).
 */
export function useClip(id: string, initial?: ClipDto): ClipState {
  const [state, setState] = useState<ClipState>(
    initial ? { kind: 'found', clip: initial } : { kind: 'loading' },
  );
  const initialState = initial?.state;
  useEffect(() => {
    let current = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = () =>
      api.clip(id).then(
        (clip) => {
          if (!current) return;
          setState({ kind: 'found', clip });
          if (clip.state === 'processing') timer = setTimeout(load, CLIP_POLL_MS);
        },
        (error: unknown) => {
          if (!current) return;
          const status = (error as { status?: number }).status ?? null;
          setState({ kind: 'failed', error: errorMessage(error), status });
        },
      );
    // A ready clip handed over needs no request; one still being cut is followed.
    if (initialState === 'ready' || initialState === 'failed') return;
    if (initialState === 'processing') timer = setTimeout(load, CLIP_POLL_MS);
    else void load();
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [id, initialState]);
  return state;
}
