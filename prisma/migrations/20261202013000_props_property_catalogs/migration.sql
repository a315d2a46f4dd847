-- The names of each synced type's live HubSpot properties (GET /crm/v3/properties/{type}): every read asks for
-- all of them, so custom properties reach the rows' JSONB. One row per portal and type, replaced on refresh.
CREATE TABLE "hubspot_property_catalogs" (
    "portal_id" TEXT NOT NULL,
    "object_type" TEXT NOT NULL,
    "names" TEXT[],
    "refreshed_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "hubspot_property_catalogs_pkey" PRIMARY KEY ("portal_id","object_type")
);
