/**
 * bench/cluster's media part (issue 13), in a network namespace (Janus and
 * libwebrtc ignore loopback): two Salon processes (the real entrypoint) on
 * one PostgreSQL schema and Redis, MEDIA=external on one Janus. Run by
 * run.ts after the control plane (or alone: BENCH_CLUSTER_ONLY=media).
 * The body is media-body.ts.
 */
import { runInNetns } from '../support/netns.js';

await runInNetns({
  name: 'cluster (media)',
  entry: import.meta.url,
  marker: 'BENCH_CLUSTER_MEDIA_IN_NETNS',
  body: () => import('./media-body.js'),
  timeoutMs: 15 * 60_000,
});
