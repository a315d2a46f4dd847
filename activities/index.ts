import type { ActivityDeps } from './deps';
import { createHubSpotFetchActivities } from './inbound/hubspot-fetch';
import { createInboundActivities } from './inbound/apply';
import { createParkActivities } from './inbound/park';
import { createOutboxActivities } from './outbound/outbox';
import { createRetentionActivities } from './scheduled/retention';
import { createPushActivities, createPushStoreActivities } from './outbound/push';
import { createAssociationPushActivities, createAssociationPushStoreActivities } from './outbound/association-push';
import { createSyncCursorActivities } from './scheduled/sync-cursors';
import { createSyncPageActivities } from './scheduled/sync-pages';
import { createAssociationPageActivities } from './scheduled/association-pages';
import { createCustomObjectPageActivities } from './scheduled/custom-object-pages';
import { createCustomObjectStoreActivities } from './scheduled/custom-object-store';
import { createCustomObjectReadActivities } from './inbound/custom-object-read';
import { createAssociationStoreActivities } from './scheduled/association-store';
import { createSyncRunActivities } from './sync-runs';
import { createPropertyCatalog } from './property-catalog';

/** Activities that touch only hubsync's own store; they run on the main task queue. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createSyncRunActivities(deps),
    ...createSyncCursorActivities(deps),
    ...createAssociationStoreActivities(deps),
    ...createInboundActivities(deps),
    ...createParkActivities(deps),
    ...createPushStoreActivities(deps),
    ...createAssociationPushStoreActivities(deps),
    ...createOutboxActivities(deps),
    ...createRetentionActivities(deps),
    ...createCustomObjectStoreActivities(deps),
    // Calls HubSpot (one batch read per burst of a custom record's webhooks), paced by the client's limiter as
    // the standard types' webhook reads are.
    ...createCustomObjectReadActivities(deps),
    // Calls HubSpot but batches many workflows' reads into one, which the HubSpot queue's per-activity
    // rate limit would defeat; the client's per-portal limiter paces it (see activities/inbound/hubspot-fetch.ts).
    ...createHubSpotFetchActivities(
      { ...deps, propertyCatalog: createPropertyCatalog(deps) },
      {
        maxWaitMs: deps.config.RECORD_FETCH_MAX_WAIT_MS,
        bulkAsks: deps.config.RECORD_FETCH_BULK_ASKS,
      },
    ),
  };
}

/**
 * Activities that call HubSpot: they run on the HubSpot task queue, whose server-side rate limit keeps every
 * worker of the fleet under the portal's budget. Their HubSpot errors become Temporal failures in the worker's
 * interceptor (src/temporal/hubspot-failures.ts).
 */
export function createHubSpotActivities(deps: ActivityDeps) {
  return {
    ...createSyncPageActivities(deps),
    ...createAssociationPageActivities(deps),
    ...createCustomObjectPageActivities(deps),
    ...createPushActivities(deps),
    ...createAssociationPushActivities(deps),
  };
}

export type { ActivityDeps } from './deps';
export type Activities = ReturnType<typeof createActivities>;
export type HubSpotActivities = ReturnType<typeof createHubSpotActivities>;
