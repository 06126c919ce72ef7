import type { ClientMessage } from '@salon/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isAudioMessage, MediaRequestError, MediaSignal } from './signaling';

function transport(open = true) {
  const sent: ClientMessage[] = [];
  const send = (m: ClientMessage) => {
    if (open) sent.push(m);
    return open;
  };
  return { sent, send };
}

afterEach(() => vi.useRealTimers());

describe('MediaSignal', () => {
  it('resolves a request with the answer that carries its request id', async () => {
    const wire = transport();
    const signal = new MediaSignal(wire);
    const answer = signal.request({ type: 'media_listen', space_id: 's1' }, 'media_offer');
    const requestId = (wire.sent[0] as { request_id: string }).request_id;
    expect(requestId).toMatch(/^media:/);
    // Another request's answer, and an answer of the wrong type, are not this one's.
    expect(
      signal.handle({ type: 'media_offer', space_id: 's1', sdp: 'x', request_id: 'media:99' }),
    ).toBe(false);
    expect(signal.handle({ type: 'media_listening', space_id: 's1', request_id: requestId })).toBe(
      false,
    );
    expect(
      signal.handle({
        type: 'media_offer',
        space_id: 's1',
        sdp: 'v=0 offer',
        request_id: requestId,
      }),
    ).toBe(true);
    await expect(answer).resolves.toMatchObject({ sdp: 'v=0 offer' });
  });

  it("rejects with the server's error code", async () => {
    const wire = transport();
    const signal = new MediaSignal(wire);
    const answer = signal.request({ type: 'media_listen', space_id: 's1' }, 'media_offer');
    const requestId = (wire.sent[0] as { request_id: string }).request_id;
    signal.handle({
      type: 'error',
      code: 'webrtc_full_use_hls',
      message: 'The seats are taken.',
      request_id: requestId,
    });
    await expect(answer).rejects.toMatchObject({ code: 'webrtc_full_use_hls' });
  });

  it('fails at once when not connected, after a timeout, and all together when the link drops', async () => {
    await expect(
      new MediaSignal(transport(false)).request(
        { type: 'media_listen', space_id: 's' },
        'media_offer',
      ),
    ).rejects.toMatchObject({ code: 'not_connected' });

    vi.useFakeTimers();
    const slow = new MediaSignal(transport(), 1000);
    const late = slow.request({ type: 'media_listen', space_id: 's' }, 'media_offer');
    const check = expect(late).rejects.toMatchObject({ code: 'timeout' });
    vi.advanceTimersByTime(1001);
    await check;

    const signal = new MediaSignal(transport());
    const a = signal.request({ type: 'media_listen', space_id: 's' }, 'media_offer');
    const b = signal.request({ type: 'media_publish', space_id: 's', sdp: 'v=0' }, 'media_answer');
    signal.rejectAll();
    await expect(a).rejects.toBeInstanceOf(MediaRequestError);
    await expect(b).rejects.toMatchObject({ code: 'closed' });
  });
});

describe('isAudioMessage', () => {
  it('claims media and feed messages, speaking, and only the errors of media requests', () => {
    expect(isAudioMessage({ type: 'media_restart', space_id: 's' })).toBe(true);
    expect(isAudioMessage({ type: 'feeds_offer', space_id: 's', sdp: 'v=0', feeds: [] })).toBe(
      true,
    );
    expect(
      isAudioMessage({ type: 'feeds_stopped', space_id: 's', which: 'watch', reason: 'removed' }),
    ).toBe(true);
    expect(isAudioMessage({ type: 'feed_answer', space_id: 's', sdp: 'v=0' })).toBe(true);
    expect(isAudioMessage({ type: 'feeds_wanted', space_id: 's', wanted: true })).toBe(true);
    expect(isAudioMessage({ type: 'speaking', space_id: 's', user_id: 'u', speaking: true })).toBe(
      true,
    );
    expect(
      isAudioMessage({
        type: 'error',
        code: 'internal_error',
        message: 'm',
        space_id: 's',
        request_id: 'media:3',
      }),
    ).toBe(true);
    expect(
      isAudioMessage({
        type: 'error',
        code: 'internal_error',
        message: 'm',
        request_id: 'subscribe:s:1',
      }),
    ).toBe(false);
    expect(isAudioMessage({ type: 'counts', space_id: 's', counts: {} as never })).toBe(false);
  });
});
