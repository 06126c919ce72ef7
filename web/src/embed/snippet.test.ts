import { describe, expect, it } from 'vitest';
import { embedSnippet, embedUrl } from './snippet';

describe('the embed snippet', () => {
  const space = {
    id: 'abc0000000000000000x',
    url: 'https://salon.example/spaces/abc0000000000000000x',
  };

  it('points at the embed page on the space’s own origin', () => {
    expect(embedUrl(space)).toBe('https://salon.example/embed/spaces/abc0000000000000000x');
  });

  it('is one iframe, its title escaped', () => {
    const html = embedSnippet({ ...space, title: 'Jazz "live" & <more>' });
    const doc = new DOMParser().parseFromString(html, 'text/html');
    const frames = doc.querySelectorAll('iframe');
    expect(frames).toHaveLength(1);
    expect(frames[0]!.getAttribute('src')).toBe(embedUrl(space));
    expect(frames[0]!.getAttribute('title')).toBe('Jazz "live" & <more>');
    expect(doc.body.children).toHaveLength(1);
  });
});
