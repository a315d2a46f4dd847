// patched() ids: one per change of a workflow's commands that running executions may not have made yet
// (test/workflows/histories/README.md says when one is needed). Removed with its old branch once no
// execution started before it can still be running.

/** inboundObjectWorkflow: a failed fetch or apply keeps its events pending and retries in rounds. */
export const KEEP_EVENTS_ON_FAILURE = 'inbound-keep-events-on-failure';

/** outboxRelayWorkflow: a relay run whose retries are spent pauses and runs again instead of failing the relay. */
export const RELAY_SURVIVES_FAILED_RUN = 'outbox-relay-survives-failed-run';

/** incrementalSyncWorkflow, backfillWorkflow: the run ends with the association read (a child) of its type pairs. */
export const ASSOCIATION_SYNC = 'association-sync';

/** incrementalSyncWorkflow: the backfill it starts runs at BACKFILL_PRIORITY (src/workflow-safe/priorities.ts), not the sync's. */
export const BACKFILL_CHILD_PRIORITY = 'backfill-child-priority';

/** associationSyncWorkflow: pairs with nothing to read skip their batch reads; pairs read concurrently. */
export const ASSOCIATION_READ_SELECTED = 'association-read-selected';

/** backfillWorkflow: the progress estimate's searches run beside the first pages instead of before them. */
export const ESTIMATE_BESIDE_PAGES = 'backfill-estimate-beside-pages';

/** incrementalSyncWorkflow, backfillWorkflow: the run also syncs the portal's custom objects (a child). */
export const CUSTOM_OBJECTS = 'custom-objects';

/** inboundObjectWorkflow (both loops): once the rounds ran out, the events held are parked before it fails. */
export const PARK_EXHAUSTED = 'inbound-park-exhausted';
