// The worker bundles this module: every workflow type hubsync runs is exported from here.
export {};
export * from './inbound-object';
export * from './incremental-sync';
export * from './object-sync';
export * from './backfill';
export * from './push';
export * from './outbox-relay';
export * from './retention';
