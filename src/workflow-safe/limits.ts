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

/** Page activities: one page is well under a second; a dead worker's page is retried after this long. */
export const PAGE_ACTIVITY_TIMEOUT = '20s';
export const PAGE_RETRY: RetryPolicy = {
  initialInterval: '1s',
  backoffCoefficient: 2,
  maximumInterval: '1 minute',
  maximumAttempts: 12,
};
