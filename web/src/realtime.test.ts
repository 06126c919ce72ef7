import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RealtimeClient, realtimeUrl, type SocketLike } from './realtime';

class FakeSocket implements SocketLike {
  readyState = 0;
  sent: unknown[] = [];
  closed = false;
  onopen: ((e: unknown) => void) | null = null;
  onclose: ((e: unknown) => void) | null = null;
  onerror: ((e: unknown) => void) | null = null;
  onmessage: ((e: { data: unknown }) => void) | null = null;
  constructor(readonly url: string) {}
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.closed = true;
    this.readyState = 3;
  }
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }
  drop(code?: number) {
    this.readyState = 3;
    this.onclose?.(code === undefined ? {} : { code });
  }
  receive(message: unknown) {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
}

function setup() {
  const sockets: FakeSocket[] = [];
  const client = new RealtimeClient({
    url: () => 'ws://salon.test/api/v1/realtime',
    createSocket: (url) => {
      const socket = new FakeSocket(url);
      sockets.push(socket);
      return socket;
    },
    baseDelayMs: 100,
    maxDelayMs: 1000,
    pingIntervalMs: 1000,
    pongTimeoutMs: 500,
    random: () => 1,
  });
  const states: string[] = [];
  client.onState((s) => states.push(s));
  return { client, sockets, states, last: () => sockets[sockets.length - 1]! };
}

describe('RealtimeClient', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('subscribes once the socket opens, and passes messages on', () => {
    const { client, last, states } = setup();
    const messages = vi.fn();
    client.onMessage(messages);
    client.subscribe('space1');
    client.start();
    expect(states).toEqual(['connecting']);
    last().open();
    expect(states).toEqual(['connecting', 'open']);
    expect(last().sent).toEqual([
      { type: 'subscribe', space_id: 'space1', request_id: 'subscribe:space1:2' },
    ]);
    last().receive({ type: 'pong', at: 'now' });
    expect(messages).toHaveBeenCalledWith({ type: 'pong', at: 'now' });
  });

  it('reconnects with growing delays after drops and subscribes again', () => {
    const { client, sockets, last, states } = setup();
    client.start();
    last().open();
    client.subscribe('space1', { incognito: true });
    last().drop();
    expect(client.state).toBe('reconnecting');
    vi.advanceTimersByTime(99);
    expect(sockets).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(2);
    last().drop();
    vi.advanceTimersByTime(199);
    expect(sockets).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(3);
    last().open();
    expect(client.state).toBe('open');
    expect(last().sent).toEqual([
      expect.objectContaining({ type: 'subscribe', space_id: 'space1', incognito: true }),
    ]);
    expect(states).toEqual(['connecting', 'open', 'reconnecting', 'open']);
    // A successful open resets the backoff.
    last().drop();
    vi.advanceTimersByTime(100);
    expect(sockets).toHaveLength(4);
  });

  it('gives up on a silent connection and reconnects', () => {
    const { client, sockets, last } = setup();
    client.start();
    last().open();
    vi.advanceTimersByTime(1000);
    expect(last().sent).toEqual([{ type: 'ping' }]);
    vi.advanceTimersByTime(1000);
    expect(sockets[0]!.closed).toBe(true);
    expect(client.state).toBe('reconnecting');
  });

  it('retries at once when told the network is back', () => {
    const { client, sockets, last } = setup();
    client.start();
    last().drop();
    expect(sockets).toHaveLength(1);
    client.retryNow();
    expect(sockets).toHaveLength(2);
    client.retryNow(); // Already connecting: nothing more.
    expect(sockets).toHaveLength(2);
  });

  it('does not resubscribe to a space it left', () => {
    const { client, last } = setup();
    client.start();
    last().open();
    client.subscribe('space1');
    client.unsubscribe('space1');
    expect(last().sent.at(-1)).toEqual({ type: 'unsubscribe', space_id: 'space1' });
    last().drop();
    vi.advanceTimersByTime(100);
    last().open();
    expect(last().sent).toEqual([]);
  });

  it('does not reconnect after the server closed the socket of a suspended account', () => {
    const { client, sockets, last } = setup();
    client.start();
    last().open();
    last().drop(4003);
    vi.advanceTimersByTime(10_000);
    expect(sockets).toHaveLength(1);
    expect(client.state).toBe('idle');
  });

  it('stops for good: no reconnect, no subscriptions', () => {
    const { client, sockets, last } = setup();
    client.start();
    last().open();
    client.subscribe('space1');
    client.stop();
    expect(client.state).toBe('idle');
    vi.advanceTimersByTime(10_000);
    expect(sockets).toHaveLength(1);
    expect(client.subscribed).toEqual([]);
  });

  it('sends reactions only while connected', () => {
    const { client, last } = setup();
    expect(client.react('space1', '❤️')).toBe(false);
    client.start();
    last().open();
    expect(client.react('space1', '❤️')).toBe(true);
    expect(last().sent).toEqual([{ type: 'react', space_id: 'space1', emoji: '❤️' }]);
  });
});

describe('realtimeUrl', () => {
  it('uses wss on https and adds a guest token', () => {
    const location = { protocol: 'https:', host: 'salon.example' } as Location;
    expect(realtimeUrl(null, location)).toBe('wss://salon.example/api/v1/realtime');
    expect(realtimeUrl('g a', location)).toBe('wss://salon.example/api/v1/realtime?token=g%20a');
  });
});
