/**
 * WebVTT for a replay's captions (W3C WebVTT): one cue per final line, with
 * the speaker as a voice span (`<v Name>`) so players show who speaks.
 */

export interface VttCue {
  start_ms: number;
  end_ms: number;
  speaker: string;
  text: string;
}

/** `hh:mm:ss.ttt`, as WebVTT timestamps are written. */
export function vttTime(ms: number): string {
  const total = Math.max(0, Math.round(ms));
  const h = Math.floor(total / 3_600_000);
  const m = Math.floor((total % 3_600_000) / 60_000);
  const s = Math.floor((total % 60_000) / 1000);
  const t = total % 1000;
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(h)}:${pad(m)}:${pad(s)}.${pad(t, 3)}`;
}

/**
 * Cue text is markup: `&`, `<` and `>` are escaped so spoken words never
 * become tags, and a line break or `-->` could never end the cue early.
 */
export function vttEscape(text: string): string {
  return text
    .replace(/[\r\n]+/g, ' ')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;');
}

/** The voice annotation ends at `>`; escaping covers it, and line breaks are folded. */
function voice(name: string): string {
  return vttEscape(name).trim() || '?';
}

export function renderVtt(cues: readonly VttCue[]): string {
  const out = ['WEBVTT', ''];
  cues.forEach((cue, i) => {
    out.push(String(i + 1));
    out.push(`${vttTime(cue.start_ms)} --> ${vttTime(cue.end_ms)}`);
    out.push(`<v ${voice(cue.speaker)}>${vttEscape(cue.text)}</v>`);
    out.push('');
  });
  return out.join('\n');
}
