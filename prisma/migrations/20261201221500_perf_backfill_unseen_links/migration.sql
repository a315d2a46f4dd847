-- Rows linked to HubSpot when a backfill began, until its pages list them: what the check after the load
-- still has to read back by id. Emptied when that check ends, and never larger than the linked rows of the type.
CREATE TABLE "backfill_unseen_links" (
    "portal_id" TEXT NOT NULL,
    "object_type" TEXT NOT NULL,
    "hubspot_id" TEXT NOT NULL,

    CONSTRAINT "backfill_unseen_links_pkey" PRIMARY KEY ("portal_id","object_type","hubspot_id")
);

-- AlterTable: true while the running backfill holds that snapshot (one begun before this column never did).
ALTER TABLE "sync_cursors" ADD COLUMN "backfill_links_tracked" BOOLEAN NOT NULL DEFAULT false;
