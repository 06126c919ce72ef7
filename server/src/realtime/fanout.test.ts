import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Fanout, type FanoutTarget } from './fanout.js';

/** A subscriber that records every write and every corked group of writes. */
class Recorder implements FanoutTarget {
  open = true;
  buffered = 0;
  readonly received: string[] = [];
  /** One entry per delivery: the messages written between cork and uncork. */
  readonly deliveries: string[][] = [];
  private group: string[] | null = null;

  write(data: Buffer): void {
    const text = data.toString();
    this.received.push(text);
    if (this.group) this.group.push(text);
    else this.deliveries.push([text]);
  }
  cork(): void {
    assert.equal(this.group, null, 'cork is not nested per delivery');
    this.group = [];
  }
  uncork(): void {
    if (this.group && this.group.length > 0) this.deliveries.push(this.group);
    this.group = null;
  }
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

async function settle(fanout: Fanout): Promise<void> {
  for (let i = 0; fanout.busy; i++) {
    assert.ok(i < 10_000, 'the pump never finished');
    await turn();
  }
}

describe('Fanout', () => {
  it('gives every subscriber every message, in order, on the next turn of the event loop', async () => {
    const fanout = new Fanout();
    const targets = Array.from({ length: 5 }, () => new Recorder());
    for (const t of targets) fanout.add(t);
    fanout.publish('a', true);
    fanout.publish('b', false);
    assert.deepEqual(targets[0]!.received, [], 'nothing is written synchronously');
    await settle(fanout);
    for (const t of targets) {
      assert.deepEqual(t.received, ['a', 'b']);
      assert.deepEqual(t.deliveries, [['a', 'b']], 'messages of one turn go out in one write');
    }
    assert.equal(fanout.backlog, 0);
  });

  it('a message published while a broadcast is under way joins it rather than waiting for it', async () => {
    // 0 ms slices: the pump yields after every 64 subscribers.
    const fanout = new Fanout({ sliceMs: 0 });
    const targets = Array.from({ length: 640 }, () => new Recorder());
    for (const t of targets) fanout.add(t);
    fanout.publish('first', true);
    await turn(); // the pump has written to the first 64
    const reached = targets.filter((t) => t.received.length > 0).length;
    assert.ok(reached > 0 && reached < targets.length, `a partial turn (${reached})`);
    fanout.publish('second', true);
    await settle(fanout);
    for (const t of targets) assert.deepEqual(t.received, ['first', 'second']);
    // Those not yet reached got both messages in a single write; the rest got 'second' on the next turn round.
    const writes = targets.reduce((n, t) => n + t.deliveries.length, 0);
    assert.equal(writes, targets.length + reached);
    assert.deepEqual(targets.at(-1)!.deliveries, [['first', 'second']]);
  });

  it('nobody is skipped or served twice when subscribers come and go mid-turn', async () => {
    const fanout = new Fanout({ sliceMs: 0 });
    const present = new Map<Recorder, ReturnType<Fanout['add']>>();
    const published: string[] = [];
    const joinedAt = new Map<Recorder, number>();
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const left: Recorder[] = [];
    for (let i = 0; i < 400; i++) {
      const t = new Recorder();
      present.set(t, fanout.add(t));
      joinedAt.set(t, 0);
    }
    for (let step = 0; step < 60; step++) {
      const message = `m${step}`;
      published.push(message);
      fanout.publish(message, true);
      for (let k = 0; k < 10; k++) {
        if (random() < 0.5) {
          const t = new Recorder();
          present.set(t, fanout.add(t));
          joinedAt.set(t, published.length);
        } else {
          const victims = [...present.keys()];
          const victim = victims[Math.floor(random() * victims.length)]!;
          fanout.remove(present.get(victim)!);
          present.delete(victim);
          left.push(victim);
        }
      }
      if (random() < 0.7) await turn();
    }
    await settle(fanout);
    for (const [t] of present) {
      assert.deepEqual(t.received, published.slice(joinedAt.get(t)!), 'everything since joining');
    }
    for (const t of left) {
      const from = joinedAt.get(t)!;
      const expected = published.slice(from, from + t.received.length);
      assert.deepEqual(t.received, expected, 'a leaver got an in-order prefix, no duplicates');
    }
    assert.equal(fanout.backlog, 0);
  });

  it('keeps only what someone still needs while it runs without pause', async () => {
    const fanout = new Fanout({ sliceMs: 0 });
    const targets = Array.from({ length: 300 }, () => new Recorder());
    for (const t of targets) fanout.add(t);
    let most = 0;
    for (let i = 0; i < 200; i++) {
      fanout.publish(`m${i}`, true);
      await turn();
      most = Math.max(most, fanout.backlog);
    }
    await settle(fanout);
    // A turn of 300 subscribers takes 5 slices, one message each: the log holds
    // about two turns' worth (10), never the 200 published.
    assert.ok(most <= 12, `backlog reached ${most}`);
    for (const t of targets) assert.equal(t.received.length, 200);
  });

  it('a client far behind gets essential messages only; a closed one gets nothing', async () => {
    const fanout = new Fanout({ slowClientBytes: 1000 });
    const slow = new Recorder();
    slow.buffered = 5000;
    const closed = new Recorder();
    closed.open = false;
    const fine = new Recorder();
    for (const t of [slow, closed, fine]) fanout.add(t);
    fanout.publish('event', true);
    fanout.publish('reactions', false);
    await settle(fanout);
    assert.deepEqual(slow.received, ['event']);
    assert.deepEqual(closed.received, []);
    assert.deepEqual(fine.received, ['event', 'reactions']);
  });

  it('catchUp serves one subscriber at once; drain serves everyone at once', () => {
    const fanout = new Fanout();
    const a = new Recorder();
    const b = new Recorder();
    const slotA = fanout.add(a);
    fanout.add(b);
    fanout.publish('x', true);
    fanout.catchUp(slotA);
    assert.deepEqual(a.received, ['x']);
    assert.deepEqual(b.received, []);
    fanout.drain();
    assert.deepEqual(a.received, ['x'], 'not twice');
    assert.deepEqual(b.received, ['x']);
    assert.equal(fanout.busy, false);
  });

  it('a subscriber gets only what is published after it joined, and nothing once it left', async () => {
    const fanout = new Fanout();
    const early = new Recorder();
    const slot = fanout.add(early);
    fanout.publish('before', true);
    const late = new Recorder();
    fanout.add(late);
    fanout.publish('after', true);
    fanout.remove(slot);
    fanout.publish('later', true);
    await settle(fanout);
    assert.deepEqual(early.received, []);
    assert.deepEqual(late.received, ['after', 'later']);
  });
});
