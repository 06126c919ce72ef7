import { describe, expect, it } from 'vitest';
import { parseTopics, type SpaceForm, toCreateInput, validateSpace } from './validate';

const form = (patch: Partial<SpaceForm> = {}): SpaceForm => ({
  title: 'Engines and poetry',
  description: '',
  topics: '',
  language: 'en',
  recording: false,
  scheduledStart: '',
  ...patch,
});
const NOW = Date.parse('2026-01-01T12:00:00Z');

describe('space form', () => {
  it('turns typed topics into at most the distinct lowercase words', () => {
    expect(parseTopics(' Music, #jazz ,music,, ')).toEqual(['music', 'jazz']);
  });

  it('checks the limits of the server, counting characters as people do', () => {
    expect(validateSpace(form(), NOW)).toEqual({});
    expect(validateSpace(form({ title: '   ' }), NOW).title).toBe('Give your space a title.');
    expect(validateSpace(form({ title: '🎙'.repeat(70) }), NOW)).toEqual({});
    expect(validateSpace(form({ title: 'x'.repeat(71) }), NOW).title).toMatch(/70/);
    expect(validateSpace(form({ description: 'x'.repeat(281) }), NOW).description).toMatch(/280/);
    expect(validateSpace(form({ topics: 'a, b, c, d' }), NOW).topics).toBe('At most 3 topics.');
    expect(validateSpace(form({ topics: 'x'.repeat(31) }), NOW).topics).toMatch(/30/);
  });

  it('schedules only in the next 14 days', () => {
    const at = (ms: number) => new Date(NOW + ms).toISOString();
    expect(validateSpace(form({ scheduledStart: at(-60_000) }), NOW).scheduledStart).toMatch(
      /future/,
    );
    expect(
      validateSpace(form({ scheduledStart: at(15 * 86_400_000) }), NOW).scheduledStart,
    ).toMatch(/14 days/);
    expect(validateSpace(form({ scheduledStart: at(3_600_000) }), NOW)).toEqual({});
  });

  it('builds the request body', () => {
    expect(toCreateInput(form({ title: ' Hi ', topics: 'A,b', recording: true }))).toEqual({
      title: 'Hi',
      description: '',
      topics: ['a', 'b'],
      language: 'en',
      recording: true,
      scheduled_start: null,
    });
  });
});
