import type { SpaceDto } from '@salon/protocol';

/** Topics across the spaces, most used first. */
export function topicsOf(spaces: SpaceDto[]): string[] {
  const counts = new Map<string, number>();
  for (const s of spaces) for (const t of s.topics) counts.set(t, (counts.get(t) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([t]) => t);
}

/** Spaces with the topic (if any) whose title, description, topics or host match every word. */
export function filterSpaces(spaces: SpaceDto[], topic: string | null, query: string): SpaceDto[] {
  const words = normalize(query).split(/\s+/).filter(Boolean);
  return spaces.filter((s) => {
    if (topic && !s.topics.includes(topic)) return false;
    if (words.length === 0) return true;
    const haystack = normalize(
      [s.title, s.description, ...s.topics, s.host.display_name, s.host.handle].join(' '),
    );
    return words.every((w) => haystack.includes(w));
  });
}

function normalize(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/^@/, '');
}
