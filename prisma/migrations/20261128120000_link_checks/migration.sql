-- AlterTable
ALTER TABLE "sync_cursors" ADD COLUMN     "links_checked_at" TIMESTAMPTZ(3);
