// Public surface of the pure sync rules. Workflows should import the specific modules they need
// (everything except mapping-config.ts is free of zod and safe in the workflow sandbox).
export * from './object-types';
export * from './transforms';
export * from './fingerprint';
export * from './mapping-types';
export * from './mapping';
export * from './mapping-config';
export * from './mappings/default-mapping';
export * from './field-state';
export * from './echo';
export * from './conflicts';
export * from './events';
export * from './pending-changes';
export * from './associations';
export * from './merges';
export * from './local-link';
export * from './apply-record';
