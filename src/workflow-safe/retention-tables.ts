// The bookkeeping tables the retention workflow prunes (workflows/scheduled/retention.ts, src/store/retention.ts).

export const RETENTION_TABLES = [
  'processed_webhook_events',
  'outbox',
  'sync_runs',
  'sync_failures',
  'sync_conflicts',
  'webhook_inbox',
  'inbound_parked_events',
] as const;
export type RetentionTable = (typeof RETENTION_TABLES)[number];
