-- Products, line items and the four engagement types (notes, calls, emails, meetings), synced like the other
-- CRM types, and the engagements view a timeline query reads.
CREATE TABLE "products" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "portal_id" TEXT NOT NULL,
    "hubspot_id" TEXT,
    "name" TEXT,
    "description" TEXT,
    "sku" TEXT,
    "price" DECIMAL(18,2),
    "owner_id" TEXT,
    "properties" JSONB NOT NULL DEFAULT '{}',
    "sync_state" JSONB NOT NULL DEFAULT '{}',
    "hubspot_updated_at" TIMESTAMPTZ(3),
    "archived" BOOLEAN NOT NULL DEFAULT false,
    "archived_at" TIMESTAMPTZ(3),
    "merged_into_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "products_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "products_portal_id_hubspot_id_key" ON "products"("portal_id", "hubspot_id");

CREATE TABLE "line_items" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "portal_id" TEXT NOT NULL,
    "hubspot_id" TEXT,
    "name" TEXT,
    "product_id" TEXT,
    "quantity" DECIMAL(18,4),
    "price" DECIMAL(18,2),
    "amount" DECIMAL(18,2),
    "currency" TEXT,
    "properties" JSONB NOT NULL DEFAULT '{}',
    "sync_state" JSONB NOT NULL DEFAULT '{}',
    "hubspot_updated_at" TIMESTAMPTZ(3),
    "archived" BOOLEAN NOT NULL DEFAULT false,
    "archived_at" TIMESTAMPTZ(3),
    "merged_into_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "line_items_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "line_items_portal_id_hubspot_id_key" ON "line_items"("portal_id", "hubspot_id");

CREATE TABLE "notes" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "portal_id" TEXT NOT NULL,
    "hubspot_id" TEXT,
    "body" TEXT,
    "timestamp" TIMESTAMPTZ(3),
    "owner_id" TEXT,
    "properties" JSONB NOT NULL DEFAULT '{}',
    "sync_state" JSONB NOT NULL DEFAULT '{}',
    "hubspot_updated_at" TIMESTAMPTZ(3),
    "archived" BOOLEAN NOT NULL DEFAULT false,
    "archived_at" TIMESTAMPTZ(3),
    "merged_into_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "notes_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "notes_portal_id_hubspot_id_key" ON "notes"("portal_id", "hubspot_id");

CREATE TABLE "calls" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "portal_id" TEXT NOT NULL,
    "hubspot_id" TEXT,
    "title" TEXT,
    "body" TEXT,
    "direction" TEXT,
    "status" TEXT,
    "duration_ms" DECIMAL(18,0),
    "timestamp" TIMESTAMPTZ(3),
    "owner_id" TEXT,
    "properties" JSONB NOT NULL DEFAULT '{}',
    "sync_state" JSONB NOT NULL DEFAULT '{}',
    "hubspot_updated_at" TIMESTAMPTZ(3),
    "archived" BOOLEAN NOT NULL DEFAULT false,
    "archived_at" TIMESTAMPTZ(3),
    "merged_into_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "calls_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "calls_portal_id_hubspot_id_key" ON "calls"("portal_id", "hubspot_id");

CREATE TABLE "emails" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "portal_id" TEXT NOT NULL,
    "hubspot_id" TEXT,
    "subject" TEXT,
    "body" TEXT,
    "direction" TEXT,
    "status" TEXT,
    "timestamp" TIMESTAMPTZ(3),
    "owner_id" TEXT,
    "properties" JSONB NOT NULL DEFAULT '{}',
    "sync_state" JSONB NOT NULL DEFAULT '{}',
    "hubspot_updated_at" TIMESTAMPTZ(3),
    "archived" BOOLEAN NOT NULL DEFAULT false,
    "archived_at" TIMESTAMPTZ(3),
    "merged_into_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "emails_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "emails_portal_id_hubspot_id_key" ON "emails"("portal_id", "hubspot_id");

CREATE TABLE "meetings" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "portal_id" TEXT NOT NULL,
    "hubspot_id" TEXT,
    "title" TEXT,
    "body" TEXT,
    "start_time" TIMESTAMPTZ(3),
    "end_time" TIMESTAMPTZ(3),
    "outcome" TEXT,
    "timestamp" TIMESTAMPTZ(3),
    "owner_id" TEXT,
    "properties" JSONB NOT NULL DEFAULT '{}',
    "sync_state" JSONB NOT NULL DEFAULT '{}',
    "hubspot_updated_at" TIMESTAMPTZ(3),
    "archived" BOOLEAN NOT NULL DEFAULT false,
    "archived_at" TIMESTAMPTZ(3),
    "merged_into_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "meetings_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "meetings_portal_id_hubspot_id_key" ON "meetings"("portal_id", "hubspot_id");

-- One row per engagement of any type, for timelines: what it was, when, its title or subject, its text, its owner.
CREATE VIEW "engagements" AS
  SELECT 'note'::text AS "type", "id", "portal_id", "hubspot_id", "timestamp", NULL::text AS "subject", "body", "owner_id", "archived" FROM "notes"
  UNION ALL
  SELECT 'call'::text AS "type", "id", "portal_id", "hubspot_id", "timestamp", "title"::text AS "subject", "body", "owner_id", "archived" FROM "calls"
  UNION ALL
  SELECT 'email'::text AS "type", "id", "portal_id", "hubspot_id", "timestamp", "subject"::text AS "subject", "body", "owner_id", "archived" FROM "emails"
  UNION ALL
  SELECT 'meeting'::text AS "type", "id", "portal_id", "hubspot_id", "timestamp", "title"::text AS "subject", "body", "owner_id", "archived" FROM "meetings";
