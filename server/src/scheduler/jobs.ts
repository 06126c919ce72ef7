import { hostname } from 'node:os';
import type { FastifyBaseLogger } from 'fastify';
import { type Kysely, sql, type Transaction } from 'kysely';
import type { Storage } from '../db/database.js';
import type { Database, JobsTable } from '../db/schema.js';
import type { Clock } from '../util/clock.js';
import { newId, randomToken } from '../util/ids.js';

/**
 * A durable job scheduler kept in the database, shared by every Salon node.
 *
 * Exactly once, in three parts:
 * - **enqueue once**: `jobs.key` is unique, and `schedule` inserts with
 *   ON CONFLICT DO NOTHING, so a job asked for by a hook, a sweep and another
 *   node exists once;
 * - **run by one node at a time**: a node claims a due job with a conditional
 *   UPDATE (`… WHERE done_at IS NULL AND (lease_until IS NULL OR lease_until
 *   <= now)`), which one statement wins on SQLite and on PostgreSQL alike (the
 *   loser's UPDATE re-reads the row after the winner commits and matches
 *   nothing). The claim is a lease: a node that dies mid-job loses it when the
 *   lease runs out, and another node runs the job again;
 * - **effects that tolerate a second run**: what a job writes carries a key of
 *   its own (see notifications/center.ts), so the run after a crash skips what
 *   the first run already did.
 *
 * Jobs due while every node was down are simply due when one comes back:
 * `tick` takes everything with `run_at <= now`. The clock is injected, and
 * `tick` is public so tests drive time by hand.
 */

export interface JobSpec {
  kind: string;
  /** Unique across all jobs: the job's identity for enqueueing once. */
  key: string;
  runAt: number;
  payload?: unknown;
}

export interface JobContext<P = unknown> {
  job: JobsTable;
  payload: P;
  now: number;
  /** Pushes the lease further; false when another node has taken the job meanwhile. */
  extendLease(): Promise<boolean>;
}

/** A handler finishes the job by returning; it asks for another try later by returning a time. */
export type JobHandler<P = unknown> = (
  context: JobContext<P>,
) => Promise<undefined | { retryAt: number }>;

export interface SchedulerOptions {
  /** A name for this node in the `claimed_by` column; unique per process. */
  nodeId?: string;
  leaseMs?: number;
  /** How often the background loop looks for due jobs; 0 = no loop (tests tick by hand). */
  pollMs?: number;
  batchSize?: number;
  maxAttempts?: number;
  /** Jobs done for longer than this are deleted. */
  keepDoneMs?: number;
}

type Db = Kysely<Database> | Transaction<Database>;

interface Sweep {
  name: string;
  everyMs: number;
  lastRun: number | null;
  run: (now: number) => Promise<void>;
}

export class JobScheduler {
  readonly nodeId: string;
  private readonly handlers = new Map<string, JobHandler>();
  private readonly sweeps: Sweep[] = [];
  private readonly leaseMs: number;
  private readonly pollMs: number;
  private readonly batchSize: number;
  private readonly maxAttempts: number;
  private readonly keepDoneMs: number;
  private timer: NodeJS.Timeout | null = null;
  private kicked = false;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly storage: Storage,
    private readonly clock: Clock,
    private readonly logger: FastifyBaseLogger,
    options: SchedulerOptions = {},
  ) {
    this.nodeId = options.nodeId ?? `${hostname()}:${process.pid}:${randomToken(4)}`;
    this.leaseMs = options.leaseMs ?? 60_000;
    this.pollMs = options.pollMs ?? 1000;
    this.batchSize = options.batchSize ?? 20;
    this.maxAttempts = options.maxAttempts ?? 8;
    this.keepDoneMs = options.keepDoneMs ?? 7 * 24 * 3600 * 1000;
    this.every('purge_done_jobs', 3600_000, (now) => this.purge(now));
  }

  private get db() {
    return this.storage.db;
  }

  handle<P>(kind: string, handler: JobHandler<P>): void {
    if (this.handlers.has(kind)) throw new Error(`a handler for ${kind} is already registered`);
    this.handlers.set(kind, handler as JobHandler);
  }

  /**
   * Work that re-derives jobs from the rest of the database (what a crash between a commit
   * and its `schedule` call would have lost). Runs at the first tick, then every `everyMs`.
   */
  every(name: string, everyMs: number, run: (now: number) => Promise<void>): void {
    this.sweeps.push({ name, everyMs, lastRun: null, run });
  }

  /** Enqueues a job unless one with this key exists; true when this call created it. */
  async schedule(spec: JobSpec, db: Db = this.db): Promise<boolean> {
    const now = this.clock.now();
    const result = await db
      .insertInto('jobs')
      .values({
        id: newId(now),
        key: spec.key,
        kind: spec.kind,
        payload: JSON.stringify(spec.payload ?? null),
        run_at: spec.runAt,
        attempts: 0,
        claimed_by: null,
        lease_until: null,
        done_at: null,
        failed: 0,
        last_error: null,
        created_at: now,
      })
      .onConflict((oc) => oc.column('key').doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
  }

  /** Drops pending jobs whose key starts with `prefix` (nothing claimed is touched). */
  async cancel(prefix: string): Promise<number> {
    const result = await this.db
      .deleteFrom('jobs')
      .where(sql<boolean>`${sql.ref('key')} like ${`${escapeLike(prefix)}%`} escape '!'`)
      .where('done_at', 'is', null)
      .where('lease_until', 'is', null)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  start(): void {
    if (this.closed || this.pollMs === 0 || this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.pollMs);
    this.timer.unref();
    void this.tick();
  }

  /** Asks for a pass soon (after a job was enqueued for now), when the loop runs. */
  kick(): void {
    if (this.timer === null || this.kicked) return;
    this.kicked = true;
    setImmediate(() => {
      this.kicked = false;
      void this.tick();
    });
  }

  /**
   * One pass: sweeps that are due, then every due job this node can claim, batch after
   * batch. Passes never overlap within a process; returns how many jobs this pass ran.
   */
  tick(): Promise<number> {
    const pass = this.queue.then(() => (this.closed ? 0 : this.pass()));
    this.queue = pass.catch(() => undefined);
    return pass;
  }

  private async pass(): Promise<number> {
    const now = this.clock.now();
    for (const sweep of this.sweeps) {
      if (sweep.lastRun !== null && now - sweep.lastRun < sweep.everyMs) continue;
      sweep.lastRun = now;
      await sweep.run(now).catch((error: unknown) => {
        sweep.lastRun = null;
        this.logger.error({ err: error, sweep: sweep.name }, 'scheduler sweep failed');
      });
    }
    let ran = 0;
    for (;;) {
      if (this.closed) break;
      const due = await this.db
        .selectFrom('jobs')
        .select('id')
        .where('done_at', 'is', null)
        .where('run_at', '<=', now)
        .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', now)]))
        .orderBy('run_at')
        .orderBy('id')
        .limit(this.batchSize)
        .execute();
      let claimedAny = false;
      for (const { id } of due) {
        const job = await this.claim(id, now);
        if (!job) continue;
        claimedAny = true;
        await this.run(job);
        ran += 1;
      }
      // Another node may be working through the same batch; stop when nothing was ours.
      if (due.length < this.batchSize || !claimedAny) break;
    }
    return ran;
  }

  private async claim(id: string, now: number): Promise<JobsTable | null> {
    const result = await this.db
      .updateTable('jobs')
      .set((eb) => ({
        claimed_by: this.nodeId,
        lease_until: now + this.leaseMs,
        attempts: eb('attempts', '+', 1),
      }))
      .where('id', '=', id)
      .where('done_at', 'is', null)
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', now)]))
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) return null;
    const job = await this.db
      .selectFrom('jobs')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return job && job.claimed_by === this.nodeId ? job : null;
  }

  /** Only the holder of this attempt may finish it: a node whose lease ran out may not. */
  private mine(job: JobsTable) {
    return this.db
      .updateTable('jobs')
      .where('id', '=', job.id)
      .where('claimed_by', '=', this.nodeId)
      .where('attempts', '=', job.attempts);
  }

  private async run(job: JobsTable): Promise<void> {
    const handler = this.handlers.get(job.kind);
    const now = this.clock.now();
    if (!handler) {
      this.logger.error({ kind: job.kind, key: job.key }, 'no handler for job; dropping it');
      await this.mine(job)
        .set({ done_at: now, failed: 1, lease_until: null, last_error: 'no handler' })
        .execute();
      return;
    }
    try {
      const outcome = await handler({
        job,
        payload: JSON.parse(job.payload) as unknown,
        now,
        extendLease: async () => {
          const result = await this.mine(job)
            .set({ lease_until: this.clock.now() + this.leaseMs })
            .executeTakeFirst();
          return Number(result.numUpdatedRows) === 1;
        },
      });
      if (outcome?.retryAt !== undefined) {
        await this.mine(job).set({ run_at: outcome.retryAt, lease_until: null }).execute();
      } else {
        await this.mine(job).set({ done_at: this.clock.now(), lease_until: null }).execute();
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const giveUp = job.attempts >= this.maxAttempts;
      this.logger.warn({ err: error, kind: job.kind, key: job.key, giveUp }, 'job failed');
      const later = this.clock.now() + backoffMs(job.attempts);
      await this.mine(job)
        .set(
          giveUp
            ? { done_at: this.clock.now(), failed: 1, lease_until: null, last_error: message }
            : { run_at: later, lease_until: null, last_error: message.slice(0, 500) },
        )
        .execute()
        .catch((e: unknown) => this.logger.error({ err: e }, 'could not record a job failure'));
    }
  }

  private async purge(now: number): Promise<void> {
    await this.db
      .deleteFrom('jobs')
      .where('done_at', 'is not', null)
      .where('done_at', '<', now - this.keepDoneMs)
      .execute();
  }

  /** Stops the loop and waits for the pass in progress. Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.queue;
  }
}

/** 5 s, 10 s, 20 s … capped at an hour. */
export function backoffMs(attempts: number): number {
  return Math.min(3600_000, 5000 * 2 ** Math.max(0, attempts - 1));
}

/** For `LIKE … ESCAPE '!'`, which both engines understand (SQLite has no default escape). */
export function escapeLike(value: string): string {
  return value.replace(/[!%_]/g, (c) => `!${c}`);
}
