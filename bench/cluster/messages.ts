/** What bench/cluster's orchestrator and its load generator say over IPC. */
import type { Summary } from '../realtime/stats.js';

export type ClusterCommand =
  | { type: 'prepare'; urls: string[]; spaceId: string; count: number }
  | { type: 'join'; concurrency: number; timeoutMs: number }
  | {
      type: 'events';
      hostUrl: string;
      hostCookie: string;
      spaceId: string;
      editsPerSecond: number;
      seconds: number;
      /** Sampled listeners per node. */
      sample: number;
    }
  | { type: 'close' };

export interface NodeJoin {
  url: string;
  attempted: number;
  joined: number;
  failures: Record<string, number>;
  latencyMs: Summary;
}

export interface ClusterJoinResult {
  seconds: number;
  /** Listeners holding a socket after this join, per node (all joins so far). */
  connected: number[];
  perNode: NodeJoin[];
  latencyMs: Summary;
}

export interface ClusterEventsResult {
  editsSent: number;
  editErrors: number;
  /** Host's edit (HTTP on node 0) → `event` at sampled listeners, per node. */
  perNode: Array<{ url: string; sampled: number; deliveryMs: Summary; received: number }>;
  deliveryMs: Summary;
  editResponseMs: Summary;
}
