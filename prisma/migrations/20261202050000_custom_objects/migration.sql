-- Custom objects (issue 18 item 4): the schemas HubSpot's schemas API lists, per portal, and every custom
-- object's records in one generic table keyed by portal, object type id (2-...) and HubSpot id. Their
-- associations live in the associations table, with the custom type id as the pair's from type.
CREATE TABLE "custom_object_types" (
    "portal_id" TEXT NOT NULL,
    "object_type_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "fully_qualified_name" TEXT,
    "label_singular" TEXT,
    "label_plural" TEXT,
    "primary_display_property" TEXT,
    "properties" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
    "associations" JSONB NOT NULL DEFAULT '[]'::jsonb,
    "archived" BOOLEAN NOT NULL DEFAULT false,
    "watermark" TIMESTAMPTZ(3),
    "refreshed_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "custom_object_types_pkey" PRIMARY KEY ("portal_id", "object_type_id")
);

CREATE TABLE "custom_object_records" (
    "portal_id" TEXT NOT NULL,
    "object_type_id" TEXT NOT NULL,
    "hubspot_id" TEXT NOT NULL,
    "properties" JSONB NOT NULL DEFAULT '{}'::jsonb,
    "archived" BOOLEAN NOT NULL DEFAULT false,
    "archived_at" TIMESTAMPTZ(3),
    "hubspot_created_at" TIMESTAMPTZ(3),
    "hubspot_updated_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "custom_object_records_pkey" PRIMARY KEY ("portal_id", "object_type_id", "hubspot_id")
);

-- Queries by a property value of one type (the platform's typical read) use the JSONB index.
CREATE INDEX "custom_object_records_properties_idx" ON "custom_object_records" USING GIN ("properties");
