import assert from 'node:assert/strict';
import { test } from 'node:test';
import pino from 'pino';
import type { Viewer } from '../accounts/viewer.js';
import type { RealtimeConnection } from '../realtime/gateway.js';
import { ListenSeats, MAX_PENDING_LISTENS, type SeatKind } from './listen-seats.js';

/** The seat rules without Janus: `stop` and the connections are plain recorders. */
function setup(answerTimeoutMs = 60_000) {
  const stops: Array<[string, number, SeatKind]> = [];
  const seats = new ListenSeats({
    answerTimeoutMs,
    stop: async (spaceId, owner, kind) => {
      stops.push([spaceId, owner, kind]);
    },
    logger: pino({ level: 'silent' }),
  });
  let ids = 0;
  const conn = (viewer: Viewer) => {
    const sent: Array<Record<string, unknown>> = [];
    const c: RealtimeConnection & { sent: typeof sent } = {
      id: ++ids,
      viewer,
      device: null,
      sent,
      send: (m) => sent.push(m as Record<string, unknown>),
    };
    return c;
  };
  return { seats, stops, conn };
}
const guest = (guestId: string): Viewer => ({ kind: 'guest', guestId }) as Viewer;

async function until(check: () => boolean, what: string) {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(check(), what);
}

test("a person's newest connection takes their seat; the older one's listens end and it is told", async () => {
  const { seats, stops, conn } = setup();
  const a = conn(guest('g1'));
  const b = conn(guest('g1'));
  const other = conn(guest('g2'));
  await seats.claim(a, 's1', 'mix', async () => 'offer');
  await seats.claim(a, 's1', 'feeds', async () => 'offer');
  await seats.claim(other, 's1', 'mix', async () => 'offer');
  assert.deepEqual(
    stops,
    [],
    'one connection renegotiating keeps its seat; another person is apart',
  );
  await seats.claim(b, 's1', 'mix', async () => 'offer');
  assert.deepEqual(stops, [
    ['s1', a.id, 'mix'],
    ['s1', a.id, 'feeds'],
  ]);
  assert.deepEqual(
    a.sent.map((m) => [m['type'], m['reason']]),
    [
      ['media_stopped', 'listening_elsewhere'],
      ['feeds_stopped', 'listening_elsewhere'],
    ],
  );
  assert.equal(seats.holdersOf('s1'), 2, 'g1 once (b), g2 once');
  // Another space is another seat.
  await seats.claim(a, 's2', 'mix', async () => 'offer');
  assert.equal(stops.length, 2);
});

test('one person’s listens in a space run one at a time, and only so many may wait', async () => {
  const { seats, conn } = setup();
  let running = 0;
  let most = 0;
  const work = async () => {
    running += 1;
    most = Math.max(most, running);
    await new Promise((r) => setTimeout(r, 5));
    running -= 1;
    return 'offer';
  };
  const socket = conn(guest('g1'));
  const results = await Promise.allSettled(
    Array.from({ length: MAX_PENDING_LISTENS + 3 }, () => seats.claim(socket, 's1', 'mix', work)),
  );
  assert.equal(most, 1);
  assert.equal(results.filter((r) => r.status === 'fulfilled').length, MAX_PENDING_LISTENS);
  const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  assert.ok(refused.every((r) => r.reason.code === 'listen_busy'));
  // Once the queue drained, listening works again.
  assert.equal(await seats.claim(socket, 's1', 'mix', work), 'offer');
});

test('an offer not answered in time is stopped and told answer_timeout; an answered one is kept', async () => {
  const { seats, stops, conn } = setup(30);
  const slow = conn(guest('g1'));
  const quick = conn(guest('g2'));
  for (const c of [slow, quick]) {
    await seats.claim(c, 's1', 'mix', async () => 'offer');
    seats.offered(c, 's1', 'mix');
  }
  seats.answered('s1', quick.id, 'mix');
  await until(() => stops.length === 1, 'the unanswered offer to expire');
  assert.deepEqual(stops, [['s1', slow.id, 'mix']]);
  assert.deepEqual(slow.sent, [
    { type: 'media_stopped', space_id: 's1', reason: 'answer_timeout' },
  ]);
  assert.deepEqual(quick.sent, []);
  assert.equal(seats.holdersOf('s1'), 1);
  seats.close();
});
