import assert from 'node:assert/strict';
import type { CaptionLine } from '../../src/captions/service.js';
import type { SalonServer } from '../../src/server.js';
import type { Client } from '../support/client.js';
import { liveSpace, type Space } from '../support/factories.js';

/** Settings under which anyone may host: the tests' hosts need no audience. */
export const OPEN_HOSTING = { HOST_MIN_FOLLOWERS: '0' };

/** A live space with captions on, hosted by `host`. */
export async function captionedSpace(
  host: { client: Client },
  body: Record<string, unknown> = {},
): Promise<Space & { captions: boolean }> {
  const created = await liveSpace(host, { title: 'Captioned talk', captions: true, ...body });
  assert.equal(created.captions, true);
  return { ...created, captions: created.captions };
}

let utterances = 0;

/**
 * A final line, published through the service as the pipeline does; returns
 * what the service answered (`stored` when kept).
 */
export function say(
  server: SalonServer,
  spaceId: string,
  speakerId: string,
  text: string,
  startMs: number,
  endMs = startMs + 1500,
  kind: CaptionLine['kind'] = 'final',
  utteranceId = `u${++utterances}`,
) {
  return server.services.captions.publish({
    spaceId,
    utteranceId,
    speakerId,
    kind,
    text,
    startMs,
    endMs,
    engine: 'test',
  });
}

export function expectError(
  reply: { status: number; body: { error?: { code?: string } } },
  status: number,
  code: string,
): void {
  assert.equal(reply.status, status, JSON.stringify(reply.body));
  assert.equal(reply.body.error?.code, code, JSON.stringify(reply.body));
}
