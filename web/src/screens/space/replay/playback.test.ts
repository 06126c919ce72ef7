import { beforeEach, describe, expect, it } from 'vitest';
import { loadSpeed, MAX_POSITIONS, resumePosition, savePosition, saveSpeed } from './playback';

describe('the replay speed', () => {
  beforeEach(() => localStorage.clear());

  it('is 1× until chosen, then the choice for every replay', () => {
    expect(loadSpeed()).toBe(1);
    saveSpeed(1.5);
    expect(loadSpeed()).toBe(1.5);
    saveSpeed(2);
    expect(loadSpeed()).toBe(2);
  });

  it('ignores a value it does not offer', () => {
    localStorage.setItem('salon.replay.speed', '16');
    expect(loadSpeed()).toBe(1);
    localStorage.setItem('salon.replay.speed', 'fast');
    expect(loadSpeed()).toBe(1);
  });
});

describe('resuming a replay', () => {
  beforeEach(() => localStorage.clear());

  it('resumes where the person stopped, per replay', () => {
    savePosition('a', 61_000, 600_000, 1);
    savePosition('b', 12_345, 600_000, 2);
    expect(resumePosition('a', 600_000)).toBe(61_000);
    expect(resumePosition('b', 600_000)).toBe(12_345);
    expect(resumePosition('c', 600_000)).toBe(0);
  });

  it('starts over near either end, and forgets a finished replay', () => {
    savePosition('a', 2_000, 600_000, 1);
    expect(resumePosition('a', 600_000)).toBe(0);
    savePosition('a', 300_000, 600_000, 2);
    savePosition('a', 598_000, 600_000, 3);
    expect(resumePosition('a', 600_000)).toBe(0);
    expect(localStorage.getItem('salon.replay.positions')).toBe('{}');
  });

  it('keeps the newest positions only', () => {
    for (let i = 0; i < MAX_POSITIONS + 5; i++) savePosition(`r${i}`, 10_000 + i, null, i);
    const kept = JSON.parse(localStorage.getItem('salon.replay.positions')!);
    expect(Object.keys(kept)).toHaveLength(MAX_POSITIONS);
    expect(resumePosition('r0', null)).toBe(0);
    expect(resumePosition(`r${MAX_POSITIONS + 4}`, null)).toBe(10_000 + MAX_POSITIONS + 4);
  });

  it('survives a corrupt or missing store', () => {
    localStorage.setItem('salon.replay.positions', '{not json');
    expect(resumePosition('a', 600_000)).toBe(0);
    savePosition('a', 30_000, 600_000, 1);
    expect(resumePosition('a', 600_000)).toBe(30_000);
    expect(resumePosition('a', 600_000, null)).toBe(0);
    expect(() => savePosition('a', 30_000, 600_000, 1, null)).not.toThrow();
  });
});
