-- Associations carry HubSpot's association category and label beside the type id (0 stays "linked, type not
-- yet read": a legacy webhook names the pair only). association_labels holds the label definitions HubSpot
-- lists per direction (GET /crm/v4/associations/{from}/{to}/labels), refreshed by every sync run: the platform
-- names labels, hubsync sends their type ids.
ALTER TABLE "associations" ADD COLUMN "association_category" TEXT, ADD COLUMN "label" TEXT;

CREATE TABLE "association_labels" (
    "portal_id" TEXT NOT NULL,
    "from_type" TEXT NOT NULL,
    "to_type" TEXT NOT NULL,
    "type_id" INTEGER NOT NULL,
    "category" TEXT NOT NULL,
    "label" TEXT,
    "refreshed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "association_labels_pkey" PRIMARY KEY ("portal_id","from_type","to_type","type_id")
);
