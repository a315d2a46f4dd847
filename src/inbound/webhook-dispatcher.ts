import type { Client, ConnectionLike } from '@temporalio/client';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import type { PrismaClient } from '../store/prisma';
import {
  claimExpiredBatches,
  completeBatch,
  inboxBacklog,
  releaseBatch,
  storeWebhookBatch,
  type InboxBatch,
} from '../store/webhook-inbox';
import { handOffToWorkflows, type HandoffOptions, type ObjectEvents } from './handoff';

// Between the webhook endpoint and the per-object workflows. HubSpot's acknowledgement waits only for the
// batch's INSERT into the webhook inbox (PostgreSQL), not for one signal-with-start per record; the hand-off
// to Temporal follows right after, a few batches at a time, and a sweeper retries whatever is left. The
// endpoint still answers 503 while Temporal is known to be down, so HubSpot keeps its own retries as a second
// line and the inbox does not fill up during an outage.

export interface WebhookDispatcherOptions {
  handoff: HandoffOptions;
  /** How long a stored batch belongs to the server that stored or claimed it before sweepers may take it. */
  leaseMs: number;
  /** Batches this server hands to Temporal at once; the rest wait, already durable, in the inbox. */
  concurrency: number;
  /** How often the sweeper looks for batches whose lease ran out. */
  sweepIntervalMs: number;
}

/** After a failed hand-off: wait this long before the batch is tried again, and before Temporal is probed again. */
const RETRY_AFTER_MS = 2_000;
const PROBE_TIMEOUT_MS = 1_000;

/** The cheapest call the frontend answers only when it can serve requests (the same channel the hand-off uses). */
async function probeFrontend(connection: ConnectionLike): Promise<void> {
  await connection.withDeadline(Date.now() + PROBE_TIMEOUT_MS, async () => {
    await connection.ensureConnected();
    await connection.workflowService.getSystemInfo({});
  });
}

export class WebhookDispatcher {
  private temporal: 'unknown' | 'up' | 'down' = 'unknown';
  private probing?: Promise<boolean>;
  private downSince = 0;
  private readonly waiting: Array<InboxBatch<ObjectEvents>> = [];
  private readonly inFlight = new Set<Promise<void>>();
  /** Ids waiting or in flight here, so the sweeper does not queue a batch twice. */
  private readonly held = new Set<string>();
  private sweeper?: NodeJS.Timeout;
  private sweeping = false;
  private closed = false;

  constructor(
    private readonly deps: { prisma: PrismaClient; temporal: Client; logger: Logger; metrics: Metrics },
    private readonly options: WebhookDispatcherOptions,
  ) {}

  /**
   * True when Temporal is believed to accept hand-offs: after a success, right away; otherwise after a health
   * probe (one at a time, and not again within RETRY_AFTER_MS of a failure, so an outage is answered fast).
   */
  async temporalAvailable(): Promise<boolean> {
    if (this.temporal === 'up') return true;
    if (this.temporal === 'down' && Date.now() - this.downSince < RETRY_AFTER_MS) return false;
    this.probing ??= probeFrontend(this.deps.temporal.connection)
      .then(
        () => this.markUp(),
        () => this.markDown(),
      )
      .finally(() => (this.probing = undefined));
    return this.probing;
  }

  /** Stores the batch durably (rejects if PostgreSQL does not take it), then queues its hand-off. */
  async accept(records: ObjectEvents[]): Promise<void> {
    const id = await storeWebhookBatch(this.deps.prisma, records, this.options.leaseMs);
    this.enqueue({ id, records });
  }

  /** Starts the sweeper (the app calls this when it is ready). */
  start(): void {
    if (this.sweeper || this.closed) return;
    this.sweeper = setInterval(() => void this.sweep(), this.options.sweepIntervalMs);
    this.sweeper.unref();
  }

  /** Stops sweeping and waits for the hand-offs in flight; waiting batches stay in the inbox for the next server. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.sweeper) clearInterval(this.sweeper);
    this.waiting.length = 0;
    await Promise.allSettled([...this.inFlight]);
  }

  private markUp(): boolean {
    this.temporal = 'up';
    return true;
  }

  private markDown(): boolean {
    this.temporal = 'down';
    this.downSince = Date.now();
    return false;
  }

  private enqueue(batch: InboxBatch<ObjectEvents>): void {
    if (this.closed || this.held.has(String(batch.id))) return;
    this.held.add(String(batch.id));
    this.waiting.push(batch);
    this.pump();
  }

  private pump(): void {
    while (this.inFlight.size < this.options.concurrency && this.waiting.length > 0) {
      const batch = this.waiting.shift()!;
      const run = this.handOff(batch).finally(() => {
        this.inFlight.delete(run);
        this.held.delete(String(batch.id));
        this.pump();
      });
      this.inFlight.add(run);
    }
    this.deps.metrics.webhookHandoffsPending.set(this.waiting.length + this.inFlight.size);
  }

  private async handOff(batch: InboxBatch<ObjectEvents>): Promise<void> {
    const { prisma, temporal, logger, metrics } = this.deps;
    try {
      await handOffToWorkflows(temporal, batch.records, this.options.handoff);
    } catch (err) {
      this.markDown();
      metrics.webhookHandoffs.inc({ outcome: 'retry' });
      const message = (err as Error).message;
      logger.warn(
        { err: message, batch: String(batch.id), records: batch.records.length },
        'webhook batch not accepted by Temporal; kept in the inbox for a retry',
      );
      await releaseBatch(prisma, batch.id, { retryInMs: RETRY_AFTER_MS, error: message }).catch((releaseErr: Error) =>
        logger.error(
          { err: releaseErr.message, batch: String(batch.id) },
          'could not release an inbox batch; it is retried when its lease runs out',
        ),
      );
      return;
    }
    this.markUp();
    metrics.webhookHandoffs.inc({ outcome: 'handed-off' });
    // Should this fail, the batch is handed off again once its lease runs out: harmless, the workflows deduplicate.
    await completeBatch(prisma, batch.id).catch((err: Error) =>
      logger.error({ err: err.message, batch: String(batch.id) }, 'handed-off batch not removed from the inbox'),
    );
  }

  private async sweep(): Promise<void> {
    if (this.sweeping || this.closed) return;
    this.sweeping = true;
    try {
      const backlog = await inboxBacklog(this.deps.prisma);
      this.deps.metrics.webhookInboxBatches.set(backlog.batches);
      this.deps.metrics.webhookInboxOldestSeconds.set(backlog.oldestAgeMs / 1000);
      const room = this.options.concurrency - this.waiting.length;
      if (backlog.batches === 0 || room <= 0 || !(await this.temporalAvailable())) return;
      const claimed = await claimExpiredBatches<ObjectEvents>(this.deps.prisma, {
        limit: room,
        leaseMs: this.options.leaseMs,
      });
      if (claimed.length > 0)
        this.deps.logger.info({ batches: claimed.length }, 'retrying webhook batches left in the inbox');
      for (const batch of claimed) this.enqueue(batch);
    } catch (err) {
      this.deps.logger.warn({ err: (err as Error).message }, 'webhook inbox sweep failed; next sweep retries');
    } finally {
      this.sweeping = false;
    }
  }
}
