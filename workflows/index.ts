// The worker bundles this module: every workflow type hubsync runs is exported from here.
export {};
export * from './inbound/inbound-object';
export * from './scheduled/incremental-sync';
export * from './scheduled/object-sync';
export * from './scheduled/backfill';
export * from './scheduled/association-sync';
export * from './scheduled/custom-object-sync';
export * from './outbound/push';
export * from './outbound/association-push';
export * from './outbound/outbox-relay';
export * from './scheduled/retention';
