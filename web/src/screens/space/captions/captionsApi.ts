/** The captions routes (issue 14), kept out of api.ts with the screens that use them. */
import type { CaptionsBody, CaptionsStatusDto, SpaceDto } from '@salon/protocol';
import { request } from '../../../api';
import { useAsync } from '../../../components/useAsync';

const e = encodeURIComponent;

export const captionsApi = {
  status: () => request<CaptionsStatusDto>('GET', '/captions/status'),
  /** For your own voice (stage members). */
  setOwnCaptions: (spaceId: string, enabled: boolean) =>
    request<SpaceDto>('PUT', `/spaces/${e(spaceId)}/captions/me`, {
      enabled,
    } satisfies CaptionsBody),
};

/** Why captions cannot be turned on for a space in `language`, or null when they can. */
export function captionsUnavailable(
  status: CaptionsStatusDto,
  language: string,
): 'noEngine' | 'noLanguage' | null {
  if (status.engine === null) return 'noEngine';
  const base = language.toLowerCase().split('-')[0] ?? language;
  const known = status.languages.map((l) => l.toLowerCase().split('-')[0]);
  return known.includes(base) ? null : 'noLanguage';
}

export function useCaptionsStatus() {
  return useAsync(() => captionsApi.status(), []);
}
