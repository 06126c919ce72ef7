/** What the orchestrator (run.ts) and the load generator say to each other over IPC. */
import type { Summary } from './stats.js';

export type Command =
  | { type: 'prepare'; url: string; spaceId: string; count: number; guestTokens: boolean }
  | { type: 'join'; concurrency: number; timeoutMs: number }
  | { type: 'trim'; keep: number; settleMs: number }
  | {
      type: 'fanout';
      reactionsPerSecond: number;
      seconds: number;
      sample: number;
      drainMs: number;
      editsPerSecond: number;
      hostCookie: string | null;
    }
  | { type: 'close' };

export type Request = Command & { id: number };
export type Reply =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: string };

export interface GeneratorUsage {
  cpuPercent: number;
  /** Event-loop delay of the generator: high values mean its timestamps are late. */
  loopDelayP99Ms: number;
}

export interface JoinResult extends GeneratorUsage {
  attempted: number;
  joined: number;
  failed: number;
  failures: Record<string, number>;
  seconds: number;
  latencyMs: Summary;
  snapshotBytes: number;
  /** Messages other than the snapshot that listeners got while joining (counts, listeners). */
  otherMessages: number;
}

export interface FanoutResult extends GeneratorUsage {
  listeners: number;
  sampled: number;
  seconds: number;
  reactionsSent: number;
  reactionErrors: Record<string, number>;
  /** `reactions` messages received by all listeners while reactions were sent, per second. */
  deliveredPerSecond: number;
  /** All messages received by all listeners in the same interval, per second. */
  allMessagesPerSecond: number;
  /** Reaction sent → the aggregated message that includes it, at sampled listeners. */
  deliveryMs: Summary;
  /** First sampled arrival of a message → each other arrival of it: the broadcast itself. */
  fanoutLagMs: Summary;
  /** First → last sampled arrival of one message. */
  spreadMs: Summary;
  /** Share of accepted reactions that sampled listeners saw counted, in percent. */
  completeness: number;
  /** Space edit over HTTP → the `event` message at sampled listeners (Salon only). */
  eventDeliveryMs: Summary | null;
  /** The host's HTTP edit, request to response (the commit and the publish included). */
  editResponseMs: Summary | null;
  editsSent: number;
  editErrors: number;
  dropped: number;
}
