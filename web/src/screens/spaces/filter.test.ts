import { describe, expect, it } from 'vitest';
import { bob, snapshot } from '../../test/factories';
import { filterSpaces, topicsOf } from './filter';

const base = snapshot().space;
const spaces = [
  { ...base, id: '1', title: 'Engines and poetry', topics: ['science', 'music'] },
  {
    ...base,
    id: '2',
    title: 'Café talk',
    description: 'Morning chat',
    topics: ['music'],
    host: bob,
    host_id: bob.id,
  },
  { ...base, id: '3', title: 'Gardening', topics: [] },
];

describe('Spaces tab filters', () => {
  it('lists topics, most used first', () => {
    expect(topicsOf(spaces)).toEqual(['music', 'science']);
  });

  it('filters by topic and by every word of the search, across title, description, topics and host', () => {
    expect(filterSpaces(spaces, 'music', '').map((s) => s.id)).toEqual(['1', '2']);
    expect(filterSpaces(spaces, null, 'cafe').map((s) => s.id)).toEqual(['2']);
    expect(filterSpaces(spaces, null, 'morning CHAT').map((s) => s.id)).toEqual(['2']);
    expect(filterSpaces(spaces, null, '@bob').map((s) => s.id)).toEqual(['2']);
    expect(filterSpaces(spaces, 'science', 'café').map((s) => s.id)).toEqual([]);
  });
});
