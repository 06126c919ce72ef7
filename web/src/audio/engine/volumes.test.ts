import { describe, expect, it } from 'vitest';
import { anyCustom, SpeakerVolumes } from './volumes';

function memoryStorage(initial: Record<string, string> = {}) {
  const data = new Map(Object.entries(initial));
  return {
    data,
    getItem: (key: string) => data.get(key) ?? null,
    setItem: (key: string, value: string) => void data.set(key, value),
  };
}

describe('speaker volumes', () => {
  it('default to 100 % and keep only the speakers set away from it', () => {
    const volumes = new SpeakerVolumes(memoryStorage());
    expect(volumes.get('ada')).toBe(1);
    volumes.set('ada', 0.4);
    volumes.set('bob', 1.5);
    expect(volumes.all()).toEqual({ ada: 0.4, bob: 1.5 });
    volumes.set('ada', 1);
    expect(volumes.all()).toEqual({ bob: 1.5 });
  });

  it('are remembered in the browser, and read back by the next page', () => {
    const storage = memoryStorage();
    new SpeakerVolumes(storage).set('ada', 0);
    expect(new SpeakerVolumes(storage).get('ada')).toBe(0);
    new SpeakerVolumes(storage).reset(['ada']);
    expect(new SpeakerVolumes(storage).all()).toEqual({});
  });

  it('stay between 0 and 200 %, in whole percents', () => {
    const volumes = new SpeakerVolumes(null);
    volumes.set('ada', 7);
    volumes.set('bob', -1);
    volumes.set('carol', 0.333);
    expect(volumes.all()).toEqual({ ada: 2, bob: 0, carol: 0.33 });
  });

  it('ignore what they cannot read in storage', () => {
    const broken = memoryStorage({ 'salon.audio.speakers': '{not json' });
    expect(new SpeakerVolumes(broken).all()).toEqual({});
    const odd = memoryStorage({
      'salon.audio.speakers': JSON.stringify({ ada: 'loud', bob: 0.5, carol: 1, dan: 9 }),
    });
    expect(new SpeakerVolumes(odd).all()).toEqual({ bob: 0.5, dan: 2 });
  });

  it('say whether the mix will do: only speakers set away from the default count', () => {
    expect(anyCustom({ ada: 0.5 }, ['bob', 'carol'])).toBe(false);
    expect(anyCustom({ ada: 0.5 }, ['bob', 'ada'])).toBe(true);
    expect(anyCustom({}, ['ada'])).toBe(false);
  });
});
