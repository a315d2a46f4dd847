-- Per-field sync state moves onto each record (one JSONB column), so applying a page of records is one
-- statement instead of one row per field.
DROP TABLE "field_sync_state";

ALTER TABLE "contacts" ADD COLUMN "sync_state" JSONB NOT NULL DEFAULT '{}';
ALTER TABLE "companies" ADD COLUMN "sync_state" JSONB NOT NULL DEFAULT '{}';
ALTER TABLE "deals" ADD COLUMN "sync_state" JSONB NOT NULL DEFAULT '{}';
ALTER TABLE "tasks" ADD COLUMN "sync_state" JSONB NOT NULL DEFAULT '{}';
ALTER TABLE "tickets" ADD COLUMN "sync_state" JSONB NOT NULL DEFAULT '{}';
ALTER TABLE "owners" ADD COLUMN "sync_state" JSONB NOT NULL DEFAULT '{}';

CREATE UNIQUE INDEX "sync_runs_run_id_key" ON "sync_runs"("run_id");
