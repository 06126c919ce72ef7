/** One signaling request over Salon's realtime socket, answered as the web app expects. */
import type { ServerMessage } from '@salon/protocol';
import type { RealtimeClient } from '../../support/realtime.js';

let requests = 0;

/**
 * Sends one signaling request and resolves with its answer (the first
 * message of one of the `answers` types carrying its request id), or rejects
 * with the error's code.
 */
export async function ask<T extends ServerMessage['type']>(
  rt: RealtimeClient,
  message: Record<string, unknown> & { type: string },
  answers: T | readonly T[],
): Promise<Extract<ServerMessage, { type: T }>> {
  const types: readonly string[] = typeof answers === 'string' ? [answers] : answers;
  const requestId = `m${++requests}`;
  const reply = rt.waitFor(
    (m) =>
      (types.includes(m.type) || m.type === 'error') &&
      'request_id' in m &&
      m.request_id === requestId,
    15_000,
  );
  rt.ws.send(JSON.stringify({ ...message, request_id: requestId }));
  const m = await reply;
  if (m.type === 'error')
    throw Object.assign(new Error(`${m.code}: ${m.message}`), { code: m.code });
  return m as Extract<ServerMessage, { type: T }>;
}
