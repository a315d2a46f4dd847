// What the per-record loops (inbound-object.ts for the standard types, custom-object-record.ts for custom ones)
// share: their activities, and the bounded rounds in which a failed read or apply is tried again, the events kept
// pending in between, parked once the rounds ran out.
import { ApplicationFailure, patched, proxyActivities, workflowInfo, type ActivityFailure } from '@temporalio/workflow';
import type { InboundActivities } from '../../activities/inbound/apply';
import type { CustomObjectReadActivities } from '../../activities/inbound/custom-object-read';
import type { HubSpotFetchActivities } from '../../activities/inbound/hubspot-fetch';
import type { ParkActivities } from '../../activities/inbound/park';
import type { HubSpotWebhookEvent } from '../../src/sync/events';
import {
  INBOUND_APPLY_RETRY,
  INBOUND_FETCH_RETRY,
  INBOUND_MAX_ROUNDS,
  INBOUND_PARK_RETRY,
  inboundRoundPauseMs,
} from '../../src/workflow-safe/limits';
import { PARK_EXHAUSTED } from '../../src/workflow-safe/patches';

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

const { parkInboundEvents } = proxyActivities<ParkActivities>({
  startToCloseTimeout: '1 minute',
  retry: INBOUND_PARK_RETRY,
});

/** The pause before the next round after `failedRounds` failed in a row (`pauseMs`: a test's override). */
export function nextRoundPauseMs(failedRounds: number, pauseMs: number | undefined): number {
  return pauseMs ?? inboundRoundPauseMs(failedRounds);
}

export function roundsExhausted(failedRounds: number): boolean {
  return failedRounds >= INBOUND_MAX_ROUNDS;
}

// One parked row's events at most this many characters of JSON: the activity's input stays far under
// Temporal's 2 MB payload limit even when every character takes 3 bytes.
const MAX_PARKED_ROW_CHARS = 500_000;

/**
 * Ends a record's workflow once its rounds ran out: parks the events it still holds (`held()` is read again
 * after each park, for events that arrived meanwhile), then throws the failure that ends it. Before
 * PARK_EXHAUSTED the events stayed in the failed workflow's history only.
 */
export async function parkAndFail(
  target: { portalId: string; objectType: string; objectId: string },
  failedRounds: number,
  cause: string,
  held: () => readonly HubSpotWebhookEvent[],
): Promise<never> {
  const { portalId, objectType, objectId } = target;
  let parked = 0;
  if (patched(PARK_EXHAUSTED)) {
    const { workflowId, runId } = workflowInfo();
    for (let events = held(); events.length > parked; events = held())
      for (const chunk of chunksOf(events.slice(parked), MAX_PARKED_ROW_CHARS)) {
        const parkKey = `${workflowId}:${runId}:${parked}`;
        await parkInboundEvents({ parkKey, portalId, objectType, objectId, events: chunk, lastError: cause });
        parked += chunk.length;
      }
  }
  throw ApplicationFailure.create({
    type: 'InboundRoundsExhausted',
    message:
      parked > 0
        ? `${failedRounds} rounds failed, ${parked} events parked in inbound_parked_events; last: ${cause}`
        : `${failedRounds} rounds failed, events kept in this history; last: ${cause}`,
    nonRetryable: true,
  });
}

function chunksOf(events: readonly HubSpotWebhookEvent[], maxChars: number): HubSpotWebhookEvent[][] {
  const chunks: HubSpotWebhookEvent[][] = [];
  let current: HubSpotWebhookEvent[] = [];
  let chars = 0;
  for (const event of events) {
    const size = JSON.stringify(event).length;
    if (current.length > 0 && chars + size > maxChars) {
      chunks.push(current);
      current = [];
      chars = 0;
    }
    current.push(event);
    chars += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
