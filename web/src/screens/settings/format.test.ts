import { describe, expect, it } from 'vitest';
import { deviceOf } from './format';

describe('the device a session was opened from', () => {
  it('names common browsers and systems, Edge and Chrome apart', () => {
    const cases: Array<[string, { browser: string; os: string }]> = [
      [
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36 Edg/126.0',
        { browser: 'Edge', os: 'Windows' },
      ],
      [
        'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
        { browser: 'Chrome', os: 'Linux' },
      ],
      [
        'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
        { browser: 'Safari', os: 'iOS' },
      ],
      [
        'Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:127.0) Gecko/20100101 Firefox/127.0',
        { browser: 'Firefox', os: 'macOS' },
      ],
      [
        'Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36',
        { browser: 'Chrome', os: 'Android' },
      ],
    ];
    for (const [ua, device] of cases) expect(deviceOf(ua)).toEqual(device);
  });

  it('keeps the name of a client that is no browser, and knows when there is none', () => {
    expect(deviceOf('curl/8.5.0')).toEqual({ browser: 'curl', os: '' });
    expect(deviceOf(null)).toBeNull();
  });
});
