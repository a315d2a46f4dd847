-- CreateTable
CREATE TABLE "contacts" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "portal_id" TEXT NOT NULL,
    "hubspot_id" TEXT,
    "email" TEXT,
    "first_name" TEXT,
    "last_name" TEXT,
    "phone" TEXT,
    "job_title" TEXT,
    "lifecycle_stage" TEXT,
    "owner_id" TEXT,
    "properties" JSONB NOT NULL DEFAULT '{}',
    "hubspot_updated_at" TIMESTAMPTZ(3),
    "archived" BOOLEAN NOT NULL DEFAULT false,
    "archived_at" TIMESTAMPTZ(3),
    "merged_into_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "contacts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "companies" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "portal_id" TEXT NOT NULL,
    "hubspot_id" TEXT,
    "name" TEXT,
    "domain" TEXT,
    "phone" TEXT,
    "industry" TEXT,
    "city" TEXT,
    "country" TEXT,
    "owner_id" TEXT,
    "properties" JSONB NOT NULL DEFAULT '{}',
    "hubspot_updated_at" TIMESTAMPTZ(3),
    "archived" BOOLEAN NOT NULL DEFAULT false,
    "archived_at" TIMESTAMPTZ(3),
    "merged_into_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "companies_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "deals" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "portal_id" TEXT NOT NULL,
    "hubspot_id" TEXT,
    "name" TEXT,
    "stage" TEXT,
    "pipeline" TEXT,
    "amount" DECIMAL(18,2),
    "close_date" TIMESTAMPTZ(3),
    "owner_id" TEXT,
    "properties" JSONB NOT NULL DEFAULT '{}',
    "hubspot_updated_at" TIMESTAMPTZ(3),
    "archived" BOOLEAN NOT NULL DEFAULT false,
    "archived_at" TIMESTAMPTZ(3),
    "merged_into_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "deals_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "tasks" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "portal_id" TEXT NOT NULL,
    "hubspot_id" TEXT,
    "subject" TEXT,
    "body" TEXT,
    "status" TEXT,
    "priority" TEXT,
    "due_date" TIMESTAMPTZ(3),
    "owner_id" TEXT,
    "properties" JSONB NOT NULL DEFAULT '{}',
    "hubspot_updated_at" TIMESTAMPTZ(3),
    "archived" BOOLEAN NOT NULL DEFAULT false,
    "archived_at" TIMESTAMPTZ(3),
    "merged_into_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "tasks_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "tickets" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "portal_id" TEXT NOT NULL,
    "hubspot_id" TEXT,
    "subject" TEXT,
    "content" TEXT,
    "stage" TEXT,
    "pipeline" TEXT,
    "priority" TEXT,
    "owner_id" TEXT,
    "properties" JSONB NOT NULL DEFAULT '{}',
    "hubspot_updated_at" TIMESTAMPTZ(3),
    "archived" BOOLEAN NOT NULL DEFAULT false,
    "archived_at" TIMESTAMPTZ(3),
    "merged_into_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "tickets_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "owners" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "portal_id" TEXT NOT NULL,
    "hubspot_id" TEXT,
    "user_id" TEXT,
    "email" TEXT,
    "first_name" TEXT,
    "last_name" TEXT,
    "teams" JSONB NOT NULL DEFAULT '[]',
    "properties" JSONB NOT NULL DEFAULT '{}',
    "hubspot_updated_at" TIMESTAMPTZ(3),
    "archived" BOOLEAN NOT NULL DEFAULT false,
    "archived_at" TIMESTAMPTZ(3),
    "merged_into_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "owners_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "associations" (
    "portal_id" TEXT NOT NULL,
    "from_type" TEXT NOT NULL,
    "from_id" TEXT NOT NULL,
    "to_type" TEXT NOT NULL,
    "to_id" TEXT NOT NULL,
    "association_type_id" INTEGER NOT NULL DEFAULT 0,
    "archived" BOOLEAN NOT NULL DEFAULT false,
    "last_event_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "associations_pkey" PRIMARY KEY ("portal_id","from_type","from_id","to_type","to_id","association_type_id")
);

-- CreateTable
CREATE TABLE "sync_cursors" (
    "portal_id" TEXT NOT NULL,
    "object_type" TEXT NOT NULL,
    "watermark" TIMESTAMPTZ(3),
    "backfill_cursor" TEXT,
    "backfill_done" INTEGER NOT NULL DEFAULT 0,
    "backfill_started_at" TIMESTAMPTZ(3),
    "backfill_completed_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "sync_cursors_pkey" PRIMARY KEY ("portal_id","object_type")
);

-- CreateTable
CREATE TABLE "sync_runs" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "portal_id" TEXT NOT NULL,
    "object_type" TEXT,
    "direction" TEXT NOT NULL,
    "trigger" TEXT NOT NULL,
    "workflow_id" TEXT,
    "run_id" TEXT,
    "status" TEXT NOT NULL DEFAULT 'running',
    "counts" JSONB NOT NULL DEFAULT '{}',
    "error" TEXT,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "sync_runs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "processed_webhook_events" (
    "portal_id" TEXT NOT NULL,
    "dedupe_key" TEXT NOT NULL,
    "object_type" TEXT NOT NULL,
    "object_id" TEXT NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "processed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "processed_webhook_events_pkey" PRIMARY KEY ("portal_id","dedupe_key")
);

-- CreateTable
CREATE TABLE "outbox" (
    "id" BIGSERIAL NOT NULL,
    "portal_id" TEXT NOT NULL,
    "object_type" TEXT NOT NULL,
    "local_id" UUID NOT NULL,
    "fields" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "dispatched_at" TIMESTAMPTZ(3),

    CONSTRAINT "outbox_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "field_sync_state" (
    "portal_id" TEXT NOT NULL,
    "object_type" TEXT NOT NULL,
    "local_id" UUID NOT NULL,
    "property" TEXT NOT NULL,
    "pushed_hash" TEXT,
    "pushed_at" TIMESTAMPTZ(3),
    "pulled_hash" TEXT,
    "pulled_at" TIMESTAMPTZ(3),
    "hubspot_changed_at" TIMESTAMPTZ(3),
    "local_changed_at" TIMESTAMPTZ(3),

    CONSTRAINT "field_sync_state_pkey" PRIMARY KEY ("object_type","local_id","property")
);

-- CreateTable
CREATE TABLE "sync_conflicts" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "portal_id" TEXT NOT NULL,
    "object_type" TEXT NOT NULL,
    "local_id" UUID NOT NULL,
    "hubspot_id" TEXT,
    "property" TEXT NOT NULL,
    "local_value" TEXT,
    "hubspot_value" TEXT,
    "local_changed_at" TIMESTAMPTZ(3),
    "hubspot_changed_at" TIMESTAMPTZ(3),
    "policy" TEXT NOT NULL,
    "winner" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "sync_conflicts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sync_failures" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "portal_id" TEXT NOT NULL,
    "object_type" TEXT NOT NULL,
    "local_id" UUID,
    "hubspot_id" TEXT,
    "direction" TEXT NOT NULL,
    "operation" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "property" TEXT,
    "workflow_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolved_at" TIMESTAMPTZ(3),

    CONSTRAINT "sync_failures_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "privacy_erasures" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "portal_id" TEXT NOT NULL,
    "object_type" TEXT NOT NULL,
    "hubspot_id" TEXT NOT NULL,
    "local_id" UUID,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "erased_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "privacy_erasures_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "contacts_portal_id_email_idx" ON "contacts"("portal_id", "email");

-- CreateIndex
CREATE UNIQUE INDEX "contacts_portal_id_hubspot_id_key" ON "contacts"("portal_id", "hubspot_id");

-- CreateIndex
CREATE INDEX "companies_portal_id_domain_idx" ON "companies"("portal_id", "domain");

-- CreateIndex
CREATE UNIQUE INDEX "companies_portal_id_hubspot_id_key" ON "companies"("portal_id", "hubspot_id");

-- CreateIndex
CREATE UNIQUE INDEX "deals_portal_id_hubspot_id_key" ON "deals"("portal_id", "hubspot_id");

-- CreateIndex
CREATE UNIQUE INDEX "tasks_portal_id_hubspot_id_key" ON "tasks"("portal_id", "hubspot_id");

-- CreateIndex
CREATE UNIQUE INDEX "tickets_portal_id_hubspot_id_key" ON "tickets"("portal_id", "hubspot_id");

-- CreateIndex
CREATE UNIQUE INDEX "owners_portal_id_hubspot_id_key" ON "owners"("portal_id", "hubspot_id");

-- CreateIndex
CREATE INDEX "associations_portal_id_to_type_to_id_idx" ON "associations"("portal_id", "to_type", "to_id");

-- CreateIndex
CREATE INDEX "sync_runs_portal_id_object_type_started_at_idx" ON "sync_runs"("portal_id", "object_type", "started_at");

-- CreateIndex
CREATE INDEX "processed_webhook_events_processed_at_idx" ON "processed_webhook_events"("processed_at");

-- CreateIndex
CREATE INDEX "outbox_dispatched_at_id_idx" ON "outbox"("dispatched_at", "id");

-- CreateIndex
CREATE INDEX "field_sync_state_portal_id_object_type_idx" ON "field_sync_state"("portal_id", "object_type");

-- CreateIndex
CREATE INDEX "sync_conflicts_portal_id_object_type_created_at_idx" ON "sync_conflicts"("portal_id", "object_type", "created_at");

-- CreateIndex
CREATE INDEX "sync_failures_portal_id_resolved_at_idx" ON "sync_failures"("portal_id", "resolved_at");

-- CreateIndex
CREATE UNIQUE INDEX "privacy_erasures_portal_id_object_type_hubspot_id_key" ON "privacy_erasures"("portal_id", "object_type", "hubspot_id");
