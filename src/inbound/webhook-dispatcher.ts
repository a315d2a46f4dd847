import type { Client, ConnectionLike } from '@temporalio/client';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import { inTransaction, type PrismaClient } from '../store/prisma';
import { storeDeadLetters, type DeadLetter, type DeadLetterBounds } from '../store/webhook-dead-letters';
import {
  claimExpiredBatches,
  completeBatch,
  deadLetterBatch,
  inboxBacklog,
  releaseBatch,
  storeWebhookBatch,
  type InboxBatch,
} from '../store/webhook-inbox';
import {
  handOffToWorkflows,
  isTemporalUnreachable,
  type HandoffFailure,
  type HandoffOptions,
  type ObjectEvents,
} from './handoff';

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
  /** Retention of the events refused one by one. */
  deadLetters: DeadLetterBounds;
  /** Refusals by a Temporal that answered before the batch is dead-lettered (WEBHOOK_INBOX_MAX_ATTEMPTS). */
  maxAttempts: number;
  /** First retry delay after a refusal, doubling per attempt up to 5 minutes (default RETRY_AFTER_MS). */
  retryAfterMs?: number;
}

/** After a failed hand-off: wait this long before the batch is tried again, and before Temporal is probed again. */
const RETRY_AFTER_MS = 2_000;
const MAX_RETRY_AFTER_MS = 5 * 60_000;
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

  /**
   * Stores the batch's valid events and its refused ones in one commit (rejects if PostgreSQL does not take
   * it), then queues the hand-off of the valid ones.
   */
  async accept(records: ObjectEvents[], deadLetters: readonly DeadLetter[] = []): Promise<void> {
    const id = await inTransaction(this.deps.prisma, async (tx) => {
      await storeDeadLetters(tx, deadLetters, this.options.deadLetters);
      return records.length > 0 ? storeWebhookBatch(tx, records, this.options.leaseMs) : undefined;
    });
    if (id !== undefined) this.enqueue({ id, records });
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

  /**
   * A hand-off that timed out or lost its connection may mean a busy Temporal rather than a down one, and the
   * inbox absorbs a slow one: the probe decides whether the endpoint turns to 503.
   */
  private recheck(): void {
    if (this.temporal === 'up') this.temporal = 'unknown';
    void this.temporalAvailable();
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
    let failures: HandoffFailure[];
    try {
      failures = await handOffToWorkflows(temporal, batch.records, this.options.handoff);
    } catch (err) {
      failures = batch.records.map((group) => ({ group, error: err as Error }));
    }
    if (failures.length === 0) {
      this.markUp();
      metrics.webhookHandoffs.inc({ outcome: 'handed-off' });
      // Should this fail, the batch is handed off again once its lease runs out: harmless, the workflows deduplicate.
      await completeBatch(prisma, batch.id).catch((err: Error) =>
        logger.error({ err: err.message, batch: String(batch.id) }, 'handed-off batch not removed from the inbox'),
      );
      return;
    }
    // Only an unreachable Temporal turns the endpoint to 503; records it refused are retried a bounded number
    // of times and then set aside, while the rest of the batch (and every other batch) goes through.
    const unreachable = failures.some((f) => isTemporalUnreachable(f.error));
    if (unreachable) this.recheck();
    else this.markUp();
    const remaining = failures.map((f) => f.group);
    const message = describeError(failures[0]!.error);
    const attempts = (batch.attempts ?? 0) + (unreachable ? 0 : 1);
    const log = { err: message, batch: String(batch.id), records: remaining.length, attempts };
    try {
      if (!unreachable && attempts >= this.options.maxAttempts) {
        metrics.webhookHandoffs.inc({ outcome: 'dead-lettered' });
        logger.error(log, 'webhook batch refused by Temporal too often; dead-lettered in the inbox');
        await deadLetterBatch(prisma, batch.id, { error: message, records: remaining });
        return;
      }
      metrics.webhookHandoffs.inc({ outcome: 'retry' });
      logger.warn(log, 'webhook batch not accepted by Temporal; kept in the inbox for a retry');
      const base = this.options.retryAfterMs ?? RETRY_AFTER_MS;
      await releaseBatch(prisma, batch.id, {
        retryInMs: unreachable ? base : Math.min(MAX_RETRY_AFTER_MS, base * 2 ** Math.max(0, attempts - 1)),
        error: message,
        counted: !unreachable,
        ...(remaining.length < batch.records.length ? { records: remaining } : {}),
      });
    } catch (err) {
      logger.error(
        { err: (err as Error).message, batch: String(batch.id) },
        'could not release an inbox batch; it is retried when its lease runs out',
      );
    }
  }

  private async sweep(): Promise<void> {
    if (this.sweeping || this.closed) return;
    this.sweeping = true;
    try {
      const backlog = await inboxBacklog(this.deps.prisma);
      this.deps.metrics.webhookInboxBatches.set(backlog.batches);
      this.deps.metrics.webhookInboxOldestSeconds.set(backlog.oldestAgeMs / 1000);
      this.deps.metrics.webhookInboxDeadLettered.set(backlog.deadLettered);
      const room = this.options.concurrency - this.waiting.length;
      if (backlog.batches === 0 || room <= 0 || !(await this.temporalAvailable())) return;
      const claimed = await claimExpiredBatches<ObjectEvents>(this.deps.prisma, {
        limit: room,
        leaseMs: this.options.leaseMs,
        // A batch still being handed off here may have released its lease already: not claimed twice.
        exclude: [...this.held],
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

/** The error's message with its causes' (the client's ServiceError says only "Failed to signalWithStart Workflow"). */
function describeError(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth += 1) parts.push(e.message);
  return parts.join(': ');
}
