import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SpeakerMixer } from './mixer';

/** Just enough WebAudio to follow the graph: who is connected to what, at which gain. */
class FakeNode {
  outputs: FakeNode[] = [];
  connect(node: FakeNode) {
    this.outputs.push(node);
    return node;
  }
  disconnect = vi.fn(() => {
    this.outputs = [];
  });
}

class FakeGain extends FakeNode {
  gain = {
    value: 1,
    cancelScheduledValues: vi.fn(),
    setTargetAtTime: vi.fn((value: number) => {
      this.gain.value = value;
    }),
  };
}

class FakeContext {
  state: AudioContextState = 'suspended';
  currentTime = 0;
  sources: (FakeNode & { stream: { tracks: unknown[] } })[] = [];
  gains: FakeGain[] = [];
  out = Object.assign(new FakeNode(), { stream: { id: 'out' } });
  createMediaStreamDestination() {
    return this.out;
  }
  createMediaStreamSource(stream: { tracks: unknown[] }) {
    const source = Object.assign(new FakeNode(), { stream });
    this.sources.push(source);
    return source;
  }
  createGain() {
    const gain = new FakeGain();
    this.gains.push(gain);
    return gain;
  }
  resume = vi.fn(async () => {
    this.state = 'running';
  });
  close = vi.fn(async () => undefined);
}

function fakeElement() {
  return {
    autoplay: true,
    muted: false,
    volume: 1,
    srcObject: null as unknown,
    play: vi.fn(async () => undefined),
    pause: vi.fn(),
  };
}

function setup() {
  const ctx = new FakeContext();
  const elements: ReturnType<typeof fakeElement>[] = [];
  const mixer = new SpeakerMixer({
    createElement: () => {
      const element = fakeElement();
      elements.push(element);
      return element as unknown as HTMLAudioElement;
    },
    createContext: () => ctx as unknown as AudioContext,
  });
  return { ctx, elements, mixer };
}

const track = (id: string) => ({ id }) as unknown as MediaStreamTrack;
const volumes: Record<string, number> = { ada: 0, bob: 1.5 };
const gainOf = (userId: string) => volumes[userId] ?? 1;

beforeEach(() => {
  vi.stubGlobal(
    'MediaStream',
    class {
      constructor(readonly tracks: unknown[]) {}
    },
  );
});
afterEach(() => vi.unstubAllGlobals());

describe('SpeakerMixer', () => {
  it('plays each speaker through a gain of their own into one output, which its element plays', () => {
    const { ctx, elements, mixer } = setup();
    const [ada, bob] = [track('a'), track('b')];
    mixer.setFeeds(
      [
        { mid: '0', userId: 'ada', track: ada },
        { mid: '1', userId: 'bob', track: bob },
      ],
      gainOf,
    );
    expect(ctx.sources.map((s) => s.stream.tracks)).toEqual([[ada], [bob]]);
    expect(ctx.sources.map((s) => s.outputs[0])).toEqual(ctx.gains);
    expect(ctx.gains.map((g) => g.gain.value)).toEqual([0, 1.5]);
    expect(ctx.gains.every((g) => g.outputs[0] === ctx.out)).toBe(true);
    expect(elements[0]!.srcObject).toBe(ctx.out.stream);
    expect(mixer.output()).toBe(ctx.out.stream);
    // Each remote track also plays, muted, in an element of its own (or Chromium feeds WebAudio silence).
    expect(elements.slice(1).map((e) => [e.muted, e.play.mock.calls.length])).toEqual([
      [true, 1],
      [true, 1],
    ]);
    expect(Object.fromEntries(mixer.gains())).toEqual({ ada: 0, bob: 1.5 });
  });

  it("changes one speaker's gain only", () => {
    const { ctx, mixer } = setup();
    mixer.setFeeds(
      [
        { mid: '0', userId: 'ada', track: track('a') },
        { mid: '1', userId: 'bob', track: track('b') },
      ],
      gainOf,
    );
    mixer.setGain('bob', 0.25);
    expect(ctx.gains[1]!.gain.setTargetAtTime).toHaveBeenCalledWith(0.25, 0, expect.any(Number));
    expect(ctx.gains[0]!.gain.setTargetAtTime).not.toHaveBeenCalled();
    expect(Object.fromEntries(mixer.gains())).toEqual({ ada: 0, bob: 0.25 });
  });

  it('follows the feeds as they change: gone ones disconnected, a reused mid re-gained', () => {
    const { ctx, elements, mixer } = setup();
    const first = track('a');
    mixer.setFeeds(
      [
        { mid: '0', userId: 'ada', track: first },
        { mid: '1', userId: 'bob', track: track('b') },
      ],
      gainOf,
    );
    mixer.setFeeds([{ mid: '0', userId: 'carol', track: first }], gainOf);
    expect(ctx.sources[1]!.disconnect).toHaveBeenCalled();
    expect(elements[2]!.srcObject).toBeNull();
    expect(ctx.sources[0]!.disconnect).not.toHaveBeenCalled();
    expect(Object.fromEntries(mixer.gains())).toEqual({ carol: 1 });

    mixer.clear();
    expect(ctx.sources[0]!.disconnect).toHaveBeenCalled();
    expect(mixer.gains().size).toBe(0);
    expect(elements[0]!.pause).toHaveBeenCalled();
  });

  it('starts its AudioContext when asked (from a tap) and says whether it runs', async () => {
    const { ctx, mixer } = setup();
    await expect(mixer.resume()).resolves.toBe(true);
    expect(ctx.resume).toHaveBeenCalled();
    mixer.close();
    expect(ctx.close).toHaveBeenCalled();
  });
});
