// Named limits and retry policies the workflows share. Pure data and one pure helper: safe in the workflow
// sandbox. Each history limit keeps a workflow well under Temporal's 50,000-event hard limit, with room for the
// events one more unit of work adds before the check runs again.
import type { RetryPolicy } from '@temporalio/common';

/** Sync and backfill pages: a page costs about 6 history events. */
export const PAGE_WORKFLOW_HISTORY_LIMIT = 10_000;
/** Per-record inbound workflows: each apply costs 10-15 history events. */
export const INBOUND_WORKFLOW_HISTORY_LIMIT = 5_000;
/** Push workflows: each batch costs a signal or two, an activity and its timers. */
export const PUSH_WORKFLOW_HISTORY_LIMIT = 8_000;

/** Temporal's own advice, or `limit` events (lowered by tests to exercise continue-as-new). */
export function historyIsLong(
  info: { continueAsNewSuggested: boolean; historyLength: number },
  limit: number,
): boolean {
  return info.continueAsNewSuggested || info.historyLength > limit;
}

/**
 * Type pairs whose associations one association read reads at a time. An association page is one request and
 * ~0.1 s from schedule to the next schedule, so about 4 pairs keep HubSpot's 19 requests/s busy; more would
 * only queue on the HubSpot task queue ahead of webhook fetches and pushes.
 */
export const ASSOCIATION_PAIRS_IN_FLIGHT = 4;

/** Page activities: one page is well under a second; a dead worker's page is retried after this long. */
export const PAGE_ACTIVITY_TIMEOUT = '20s';
export const PAGE_RETRY: RetryPolicy = {
  initialInterval: '1s',
  backoffCoefficient: 2,
  maximumInterval: '1 minute',
  maximumAttempts: 12,
};

// Retry policies: every activity's attempts are bounded; what happens once they are spent is said by each.

/** Store bookkeeping (sync runs, cursors, failure rows): ~14 minutes of PostgreSQL away, then the run fails and the next one redoes it. */
export const STORE_RETRY: RetryPolicy = {
  initialInterval: '1s',
  backoffCoefficient: 2,
  maximumInterval: '30s',
  maximumAttempts: 30,
};

/**
 * One apply of a record's webhook events (~8 minutes). Once spent, the workflow keeps the events pending and
 * tries again after INBOUND_ROUND_PAUSE, up to INBOUND_MAX_ROUNDS rounds (workflows/inbound/inbound-object.ts).
 */
export const INBOUND_APPLY_RETRY: RetryPolicy = {
  initialInterval: '500ms',
  backoffCoefficient: 2,
  maximumInterval: '30s',
  maximumAttempts: 20,
};

/**
 * The full read of a record (~30 minutes; a 401/403 waits AUTH_RETRY_DELAY_MS between attempts, see
 * src/temporal/hubspot-failures.ts). Once spent, the same rounds as the apply.
 */
export const INBOUND_FETCH_RETRY: RetryPolicy = {
  initialInterval: '1s',
  backoffCoefficient: 2,
  maximumInterval: '1 minute',
  maximumAttempts: 30,
};

/**
 * Rounds of a failed fetch or apply, the events kept pending in between: pauses of 1, 2, 4… minutes, at most an
 * hour, so 48 rounds outlast a day-long HubSpot or PostgreSQL outage (~43 hours). After the last, the workflow
 * parks the events it still holds in inbound_parked_events (`hubsync parked --redrive` hands them back), then fails.
 */
export const INBOUND_MAX_ROUNDS = 48;
export function inboundRoundPauseMs(round: number): number {
  return Math.min(60, 2 ** Math.max(0, round - 1)) * 60_000;
}

/**
 * Parking a record's events once its rounds ran out (~1.5 hours of PostgreSQL away). Once spent, the workflow
 * fails with the events in its history only, as before parking existed.
 */
export const INBOUND_PARK_RETRY: RetryPolicy = {
  initialInterval: '1s',
  backoffCoefficient: 2,
  maximumInterval: '1 minute',
  maximumAttempts: 100,
};

/**
 * A push batch: 5xx/network for ~1.5 hours (a DAILY 429 waits for the account's midnight per attempt). Once spent,
 * the batch's records become sync_failures rows, which `hubsync replay` pushes again.
 */
export const PUSH_BATCH_RETRY: RetryPolicy = {
  initialInterval: '1s',
  backoffCoefficient: 2,
  maximumInterval: '1 minute',
  maximumAttempts: 100,
};

/**
 * One outbox relay run (~14 minutes). Once spent, the relay pauses OUTBOX_RELAY_PAUSE and runs again: the rows
 * wait in the outbox meanwhile (nothing is lost), and the relay must not stop for good over one outage.
 */
export const OUTBOX_RELAY_RETRY: RetryPolicy = STORE_RETRY;
export const OUTBOX_RELAY_PAUSE = '5 minutes';

/** A retention batch (~8 minutes); once spent, the run fails and the schedule's next tick picks up. */
export const RETENTION_RETRY: RetryPolicy = {
  initialInterval: '1s',
  backoffCoefficient: 2,
  maximumInterval: '1 minute',
  maximumAttempts: 10,
};
