import {
  applyMessage,
  type ClientMessage,
  type ServerMessage,
  type SpaceSnapshot,
} from '@salon/protocol';
import WebSocket from 'ws';
import type { Client } from './client.js';

/**
 * A realtime client as the web app runs it: one WebSocket, a copy of each
 * subscribed space kept by the shared reducer, and a fresh subscription
 * whenever a version gap shows up.
 */
export class RealtimeClient {
  readonly messages: ServerMessage[] = [];
  readonly views = new Map<string, SpaceSnapshot>();
  resyncs = 0;
  private waiters: Array<{
    test: (m: ServerMessage) => boolean;
    resolve: (m: ServerMessage) => void;
  }> = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => this.onMessage(JSON.parse(data.toString()) as ServerMessage));
  }

  static async connect(baseUrl: string, http?: Client, token?: string): Promise<RealtimeClient> {
    const url = `${baseUrl.replace(/^http/, 'ws')}/api/v1/realtime${token ? `?token=${encodeURIComponent(token)}` : ''}`;
    const headers: Record<string, string> = {};
    if (http?.cookie) headers['cookie'] = http.cookie;
    const ws = new WebSocket(url, { headers });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) =>
        reject(new Error(`upgrade refused: ${res.statusCode}`)),
      );
    });
    return new RealtimeClient(ws);
  }

  private onMessage(message: ServerMessage): void {
    this.messages.push(message);
    const spaceId = 'space_id' in message ? message.space_id : undefined;
    if (spaceId) {
      const result = applyMessage(this.views.get(spaceId) ?? null, message);
      if (result.kind === 'applied') this.views.set(spaceId, result.snapshot);
      if (result.kind === 'resync') {
        this.resyncs += 1;
        this.send({ type: 'subscribe', space_id: spaceId });
      }
      if (message.type === 'removed_from_space') this.views.delete(spaceId);
    }
    this.waiters = this.waiters.filter((w) => {
      if (!w.test(message)) return true;
      w.resolve(message);
      return false;
    });
  }

  send(message: ClientMessage): void {
    this.ws.send(JSON.stringify(message));
  }

  /** The next message (from now, or already received when `past`) that passes `test`. */
  waitFor<T extends ServerMessage = ServerMessage>(
    test: (m: ServerMessage) => boolean,
    timeoutMs = 5000,
    past = false,
  ): Promise<T> {
    if (past) {
      const found = this.messages.find(test);
      if (found) return Promise.resolve(found as T);
    }
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no matching message within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.waiters.push({
        test,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m as T);
        },
      });
    });
  }

  async subscribe(spaceId: string, incognito = false): Promise<ServerMessage> {
    const requestId = Math.random().toString(36).slice(2);
    const answer = this.waitFor(
      (m) =>
        (m.type === 'snapshot' || m.type === 'error') &&
        'request_id' in m &&
        m.request_id === requestId,
    );
    this.send({ type: 'subscribe', space_id: spaceId, incognito, request_id: requestId });
    return answer;
  }

  close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }
}

/** Polls `check` until it returns true, or fails after `timeoutMs`. */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 5000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}
