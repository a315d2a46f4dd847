-- Rows linked to HubSpot when a backfill began, until its pages list them: what the check after the load
-- still has to read back by id. Emptied when that check ends; bounded by the type's linked rows.
CREATE TABLE "backfill_unseen_links" (
    "portal_id" TEXT NOT NULL,
    "object_type" TEXT NOT NULL,
    "hubspot_id" TEXT NOT NULL,

    CONSTRAINT "backfill_unseen_links_pkey" PRIMARY KEY ("portal_id","object_type","hubspot_id")
);

-- AlterTable: true when the running backfill took that snapshot (one begun before this column did not).
ALTER TABLE "sync_cursors" ADD COLUMN "backfill_links_tracked" BOOLEAN NOT NULL DEFAULT false;
