// What the per-record loops (inbound-object.ts for the standard types, custom-object-record.ts for custom ones)
// share: their activities, and the bounded rounds in which a failed read or apply is tried again, the events kept
// pending in between.
import { ApplicationFailure, proxyActivities, type ActivityFailure } from '@temporalio/workflow';
import type { InboundActivities } from '../../activities/inbound/apply';
import type { CustomObjectReadActivities } from '../../activities/inbound/custom-object-read';
import type { HubSpotFetchActivities } from '../../activities/inbound/hubspot-fetch';
import {
  INBOUND_APPLY_RETRY,
  INBOUND_FETCH_RETRY,
  INBOUND_MAX_ROUNDS,
  inboundRoundPauseMs,
} from '../../src/workflow-safe/limits';

// Heartbeat timeouts: activities heartbeat while they run (src/temporal/activity-heartbeats.ts), so an attempt
// lost with its worker is retried after seconds, while the events behind it wait. Values a column cannot hold
// do not fail an apply (they become sync_failures rows): what fails one is PostgreSQL being away.
const HEARTBEAT_TIMEOUT = '10s';

export const { applyInboundPlan } = proxyActivities<InboundActivities>({
  startToCloseTimeout: '1 minute',
  heartbeatTimeout: HEARTBEAT_TIMEOUT,
  retry: INBOUND_APPLY_RETRY,
});

// Runs on the main queue: it merges concurrent fetches of many workflows into one batch/read, which the
// HubSpot queue's per-activity rate limit would serialise (see activities/inbound/hubspot-fetch.ts).
export const { fetchHubSpotRecord } = proxyActivities<HubSpotFetchActivities>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: HEARTBEAT_TIMEOUT,
  retry: INBOUND_FETCH_RETRY,
});

export const { readCustomObjectRecord } = proxyActivities<CustomObjectReadActivities>({
  startToCloseTimeout: '1 minute',
  heartbeatTimeout: HEARTBEAT_TIMEOUT,
  retry: INBOUND_FETCH_RETRY,
});

/** Why a round failed, for the workflow's details and failure: the activity's own failure when it has one. */
export function roundFailureCause(err: ActivityFailure): string {
  return err.cause instanceof ApplicationFailure ? `${err.cause.type ?? 'error'}: ${err.cause.message}` : err.message;
}

/**
 * The pause before the next round after `failedRounds` failed in a row (`pauseMs`: a test's override); once
 * INBOUND_MAX_ROUNDS have failed, throws the failure that ends the workflow.
 */
export function nextRoundPauseMs(failedRounds: number, cause: string, pauseMs: number | undefined): number {
  if (failedRounds >= INBOUND_MAX_ROUNDS)
    throw ApplicationFailure.create({
      type: 'InboundRoundsExhausted',
      message: `${failedRounds} rounds failed, events kept in this history; last: ${cause}`,
      nonRetryable: true,
    });
  return pauseMs ?? inboundRoundPauseMs(failedRounds);
}
