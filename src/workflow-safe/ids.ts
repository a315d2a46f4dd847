// Every workflow and schedule id hubsync uses is built here, so the HTTP layer, the CLI, the worker and the
// tests always agree. Ids are readable in the Temporal UI: portal first, then what the workflow is about.

import type { CustomObjectTypeId } from '../sync/custom-objects';
import type { ObjectType } from '../sync/object-types';

/** The long-lived workflow that applies HubSpot's webhook events for one record. */
export function inboundObjectWorkflowId(
  portalId: string,
  objectType: ObjectType | CustomObjectTypeId,
  objectId: string,
): string {
  return `hubspot:${portalId}:${objectType}:${objectId}`;
}

/** The workflow that gathers a portal's local changes of one type and pushes them to HubSpot in batches. */
export function pushWorkflowId(portalId: string, objectType: ObjectType): string {
  return `push:${portalId}:${objectType}`;
}

/** The hourly incremental sync of one portal (one run per schedule tick). */
export function incrementalSyncWorkflowId(portalId: string, runKey: string): string {
  return `sync:${portalId}:${runKey}`;
}

export function objectSyncWorkflowId(parentWorkflowId: string, objectType: ObjectType): string {
  return `${parentWorkflowId}:${objectType}`;
}

export function backfillWorkflowId(portalId: string): string {
  return `backfill:${portalId}`;
}

export function syncScheduleId(portalId: string): string {
  return `hourly-sync:${portalId}`;
}

/** Drains the transactional outbox table into push workflows. */
export function outboxRelayWorkflowId(portalId: string): string {
  return `outbox-relay:${portalId}`;
}

/** The association part of a sync run or backfill (`parentWorkflowId` is the run's). */
export function associationSyncWorkflowId(parentWorkflowId: string): string {
  return `${parentWorkflowId}:associations`;
}

/** The workflow that gathers a portal's association changes and pushes them to HubSpot in batches. */
export function associationPushWorkflowId(portalId: string): string {
  return `push:${portalId}:associations`;
}

/** The custom-object part of a sync run or backfill (`parentWorkflowId` is the run's). */
export function customObjectSyncWorkflowId(parentWorkflowId: string): string {
  return `${parentWorkflowId}:custom-objects`;
}
