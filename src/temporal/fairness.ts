import type { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { backfillPagesPerActivity, requestsPer10s, type Config } from '../config';

// The HubSpot queue's server-side rate. Every HubSpot-calling activity carries its portal as fairness key
// (src/workflow-safe/priorities.ts). Without TEMPORAL_FAIRNESS the queue has one rate, the tier's, which every
// portal shares. With it (the cluster runs matching.enableFairness) each key gets the rate of one portal's
// budget, enforced by the server across every worker, and the queue as a whole is not capped by one portal's.

export type HubSpotQueueConfig = Pick<
  Config,
  | 'TEMPORAL_NAMESPACE'
  | 'TEMPORAL_HUBSPOT_TASK_QUEUE'
  | 'TEMPORAL_FAIRNESS'
  | 'HUBSPOT_APP_MODE'
  | 'HUBSPOT_RATE_TIER'
  | 'HUBSPOT_REQUESTS_PER_10S'
>;

/** A portal's budget: the process's tier (private app), a public app's 110 per 10 s for every installed portal. */
export function portalRequestsPer10s(config: HubSpotQueueConfig): number {
  return config.HUBSPOT_APP_MODE === 'public' && !config.HUBSPOT_REQUESTS_PER_10S
    ? requestsPer10s({ HUBSPOT_RATE_TIER: 'public-app' })
    : requestsPer10s(config);
}

/** HubSpot activities per second within a budget: one request each, a backfill activity up to backfillPagesPerActivity. */
export function activitiesPerSecond(requestsPer10sBudget: number): number {
  return requestsPer10sBudget / 10 / backfillPagesPerActivity(requestsPer10sBudget);
}

/** The worker's maxTaskQueueActivitiesPerSecond: the tier's rate, or none when the server limits each portal. */
export function hubspotQueueWorkerRate(
  config: Pick<Config, 'HUBSPOT_RATE_TIER' | 'HUBSPOT_REQUESTS_PER_10S'> & { TEMPORAL_FAIRNESS?: boolean },
): number | undefined {
  return config.TEMPORAL_FAIRNESS ? undefined : activitiesPerSecond(requestsPer10s(config));
}

/**
 * With TEMPORAL_FAIRNESS: sets the HubSpot queue's per-fairness-key rate to one portal's budget (idempotent; every
 * worker calls it at start). Returns the rate set, or undefined when fairness is off. A server without the API
 * (or without fairness) fails the start: its fleet would otherwise run with no cap at all.
 */
export async function applyPerPortalRateLimit(
  connection: Connection,
  config: HubSpotQueueConfig,
): Promise<number | undefined> {
  if (!config.TEMPORAL_FAIRNESS) return undefined;
  const perSecond = activitiesPerSecond(portalRequestsPer10s(config));
  await connection.workflowService.updateTaskQueueConfig({
    namespace: config.TEMPORAL_NAMESPACE,
    identity: 'hubsync worker',
    taskQueue: config.TEMPORAL_HUBSPOT_TASK_QUEUE,
    taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
    updateFairnessKeyRateLimitDefault: {
      rateLimit: { requestsPerSecond: perSecond },
      reason: `hubsync: one HubSpot portal's budget, ${portalRequestsPer10s(config)} requests per 10 s`,
    },
  });
  return perSecond;
}
