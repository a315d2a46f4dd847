// Every workflow and schedule id hubsync uses is built here, so the HTTP layer, the CLI, the worker and the
// tests always agree. Ids are readable in the Temporal UI: portal first, then what the workflow is about.

export type SyncObjectType = 'contacts' | 'companies' | 'deals' | 'tasks' | 'tickets' | 'owners';

/** The long-lived workflow that applies HubSpot's webhook events for one record. */
export function inboundObjectWorkflowId(portalId: string, objectType: SyncObjectType, objectId: string): string {
  return `hubspot:${portalId}:${objectType}:${objectId}`;
}

/** The workflow that gathers a portal's local changes of one type and pushes them to HubSpot in batches. */
export function pushWorkflowId(portalId: string, objectType: SyncObjectType): string {
  return `push:${portalId}:${objectType}`;
}

/** The hourly incremental sync of one portal (one run per schedule tick). */
export function incrementalSyncWorkflowId(portalId: string, runKey: string): string {
  return `sync:${portalId}:${runKey}`;
}

export function objectSyncWorkflowId(parentWorkflowId: string, objectType: SyncObjectType): string {
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
