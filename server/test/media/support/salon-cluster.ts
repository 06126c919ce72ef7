/**
 * Salon as a cluster for media tests: N Salon nodes (in this test process,
 * through startTestCluster) on one PostgreSQL schema and the test Redis, with
 * MEDIA=external on one or more Janus children started here, in the test
 * network namespace (scripts/netns-run.sh). Each person signs in once; their
 * HTTP client and their realtime socket may be on any node, as they would be
 * behind a balancer.
 */
import { randomBytes } from 'node:crypto';
import { freeTcpPort, type JanusProcess } from '../../../src/media/janus-process.js';
import { Client } from '../../support/client.js';
import { startTestCluster, type TestCluster } from '../../support/cluster.js';
import type { Person } from '../../support/factories.js';
import { RealtimeClient } from '../../support/realtime.js';
import { startJanus } from './stage.js';

export interface SalonClusterOptions {
  /** Salon nodes (default 2). */
  salonNodes?: number;
  /** Janus nodes (default 1), all of them in every node's JANUS_URL. */
  janusNodes?: number;
  /** More environment for every Salon node (MEDIA_FAILOVER_SECONDS, say). */
  env?: Record<string, string>;
}

export interface SalonCluster {
  cluster: TestCluster;
  janus: JanusProcess[];
  /** The API secret every Janus child was started with. */
  secret: string;
  url(node: number): string;
  /** A new account, signed in through `node` (its HTTP client talks to that node). */
  person(node: number): Promise<Person>;
  /** `who`'s session, as a client of `node` (the same cookie, another node). */
  clientOn(who: Person, node: number): Client;
  /** A realtime socket of `who` on `node`; closed with the cluster. */
  socket(who: Person, node: number): Promise<RealtimeClient>;
  close(): Promise<void>;
}

export async function startSalonCluster(options: SalonClusterOptions = {}): Promise<SalonCluster> {
  const secret = randomBytes(16).toString('hex');
  const janus: JanusProcess[] = [];
  const sockets = new Set<RealtimeClient>();
  let cluster: TestCluster | undefined;
  const close = async () => {
    await Promise.allSettled([...sockets].map((s) => s.close()));
    await cluster?.close();
    await Promise.allSettled(janus.map((j) => j.close()));
  };
  try {
    // On a port of its own for good, as an external node is: a Janus restarted after a crash
    // answers at the same JANUS_URL.
    for (let i = 0; i < (options.janusNodes ?? 1); i++)
      janus.push(await startJanus({ apiSecret: secret, wsPort: await freeTcpPort() }));
    cluster = await startTestCluster({
      nodes: options.salonNodes ?? 2,
      redis: true,
      env: {
        MEDIA: 'external',
        JANUS_URL: janus.map((j) => j.url).join(','),
        JANUS_API_SECRET: secret,
        HOST_MIN_FOLLOWERS: '0',
        ...options.env,
      },
    });
  } catch (error) {
    await close();
    throw error;
  }
  const started = cluster;
  const clientOn = (who: Person, node: number) => {
    const client = new Client(started.url(node));
    for (const [k, v] of who.client.cookies) client.cookies.set(k, v);
    client.bearer = who.client.bearer;
    return client;
  };
  return {
    cluster: started,
    janus,
    secret,
    url: (node) => started.url(node),
    person: (node) => started.user(node),
    clientOn,
    async socket(who, node) {
      const rt = await RealtimeClient.connect(started.url(node), clientOn(who, node));
      sockets.add(rt);
      return rt;
    },
    close,
  };
}
