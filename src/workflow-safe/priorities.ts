// Task-queue priority of each kind of work and the fairness key that shares the queues between portals
// (Temporal: priority 1 is dispatched first, 5 last, 3 when unset; within a priority, tasks of different fairness
// keys are dispatched in turn). Set where a workflow is started: its workflow tasks, activities and children
// inherit it. Pure data: safe in the workflow sandbox.
import type { Priority } from '@temporalio/common';

/** A record's webhook events: the full read and the apply wait behind nothing else. */
export const WEBHOOK_PRIORITY = 1;
/** Platform changes going to HubSpot (the outbox relay, push workflows). */
export const PUSH_PRIORITY = 2;
/** The hourly (or manual) incremental sync and its association read. */
export const SYNC_PRIORITY = 3;
/** A portal's first load (or a reload): bulk work that may wait. */
export const BACKFILL_PRIORITY = 4;

/** The priority of one portal's work: the portal is the fairness key, so one portal's backlog never starves another's. */
export function portalPriority(portalId: string, priorityKey: number): Priority {
  return { priorityKey, fairnessKey: portalId };
}
